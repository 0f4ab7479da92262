"""SD-JWT in the JWS JSON Serialization (RFC 9901 §8), mapped onto the compact form.

RFC 9901 §8.1 puts the Disclosures in the unprotected header member ``disclosures`` and, in an
SD-JWT+KB, the Key Binding JWT in ``kb_jwt``. §8.2: the Flattened serialization has one
unprotected ``header``; in the General one, ``disclosures`` and ``kb_jwt`` are in the *first*
signature's ``header`` and MUST NOT be in any other. §8.1/§8.3: ``sd_hash`` is taken over the
compact form built from the JSON (``<protected>.<payload>.<signature>~<disclosure>~...~``).

So :func:`parse` turns the JSON object into that compact SD-JWT (plus ``kb_jwt``), and
:func:`verify` is :func:`vckit.sdjwt.verify` over it: every §7.1/§7.3 rule, the ``sd_hash``
included, is the compact code's. In the General form the compact JWS is the first signature's
(the one the Disclosures and the KB-JWT travel with); the others are returned by
:func:`parse` (``JsonSdJwt.signatures``) for a caller whose policy needs them too
(:func:`vckit.sdjwt.verify_issuer_jwt`).

Strictness, beyond RFC 7515 §7.2: ``disclosures`` / ``kb_jwt`` as top-level members (where
sd-jwt-python 0.10.4 put them, before RFC 9901) are refused rather than ignored, and a name in
both the protected and the unprotected header is refused (RFC 7515 §7.2.1). Every failure is
:class:`~vckit.errors.SdJwtJsonError` (an ``SdJwtFormatError`` and an ``InputError``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit import sdjwt as sd_jwt
from vckit.document import check_object_depth, parse_json
from vckit.errors import InputError, SdJwtFormatError, SdJwtJsonError
from vckit.keys import multibase
from vckit.keys.keypair import KeyPair
from vckit.sdjwt import compact as sd_jwt_compact

__all__ = [
    "DISCLOSURES",
    "KB_JWT",
    "JsonSdJwt",
    "is_json_sd_jwt",
    "parse",
    "present",
    "to_compact",
    "to_flattened",
    "to_general",
    "verify",
]

DISCLOSURES = "disclosures"
KB_JWT = "kb_jwt"
_SD_MEMBERS = (DISCLOSURES, KB_JWT)
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class JsonSdJwt:
    """A parsed JSON serialized SD-JWT: ``compact`` is ``<jws>~<disclosure>~...~[<kb-jwt>]``
    with the first signature's JWS; ``signatures`` holds every signature as a compact JWS
    (first one first); ``general`` tells which serialization it came in."""

    compact: str
    signatures: tuple[str, ...]
    general: bool

    @property
    def sd_hash_input(self) -> str:
        """RFC 9901 §8.1: the string ``sd_hash`` is taken over (the compact SD-JWT, no KB-JWT)."""
        jwt, disclosures, _ = sd_jwt.split(self.compact)
        return jwt + "~" + "".join(d + "~" for d in disclosures)


def is_json_sd_jwt(document: Mapping[str, Any]) -> bool:
    """Does this JSON object look like a JWS JSON serialization (``payload`` plus
    ``signature`` or ``signatures``)? :func:`parse` then decides whether it is a good one."""
    return "payload" in document and ("signature" in document or "signatures" in document)


def _text(value: object, where: str, pattern: re.Pattern[str] = _B64URL) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise SdJwtJsonError(f"{where} must be a base64url string")
    return value


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SdJwtJsonError(f"{where} must be a JSON object")
    return value


def _signature(
    entry: Mapping[str, Any], where: str, first: bool
) -> tuple[str, str, Mapping[str, Any]]:
    """One signature: ``protected`` (an SD-JWT's alg/typ live there), ``signature`` and the
    optional unprotected ``header``, whose names must not repeat the protected ones."""
    protected = _text(entry.get("protected"), f"{where}.protected")
    signature = _text(entry.get("signature"), f"{where}.signature")
    header = _object(entry.get("header", {}), f"{where}.header")
    if not first and any(name in header for name in _SD_MEMBERS):
        raise SdJwtJsonError(
            f"{where}.header carries disclosures/kb_jwt: RFC 9901 §8.2 allows them only in "
            "the first signature's unprotected header"
        )
    try:
        names = sd_jwt_compact.decode_segment(protected, f"{where}.protected header")
    except SdJwtFormatError as exc:
        raise SdJwtJsonError(str(exc)) from None
    shared = sorted(set(names) & set(header))
    if shared:
        raise SdJwtJsonError(f"{where}: {shared} in both protected and header (RFC 7515 §7.2.1)")
    return protected, signature, header


def _load(data: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        check_object_depth(data)
        return data
    if not isinstance(data, str | bytes):
        raise SdJwtJsonError("a JSON serialized SD-JWT is a JSON object")
    try:
        value = parse_json(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        raise SdJwtJsonError("not JSON: not UTF-8 text") from None
    except InputError as exc:
        raise SdJwtJsonError(f"not JSON: {exc}") from None
    if not isinstance(value, Mapping):
        raise SdJwtJsonError("a JSON serialized SD-JWT is a JSON object")
    return value


def parse(data: str | bytes | Mapping[str, Any]) -> JsonSdJwt:
    """RFC 9901 §8 (with RFC 7515 §7.2): the compact SD-JWT a JSON serialized one stands for."""
    try:
        document = _load(data)
    except SdJwtJsonError:
        raise
    except InputError as exc:
        raise SdJwtJsonError(str(exc)) from None
    misplaced = [name for name in _SD_MEMBERS if name in document]
    if misplaced:
        raise SdJwtJsonError(
            f"{misplaced} must be members of the unprotected 'header' (RFC 9901 §8.1), "
            "not of the top-level object"
        )
    payload = _text(document.get("payload"), "payload")
    general = "signatures" in document
    if general:
        if any(name in document for name in ("protected", "header", "signature")):
            raise SdJwtJsonError(
                "the General serialization has no top-level protected/header/signature"
            )
        entries = document["signatures"]
        if not isinstance(entries, list) or not entries:
            raise SdJwtJsonError("signatures must be a non-empty array")
        parsed = [
            _signature(_object(e, f"signatures[{i}]"), f"signatures[{i}]", i == 0)
            for i, e in enumerate(entries)
        ]
    else:
        parsed = [_signature(document, "the flattened JWS", True)]
    jwses = tuple(f"{protected}.{payload}.{signature}" for protected, signature, _ in parsed)
    header = parsed[0][2]
    disclosures = header.get(DISCLOSURES, [])
    if not isinstance(disclosures, list):
        raise SdJwtJsonError("header.disclosures must be an array of strings")
    for i, disclosure in enumerate(disclosures):
        _text(disclosure, f"header.disclosures[{i}]")
    kb_jwt = header.get(KB_JWT)
    if kb_jwt is not None:
        _text(kb_jwt, "header.kb_jwt (a compact JWT)", _JWS)
    compact = jwses[0] + "~" + "".join(d + "~" for d in disclosures) + (kb_jwt or "")
    return JsonSdJwt(compact=compact, signatures=jwses, general=general)


def to_compact(data: str | bytes | Mapping[str, Any]) -> str:
    """The compact SD-JWT (or SD-JWT+KB) of a JSON serialized one."""
    return parse(data).compact


def verify(
    data: str | bytes | Mapping[str, Any], issuer_key: sd_jwt.IssuerKeyLookup, **options: Any
) -> sd_jwt.SdJwtVerification:
    """:func:`vckit.sdjwt.verify` (same keyword options) of a JSON serialized SD-JWT."""
    return sd_jwt.verify(to_compact(data), issuer_key, **options)


# --- issuer / holder side ------------------------------------------------------------------


def _pieces(compact: str) -> tuple[list[str], dict[str, Any]]:
    jwt, disclosures, kb_jwt = sd_jwt.split(compact)
    segments = jwt.split(".")
    if len(segments) != 3:
        raise SdJwtFormatError("the issuer-signed JWT is not a compact JWS")
    header: dict[str, Any] = {DISCLOSURES: disclosures}
    if kb_jwt is not None:
        header[KB_JWT] = kb_jwt
    return segments, header


def to_flattened(compact: str, header: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """RFC 9901 §8.2: the Flattened JSON serialization of a compact SD-JWT or SD-JWT+KB
    (``header`` adds other unprotected parameters). A KB-JWT made over the compact
    form keeps its ``sd_hash``: §8.1 takes it over exactly that form."""
    (protected, payload, signature), members = _pieces(compact)
    flattened = {
        "payload": payload,
        "protected": protected,
        "header": {**(header or {}), **members},
        "signature": signature,
    }
    parse(flattened)  # e.g. a header name already in the protected header
    return flattened


def to_general(
    compact: str, co_signers: Sequence[tuple[Mapping[str, Any], KeyPair]] = ()
) -> dict[str, Any]:
    """RFC 9901 §8.2: the General JSON serialization; the compact JWS's signature comes first
    (with ``disclosures`` / ``kb_jwt``), then one per ``(protected header, key)`` co-signer
    over the same payload."""
    (protected, payload, signature), members = _pieces(compact)
    signatures: list[dict[str, Any]] = [
        {"protected": protected, "header": members, "signature": signature}
    ]
    for extra_header, key in co_signers:
        extra = multibase.base64url_nopad_encode(
            json.dumps(dict(extra_header), separators=(",", ":")).encode("utf-8")
        )
        signed = key.sign(f"{extra}.{payload}".encode("ascii"))
        signatures.append(
            {"protected": extra, "signature": multibase.base64url_nopad_encode(signed)}
        )
    return {"payload": payload, "signatures": signatures}


def present(
    data: str | bytes | Mapping[str, Any],
    disclose: Collection[sd_jwt.Path],
    holder_key: KeyPair | None,
    *,
    nonce: str | None = None,
    aud: str | None = None,
    iat: datetime | int | None = None,
) -> dict[str, Any]:
    """:func:`vckit.sdjwt.present` for an SD-JWT held in the JSON serialization: the
    presentation keeps its form (Flattened or General, other signatures and unprotected
    parameters kept), with the chosen ``disclosures`` and the ``kb_jwt`` in the first
    header; ``sd_hash`` is over the compact form, as §8.1 requires."""
    document = dict(_load(data))
    parsed = parse(document)
    chosen = sd_jwt.present(parsed.compact, disclose, holder_key, nonce=nonce, aud=aud, iat=iat)
    _, members = _pieces(chosen)
    if parsed.general:
        first, *rest = document["signatures"]
        kept = {k: v for k, v in first.get("header", {}).items() if k not in _SD_MEMBERS}
        document["signatures"] = [{**first, "header": {**kept, **members}}, *rest]
    else:
        kept = {k: v for k, v in document.get("header", {}).items() if k not in _SD_MEMBERS}
        document["header"] = {**kept, **members}
    return document
