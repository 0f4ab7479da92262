"""``ler sign FILE --key KEYFILE``: a credential (or, with ``--presentation``, a presentation)
signed in any format :func:`vckit.sign` knows; ``--presentation --format vc-jwt`` makes a
VC-JOSE-COSE ``vp+jwt`` (``--challenge``/``--domain`` as its ``nonce``/``aud``), ``--format
vc-cose`` a COSE_Sign1 credential printed as an ``EnvelopedVerifiableCredential``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ler.errors import EXIT_PASS, UsageError, read_file
from vckit import default_format, load_key, sign, sign_presentation
from vckit.cose import vc_cose
from vckit.document import read_input
from vckit.jose.vp_jwt import sign_vp_jwt

SIGN_FORMATS = (
    "eddsa-rdfc-2022",
    "ecdsa-rdfc-2019",
    "eddsa-jcs-2022",
    "ecdsa-jcs-2019",
    "vc-jwt",
    "ob3-jwt",
    "vc-cose",
)


def cmd_sign(args: argparse.Namespace) -> int:
    key, kid = load_key(read_file(args.key))
    parsed = read_input(read_file(args.file))
    if parsed.json is None:
        raise UsageError(f"{args.file} is not a JSON credential")
    document: dict[str, Any] = parsed.json
    signer = kid.split("#", 1)[0]
    field = "holder" if args.presentation else "issuer"
    document.setdefault(field, signer)
    named = document[field].get("id") if isinstance(document[field], dict) else document[field]
    if named != signer:
        print(f"warning: {field} is {named}, but the key belongs to {signer}", file=sys.stderr)
    form = args.format or default_format(key)
    if args.presentation and form == "vc-jwt":  # VC-JOSE-COSE vp+jwt: nonce/aud bind it
        signed: dict[str, Any] | str = sign_vp_jwt(
            document, key, kid=kid, nonce=args.challenge, aud=args.domain
        )
    elif form == "vc-cose":
        if args.presentation:
            raise UsageError("vc-cose secures credentials; sign a presentation as vc-jwt")
        signed = vc_cose.envelop(vc_cose.sign_vc_cose(document, key, kid=kid))
    elif args.presentation and form != "ob3-jwt":
        signed = sign_presentation(
            document,
            key,
            verification_method=kid,
            challenge=args.challenge,
            domain=args.domain,
            cryptosuite=form,
        )
    else:
        signed = sign(document, key, verification_method=kid, format=form)
    print(signed if isinstance(signed, str) else json.dumps(signed, indent=2))
    return EXIT_PASS


def add_parser(sub: Any) -> None:
    s = sub.add_parser("sign", help="sign a credential (or, with --presentation, a presentation)")
    s.add_argument("file", help="the unsigned JSON document; - for stdin")
    s.add_argument("--key", required=True, help="a key file from 'ler keys new'")
    s.add_argument("--format", choices=SIGN_FORMATS)
    s.add_argument("--presentation", action="store_true", help="sign as holder (authentication)")
    s.add_argument("--challenge")
    s.add_argument("--domain")
    s.set_defaults(run=cmd_sign)
