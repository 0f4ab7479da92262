"""Verify a JWT-secured credential: an OB 3.0 VC-JWT or a VC-JOSE-COSE ``vc+jwt``, bare or
enveloped in a ``data:`` URL (VC 2.0 §4.13.1)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InputError,
    InvalidSignatureError,
    JoseError,
    UnsupportedDidMethodError,
    UnsupportedFormatError,
    VckitError,
    VerificationMethodNotFoundError,
)
from vckit.jose import vc_jwt as jose
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification.content import jwt_content_checks
from vckit.verification.options import VerifyOptions


def verify_jwt_credential(token: str, options: VerifyOptions) -> Report:
    """An OB 3.0 VC-JWT or a VC-JOSE-COSE ``vc+jwt``."""
    try:
        header, payload = jose.peek(token)
        credential = jose.credential_from_jwt(payload)
    except JoseError as exc:
        raise UnsupportedFormatError(f"not a usable VC-JWT: {exc}") from None

    def run() -> tuple[str, str, str]:
        found = jose.verify_jwt_vc(token, options.resolver, now=options.clock(), check_time=False)
        return str(found.header.get("alg")), found.kid, found.issuer

    proof, key = jwt_signature_checks(run)
    return Report(
        kind="credential",
        format=f"vc-jwt ({header.get('alg')})",
        checks=(proof, key, *jwt_content_checks(credential, payload, options)),
        document=dict(credential),
    )


def jwt_signature_checks(run: Callable[[], tuple[str, str, str]]) -> tuple[Check, Check]:
    """The ``proof`` and ``issuer-key`` checks of a JWT whose verification is ``run``: it
    returns the alg, the key's DID URL and the issuer, or raises what went wrong."""
    try:
        alg, kid, issuer = run()
    except (DidFetchNotAllowedError, DidResolutionError, UnsupportedDidMethodError) as exc:
        why = f"issuer key could not be resolved: {exc}"
        return Check("proof", UNCHECKED, why), Check("issuer-key", UNCHECKED, why)
    except InvalidSignatureError as exc:
        return Check("proof", FAIL, str(exc)), Check("issuer-key", UNCHECKED, "signature failed")
    except VckitError as exc:
        key_problem = exc.code in ("jwt-key-rejected", "jwt-issuer-mismatch")
        key_problem = key_problem or isinstance(exc, VerificationMethodNotFoundError)
        if key_problem:
            return (
                Check("proof", UNCHECKED, "not checked: the key is not the issuer's"),
                Check("issuer-key", FAIL, f"{exc.code}: {exc}"),
            )
        return Check("proof", FAIL, f"{exc.code}: {exc}"), Check(
            "issuer-key", UNCHECKED, "not checked: the token was rejected"
        )
    return (
        Check("proof", PASS, f"{alg} signature verifies"),
        Check(
            "issuer-key",
            PASS,
            f"key #{kid.partition('#')[2]} is listed by {issuer} for assertionMethod",
        ),
    )


ENVELOPED_MEDIA_TYPES = frozenset({"application/vc+jwt", "application/jwt"})
SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"  # SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.1)
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def enveloped_token(item: Mapping[str, Any]) -> str:
    """The JWT or SD-JWT inside an ``EnvelopedVerifiableCredential`` (VC 2.0 §4.13.1: its
    ``@context`` MUST be present and include the base context; its ``id`` is
    ``data:application/vc+jwt,<JWT>``, ``data:application/jwt,<JWT>`` or
    ``data:application/dc+sd-jwt,<SD-JWT>``). Raises ``InputError`` when it is not one."""
    context = item.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V2 not in contexts or not all(isinstance(c, str | dict) for c in contexts):
        raise InputError(f"an EnvelopedVerifiableCredential's @context must include {VC_V2}")
    header, comma, token = str(item.get("id", "")).partition(",")
    media = header.removeprefix("data:") if header.startswith("data:") else None
    known = media in ENVELOPED_MEDIA_TYPES or media == SD_JWT_MEDIA_TYPE
    if not comma or not known or not token:
        raise UnsupportedFormatError(
            "an EnvelopedVerifiableCredential id must be data:application/vc+jwt,<JWT> "
            "or data:application/dc+sd-jwt,<SD-JWT>"
        )
    return token
