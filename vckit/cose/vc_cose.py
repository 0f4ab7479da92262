"""Credentials and presentations secured with COSE_Sign1: W3C VC-JOSE-COSE §3.3 "With COSE"
(https://www.w3.org/TR/vc-jose-cose/#securing-with-cose), with ``pycose`` (RFC 9052).

The payload is the credential's JSON (``application/vc``); the protected header carries
``alg`` (1: ES256 -7, ES384 -35, ES512 -36, EdDSA -8), ``content type`` (3)
``application/vc``, ``typ`` (16, RFC 9596) ``application/vc+cose`` and ``kid`` (4) -- the
issuer's verification method URL, UTF-8 -- so key discovery is the JOSE one
(:mod:`vckit.jose.keys`). A credential travels enveloped (VC 2.0 §4.13.1):
``EnvelopedVerifiableCredential`` with ``id`` ``data:application/vc+cose;base64,<COSE_Sign1>``
(:func:`envelop`, :func:`enveloped_bytes`).
A presentation (§3.3.2) is the same with ``application/vp`` and ``application/vp+cose``, signed
by the holder (:func:`sign_vp_cose`); :func:`decode` reads both and says which in ``media_type``.

The algorithm is pinned by the key (ES256 for P-256, ES384 for P-384, ES512 for P-521, EdDSA
for Ed25519);
RSA is not offered. Nothing here fetches: verification takes the public key it is given.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pycose.algorithms import EdDSA, Es256, Es384, Es512
from pycose.exceptions import CoseException
from pycose.headers import KID, Algorithm, ContentType
from pycose.keys.curves import P256, P384, P521, Ed25519
from pycose.keys.ec2 import EC2Key
from pycose.keys.okp import OKPKey
from pycose.messages.cosemessage import CoseMessage
from pycose.messages.sign1message import Sign1Message

from vckit.credential import types_of
from vckit.document import parse_json
from vckit.errors import (
    InputError,
    InvalidSignatureError,
    JwtAlgorithmError,
    JwtFormatError,
    UnsupportedFormatError,
)
from vckit.keys import multibase
from vckit.keys.keypair import KeyPair, PublicKey

VC_V2 = "https://www.w3.org/ns/credentials/v2"
MEDIA_TYPE = "application/vc+cose"
CONTENT_TYPE = "application/vc"
VP_MEDIA_TYPE = "application/vp+cose"
VP_CONTENT_TYPE = "application/vp"
_TYPES = {MEDIA_TYPE: "VerifiableCredential", VP_MEDIA_TYPE: "VerifiablePresentation"}
TYP = 16  # RFC 9596 "typ" header parameter
MAX_BYTES = 1_000_000
_ALGS = {"Ed25519": EdDSA, "P-256": Es256, "P-384": Es384, "P-521": Es512}
_CURVES = {"P-256": P256, "P-384": P384, "P-521": P521}


@dataclass(frozen=True)
class CoseCredential:
    """A COSE_Sign1 credential (or, ``media_type`` ``application/vp+cose``, presentation,
    then in ``credential`` too), decoded but not verified."""

    message: Sign1Message
    alg: str
    kid: str | None
    credential: dict[str, Any]
    media_type: str = MEDIA_TYPE


def _b64url(value: str) -> bytes:
    return multibase.base64url_nopad_decode(value)


def _cose_key(jwk: Mapping[str, Any], private: bool) -> OKPKey | EC2Key:
    d = _b64url(jwk["d"]) if private else b""
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return OKPKey(crv=Ed25519, x=_b64url(jwk["x"]), d=d)
    curve = _CURVES.get(str(jwk.get("crv")))
    if jwk.get("kty") == "EC" and curve is not None:
        return EC2Key(crv=curve, x=_b64url(jwk["x"]), y=_b64url(jwk["y"]), d=d)
    raise JwtAlgorithmError(f"COSE takes Ed25519, P-256, P-384 or P-521 keys, not {jwk.get('kty')}")


def _alg_for(kind: str) -> Any:
    alg = _ALGS.get(kind)
    if alg is None:
        raise JwtAlgorithmError(
            f"COSE signing takes Ed25519, P-256, P-384 or P-521 keys, not {kind}"
        )
    return alg


def sign_vc_cose(credential: Mapping[str, Any], key: KeyPair, *, kid: str) -> bytes:
    """``credential`` as a tagged COSE_Sign1 signed by ``key``; ``kid`` names its method."""
    return _sign(credential, key, kid, MEDIA_TYPE, CONTENT_TYPE)


def sign_vp_cose(presentation: Mapping[str, Any], key: KeyPair, *, kid: str) -> bytes:
    """``presentation`` as a tagged COSE_Sign1 (``application/vp+cose``, §3.3.2) signed by the
    holder's ``key``; ``kid`` names the holder's verification method."""
    return _sign(presentation, key, kid, VP_MEDIA_TYPE, VP_CONTENT_TYPE)


def _sign(
    document: Mapping[str, Any], key: KeyPair, kid: str, media_type: str, content_type: str
) -> bytes:
    if _TYPES[media_type] not in types_of(document):
        raise InputError(
            f"a {media_type.removeprefix('application/')} secures a {_TYPES[media_type]}"
        )
    alg = _alg_for(key.public.kind)
    payload = json.dumps(dict(document), ensure_ascii=False, separators=(",", ":"))
    message = Sign1Message(
        phdr={Algorithm: alg, ContentType: content_type, TYP: media_type, KID: kid.encode()},
        payload=payload.encode("utf-8"),
    )
    message.key = _cose_key(key.to_private_jwk(), private=True)
    encoded: bytes = message.encode(tag=True)
    return encoded


def decode(data: bytes) -> CoseCredential:
    """Decode a COSE_Sign1 credential or presentation (not verified): ``typ`` (absent: what the
    payload is) picks which. UnsupportedFormatError if it is neither."""
    if not isinstance(data, bytes) or len(data) > MAX_BYTES:
        raise UnsupportedFormatError(f"a vc+cose must be at most {MAX_BYTES} bytes")
    try:
        message = CoseMessage.decode(data)
    except Exception as exc:  # pycose/cbor2 raise many types on hostile bytes
        raise UnsupportedFormatError(f"not a COSE_Sign1 message: {exc}") from None
    if not isinstance(message, Sign1Message):
        raise UnsupportedFormatError("not a COSE_Sign1 message (tag 18)")
    alg = message.phdr.get(Algorithm)
    names: dict[Any, str] = {EdDSA: "EdDSA", Es256: "ES256", Es384: "ES384", Es512: "ES512"}
    try:
        alg_name = names[alg]
    except (KeyError, TypeError):  # unknown, or not even hashable
        raise JwtAlgorithmError(
            f"COSE alg {alg!r} is not allowed (EdDSA, ES256, ES384, ES512)"
        ) from None
    typ = message.phdr.get(TYP)
    if typ is not None and typ not in _TYPES:
        raise JwtFormatError(f"COSE typ {typ!r} is not {MEDIA_TYPE} or {VP_MEDIA_TYPE}")
    kid = message.phdr.get(KID)
    try:
        kid_text = kid.decode("utf-8") if isinstance(kid, bytes) else None
        value = parse_json((message.payload or b"").decode("utf-8"))
    except (UnicodeDecodeError, InputError) as exc:
        raise UnsupportedFormatError(f"the COSE payload is not a JSON credential: {exc}") from None
    if not isinstance(value, dict):
        raise UnsupportedFormatError("the COSE payload is not a JSON object")
    if typ is None:
        presentation = "VerifiablePresentation" in types_of(value)
        typ = VP_MEDIA_TYPE if presentation else MEDIA_TYPE
    if _TYPES[typ] not in types_of(value):
        raise UnsupportedFormatError(f"the {typ} payload is not a {_TYPES[typ]}")
    content_type = message.phdr.get(ContentType)
    expected = CONTENT_TYPE if typ == MEDIA_TYPE else VP_CONTENT_TYPE
    if content_type is not None and content_type != expected:
        raise JwtFormatError(f"COSE content type {content_type!r} is not {expected}")
    return CoseCredential(message, alg_name, kid_text, value, typ)


def verify_signature(found: CoseCredential, public: PublicKey) -> None:
    """The COSE_Sign1 signature (RFC 9052 §4.4) with ``public``; its kind must fit ``alg``."""
    if _alg_for(public.kind) is not found.message.phdr.get(Algorithm):
        raise JwtAlgorithmError(f"alg {found.alg} does not fit the issuer's {public.kind} key")
    found.message.key = _cose_key(public.to_jwk(), private=False)
    try:
        ok = found.message.verify_signature()
    except (CoseException, ValueError) as exc:
        raise InvalidSignatureError(
            f"the COSE {found.alg} signature does not verify: {exc}"
        ) from None
    if not ok:
        raise InvalidSignatureError(f"the COSE {found.alg} signature does not verify")


def envelop(data: bytes) -> dict[str, Any]:
    """An ``EnvelopedVerifiableCredential`` around a COSE_Sign1 credential."""
    encoded = base64.b64encode(data).decode("ascii")
    return {
        "@context": [VC_V2],
        "id": f"data:{MEDIA_TYPE};base64,{encoded}",
        "type": "EnvelopedVerifiableCredential",
    }


def is_enveloped_cose(item: Mapping[str, Any]) -> bool:
    return str(item.get("id", "")).startswith(f"data:{MEDIA_TYPE}")


def enveloped_bytes(item: Mapping[str, Any]) -> bytes:
    """The COSE_Sign1 inside an ``EnvelopedVerifiableCredential`` (``;base64`` data URL)."""
    context = item.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V2 not in contexts:
        raise InputError(f"an EnvelopedVerifiableCredential's @context must include {VC_V2}")
    header, comma, body = str(item.get("id", "")).partition(",")
    if not comma or header != f"data:{MEDIA_TYPE};base64" or not body:
        raise UnsupportedFormatError(f"a COSE credential's id must be data:{MEDIA_TYPE};base64,...")
    try:  # RFC 4648 §3.2 padding may be left out (Go's RawStdEncoding, the W3C suite's vectors)
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnsupportedFormatError(f"the data URL is not base64: {exc}") from None
