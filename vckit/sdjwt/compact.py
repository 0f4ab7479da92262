"""The SD-JWT compact serialization (RFC 9901 §4): ``<jwt>~<disclosure>~...~[<KB-JWT>]``.

``split`` cuts a compact SD-JWT into its issuer-signed JWT, disclosures and optional Key Binding
JWT (§4, §7.1 step 1); ``jwt_parts`` reads a compact JWS's header and payload without checking
its signature; ``sign_jws`` makes a compact JWS (RFC 7515 §5.1). The issuer (§4/§5), the holder
(§7.2) and the verifier (§7.1, §7.3) in :mod:`vckit.sdjwt` and :mod:`vckit.sdjwt.verifier` all
build on these.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vckit.document import parse_json
from vckit.errors import InputError, SdJwtFormatError
from vckit.keys import multibase
from vckit.keys.keypair import KeyPair

__all__ = ["b64url", "decode_segment", "json_bytes", "jwt_parts", "sign_jws", "split"]


def b64url(data: bytes) -> str:
    """base64url without padding (RFC 9901 §1.2 "base64url")."""
    return multibase.base64url_nopad_encode(data)


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the issuer and holder serialize it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def split(sd_jwt: str) -> tuple[str, list[str], str | None]:
    """RFC 9901 §4 / §7.1 step 1: issuer-signed JWT, disclosures, optional KB-JWT."""
    if not isinstance(sd_jwt, str) or "~" not in sd_jwt:
        raise SdJwtFormatError("an SD-JWT has the form <jwt>~<disclosure>~...~[<kb-jwt>]")
    parts = sd_jwt.strip().split("~")
    jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not jwt or any(not d for d in disclosures):
        raise SdJwtFormatError("an SD-JWT has an empty component")
    return jwt, disclosures, (last or None)


def decode_segment(segment: str, what: str) -> dict[str, Any]:
    """One base64url JSON object segment of a compact JWS (``what`` names it in errors)."""
    try:
        value = parse_json(multibase.base64url_nopad_decode(segment).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError) as exc:
        raise SdJwtFormatError(f"the {what} is not usable base64url JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise SdJwtFormatError(f"the {what} is not a JSON object")
    return value


def jwt_parts(jwt: str, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of a compact JWS, unverified."""
    segments = jwt.split(".")
    if len(segments) != 3:
        raise SdJwtFormatError(f"the {what} is not a compact JWS")
    return decode_segment(segments[0], f"{what} header"), decode_segment(segments[1], what)


def sign_jws(header: Mapping[str, Any], payload: Mapping[str, Any], key: KeyPair) -> str:
    """RFC 7515 §5.1 compact JWS."""
    signing_input = b64url(json_bytes(header)) + "." + b64url(json_bytes(payload))
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))
