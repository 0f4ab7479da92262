"""Presentations secured as compact JWS: W3C VC-JOSE-COSE ``vp+jwt`` (§3.2 "With JOSE").

The payload *is* the presentation (VC Data Model 2.0 §4.13, a ``VerifiablePresentation``);
the header says ``typ: vp+jwt`` and ``cty: vp`` (§3.2.1), and the ``vc``/``vp`` claims MUST NOT
appear (§1.1.2.1). Credentials inside are enveloped (VC 2.0 §4.13.1
``EnvelopedVerifiableCredential``, ``id`` ``data:application/vc+jwt,<JWT>``); :func:`envelop`
makes one. The holder signs with a key of its DID (``kid``: a DID URL; the holder's
``authentication`` relationship). The verifier's challenge and domain travel as the JWT claims
``nonce`` and ``aud`` -- the names RFC 9901 §4.3 gives them in a Key Binding JWT, and what a
verifier binds a vp+jwt answer to (:mod:`vckit.verification.binding`). ``iss``, when present, is
the holder.

A whole presentation can itself be enveloped: ``EnvelopedVerifiablePresentation`` with ``id``
``data:application/vp+jwt,<JWT>`` (VC 2.0 §4.13.2); :func:`enveloped_presentation_token` reads
it. A ``vp+sd-jwt`` (§3.2.2) is the same presentation secured as an SD-JWT the holder signs
(``vckit.sdjwt.issue(..., typ="vp+sd-jwt")``), with ``data:application/vp+sd-jwt,`` as its
envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from vckit.credential import types_of
from vckit.did.resolver import split_did_url
from vckit.errors import InputError, JwtClaimsError, JwtFormatError, UnsupportedFormatError
from vckit.jose.claims import numeric_date
from vckit.jose.vc_jwt import _b64, _json_bytes, _media_type
from vckit.keys.keypair import JWS_ALG, KeyPair

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VP_MEDIA_TYPE = "application/vp+jwt"
VP_SD_JWT_MEDIA_TYPE = "application/vp+sd-jwt"
VC_MEDIA_TYPE = "application/vc+jwt"


def holder_of(presentation: Mapping[str, Any]) -> str | None:
    """The presentation's ``holder`` URL (a string or an object's ``id``), or None."""
    holder = presentation.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def envelop(token: str, media_type: str = VC_MEDIA_TYPE) -> dict[str, Any]:
    """An ``EnvelopedVerifiableCredential`` around a secured credential (VC 2.0 §4.13.1)."""
    return {
        "@context": [VC_V2],
        "id": f"data:{media_type},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def sign_vp_jwt(
    presentation: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str,
    nonce: str | None = None,
    aud: str | None = None,
    issued_at: datetime | None = None,
    expires: datetime | None = None,
) -> str:
    """Secure ``presentation`` as a ``vp+jwt`` signed by the holder's ``key`` (``kid``: its
    verification method). ``nonce``/``aud`` carry the verifier's challenge and domain."""
    if "VerifiablePresentation" not in types_of(presentation):
        raise InputError("a vp+jwt secures a VerifiablePresentation")
    if any(name in presentation for name in ("vc", "vp", "iss", "nonce", "aud")):
        raise JwtClaimsError(
            "a vp+jwt presentation must not carry 'vc', 'vp', 'iss', 'nonce', 'aud'"
        )
    holder = holder_of(presentation)
    if holder is not None and kid.startswith("did:") and split_did_url(kid)[0] != holder:
        raise JwtClaimsError(f"kid {kid} is not a key of the holder {holder}")
    header = {"alg": JWS_ALG[key.public.kind], "kid": kid, "typ": "vp+jwt", "cty": "vp"}
    payload: dict[str, Any] = dict(presentation)
    if holder is not None:
        payload["iss"] = holder
    for name, value in (("nonce", nonce), ("aud", aud)):
        if value is not None:
            payload[name] = value
    if issued_at is not None:
        payload["iat"] = numeric_date(issued_at)
    if expires is not None:
        payload["exp"] = numeric_date(expires)
    signing_input = (
        _b64(_json_bytes(header, "header")) + "." + _b64(_json_bytes(payload, "payload"))
    )
    return signing_input + "." + _b64(key.sign(signing_input.encode("ascii")))


def is_vp_jwt(header: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """A token is a presentation when its ``typ`` says ``vp+jwt`` or its payload is one."""
    try:
        typ = _media_type(header.get("typ"))
    except JwtFormatError:
        return False
    return typ in ("vp+jwt", "vp+sd-jwt") or "VerifiablePresentation" in types_of(payload)


def enveloped_presentation_token(item: Mapping[str, Any]) -> str:
    """The vp+jwt inside an ``EnvelopedVerifiablePresentation`` (VC 2.0 §4.13.2: ``@context``
    includes the base context; ``id`` is ``data:application/vp+jwt,<JWT>``)."""
    context = item.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V2 not in contexts:
        raise InputError(f"an EnvelopedVerifiablePresentation's @context must include {VC_V2}")
    header, comma, token = str(item.get("id", "")).partition(",")
    media = (f"data:{VP_MEDIA_TYPE}", f"data:{VP_SD_JWT_MEDIA_TYPE}")
    if not comma or header not in media or not token:
        raise UnsupportedFormatError(
            "an EnvelopedVerifiablePresentation id must be data:application/vp+jwt,<JWT> "
            "or data:application/vp+sd-jwt,<SD-JWT>"
        )
    return token
