"""``ler``: the command line for HR vendors and solution providers.

    ler verify FILE|- [--json] [--allow-did-web] [--allow-status-fetch]
                      [--challenge C] [--domain D] [--now TIME] [--registry FILE]
    ler keys new [--type ed25519|p256|p384|rsa] [--out FILE]
    ler sign FILE --key KEYFILE [--format eddsa-rdfc-2022|ecdsa-rdfc-2019|vc-jwt|ob3-jwt]
    ler up
    ler serve issuer|wallet|verifier|landing [--host H] [--port P]
    ler demo [--start] [--issuer-url URL] [--wallet-url URL] [--verifier-url URL]
    ler batch FILE.csv --issuer SLUG --achievement ID [--issuer-url URL] [--token T]

``verify`` reads JSON-LD, a VC-JWT, or a baked PNG/SVG badge (the credential inside it).
Exit codes of ``verify``: 0 every check passed, 1 a check failed, 3 nothing failed but
something could not be checked, 2 unusable input (one line on stderr, no traceback).
``--registry FILE`` (the format of ``examples/registry.json``; slugs resolve against
``LER_ISSUER_URL``) supplies its ``alwaysDiscloses`` attestations: without it, a selectively
disclosed credential with no ``validUntil`` / ``credentialStatus`` could not be checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from demo import cli as demo_cli
from vckit.di import algorithms as data_integrity
from vckit.did.resolver import DidResolver
from vckit.document import read_input
from vckit.errors import VckitError
from vckit.jose import vc_jwt as jose
from vckit.keys.keyfile import KEY_TYPES, load_key, new_key_file
from vckit.keys.keypair import KeyPair
from vckit.ob import baking
from vckit.presentation import sign_presentation
from vckit.report import FAIL, PASS, Report
from vckit.verification import VerifyOptions, verify
from verifier import batch_client, registry, runner
from verifier.fetch import FetchPolicy, fetcher
from verifier.settings import Settings

EXIT_PASS, EXIT_FAIL, EXIT_INPUT, EXIT_UNCHECKED = 0, 1, 2, 3
MARKS = {"pass": "PASS", "fail": "FAIL", "could-not-check": "COULD NOT CHECK"}


class UsageError(Exception):
    """Unusable input or arguments: reported in one line, exit code 2."""


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _unbake(data: bytes) -> bytes | str | dict[str, Any]:
    """A baked PNG or SVG badge (OB 3.0 §5.3) gives up its credential; other input is unchanged."""
    if baking.image_kind(data) is None:
        return data
    return baking.extract(data)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now {value!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def print_report(report: Report, indent: str = "") -> None:
    print(f"{indent}{report.kind} ({report.format}): {report.verdict.upper()}")
    for check in report.checks:
        print(f"{indent}  [{MARKS[check.status]}] {check.title}: {check.detail}")
    if report.disclosure is not None:
        shown = report.disclosure
        withheld = "not revealed" if shown.withheld is None else str(shown.withheld)
        print(f"{indent}  disclosed: {', '.join(shown.disclosed) or 'none'}")
        print(f"{indent}  withheld: {withheld}; absent: {', '.join(shown.absent) or 'none'}")
        print(f"{indent}  note: {shown.note}")
    for number, inner in enumerate(report.credentials, 1):
        print(f"{indent}  credential {number}:")
        print_report(inner, indent + "    ")


def cmd_verify(args: argparse.Namespace) -> int:
    policy = FetchPolicy(allow_http_localhost=args.allow_http_localhost)
    fetch = fetcher(policy)
    options = VerifyOptions(
        resolver=DidResolver(fetch if args.allow_did_web else None),
        fetch_status_list=fetch if args.allow_status_fetch else None,
        now=_parse_now(args.now),
        challenge=args.challenge,
        domain=args.domain,
        always_disclosed=_always_disclosed(args.registry),
    )
    report = verify(_unbake(_read(args.file)), options)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_report(report)
    verdict = report.verdict
    return EXIT_PASS if verdict == PASS else EXIT_FAIL if verdict == FAIL else EXIT_UNCHECKED


def _always_disclosed(path: str | None) -> Callable[[str], frozenset[str]] | None:
    """The ``alwaysDiscloses`` attestations of the registry file at ``path``."""
    if path is None:
        return None
    issuer_url = os.environ.get("LER_ISSUER_URL", Settings.issuer_url)
    try:
        return registry.load(Path(path), issuer_url).always_disclosed
    except registry.RegistryError as exc:
        raise UsageError(f"--registry {path}: {exc}") from None


def cmd_keys_new(args: argparse.Namespace) -> int:
    text = json.dumps(new_key_file(args.type), indent=2) + "\n"
    if args.out:
        try:  # created with mode 600 from the start: the private key is never world-readable
            descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {args.type} key to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_PASS


DEFAULT_FORMAT = {
    "Ed25519": "eddsa-rdfc-2022",
    "P-256": "ecdsa-rdfc-2019",
    "P-384": "ecdsa-rdfc-2019",
}


def _default_format(key: KeyPair) -> str:
    """Data Integrity for the keys a cryptosuite covers; VC-JWT for RSA."""
    return DEFAULT_FORMAT.get(key.public.kind, "vc-jwt")


def cmd_sign(args: argparse.Namespace) -> int:
    key, kid = load_key(_read(args.key))
    parsed = read_input(_read(args.file))
    if parsed.json is None:
        raise UsageError(f"{args.file} is not a JSON credential")
    document: dict[str, Any] = parsed.json
    signer = kid.split("#", 1)[0]
    field = "holder" if args.presentation else "issuer"
    document.setdefault(field, signer)
    named = document[field].get("id") if isinstance(document[field], dict) else document[field]
    if named != signer:
        print(f"warning: {field} is {named}, but the key belongs to {signer}", file=sys.stderr)
    form = args.format or _default_format(key)
    if form in ("vc-jwt", "ob3-jwt"):
        profile: jose.Profile = "ob3" if form == "ob3-jwt" else "vc-jose-cose"
        print(jose.sign_jwt_vc(document, key, kid=kid, profile=profile))
        return EXIT_PASS
    if args.presentation:
        signed = sign_presentation(
            document,
            key,
            verification_method=kid,
            challenge=args.challenge,
            domain=args.domain,
            cryptosuite=form,
        )
    else:
        signed = data_integrity.sign(document, key, verification_method=kid, cryptosuite=form)
    print(json.dumps(signed, indent=2))
    return EXIT_PASS


def cmd_up(args: argparse.Namespace) -> int:
    from verifier.runner import run_all

    return run_all(host=args.host, base_port=args.port)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ler", description="LER credential demonstrator")
    sub = top.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="verify a credential or presentation")
    v.add_argument("file", help="JSON-LD, a VC-JWT or a baked PNG/SVG badge; - for stdin")
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.add_argument("--allow-did-web", action="store_true", help="fetch did:web documents")
    v.add_argument("--allow-status-fetch", action="store_true", help="fetch status lists")
    v.add_argument(
        "--allow-http-localhost", action="store_true", help="allow plain http to localhost"
    )
    v.add_argument("--challenge", help="the challenge a presentation must carry")
    v.add_argument("--domain", help="the domain a presentation must carry")
    v.add_argument("--now", help="check validity at this ISO 8601 time instead of now")
    v.add_argument(
        "--registry", metavar="FILE", help="a registry JSON whose alwaysDiscloses to trust"
    )
    v.set_defaults(run=cmd_verify)

    keys = sub.add_parser("keys", help="key pairs").add_subparsers(dest="keys", required=True)
    new = keys.add_parser("new", help="generate a key pair (private JWK with a DID kid)")
    new.add_argument("--type", choices=KEY_TYPES, default="ed25519")
    new.add_argument("--out", help="write here (mode 600) instead of stdout")
    new.set_defaults(run=cmd_keys_new)

    s = sub.add_parser("sign", help="sign a credential (or, with --presentation, a presentation)")
    s.add_argument("file", help="the unsigned JSON document; - for stdin")
    s.add_argument("--key", required=True, help="a key file from 'ler keys new'")
    s.add_argument("--format", choices=["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"])
    s.add_argument("--presentation", action="store_true", help="sign as holder (authentication)")
    s.add_argument("--challenge")
    s.add_argument("--domain")
    s.set_defaults(run=cmd_sign)

    up = sub.add_parser("up", help="start the issuer, wallet and verifier")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000, help="landing port; services follow it")
    up.set_defaults(run=cmd_up)

    batch_client.add_parser(sub)
    demo_cli.add_parser(sub)
    runner.add_serve_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (UsageError, VckitError) as exc:
        print(f"ler: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback: one line, and "unusable input"
        print(f"ler: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return code


if __name__ == "__main__":
    sys.exit(main())
