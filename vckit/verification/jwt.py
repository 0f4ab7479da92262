"""Verify a JWT-secured credential: an OB 3.0 VC-JWT or a VC-JOSE-COSE ``vc+jwt``, bare or
enveloped in a ``data:`` URL (VC 2.0 §4.13.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.credential import issuer_id
from vckit.errors import (
    InputError,
    JoseError,
    JwtClaimsError,
    JwtIssuerMismatchError,
    UnsupportedFormatError,
    VckitError,
)
from vckit.jose import vc_jwt as jose
from vckit.jose.claims import TIME_CLAIMS, check_claims, check_issuer_claim
from vckit.jose.keys import IssuerKey, find_issuer_key
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckId, Report
from vckit.verification.content import jwt_content_checks
from vckit.verification.embedded import complete
from vckit.verification.options import VerifyOptions


def verify_jwt_credential(token: str, options: VerifyOptions) -> Report:
    """An OB 3.0 VC-JWT or a VC-JOSE-COSE ``vc+jwt``: the signature (``proof``), whose key
    it is (``issuer-key``), and what it says; a claim that disagrees with the credential is a
    ``format`` problem (``nbf``/``exp``/``iat``: ``validity-period``), never a bad signature."""
    try:
        header, payload = jose.peek(token)
        credential = jose.credential_from_jwt(payload)
    except JoseError as exc:
        raise UnsupportedFormatError(f"not a usable VC-JWT: {exc}") from None
    problems: dict[CheckId, list[str]] = {"format": [], "validity-period": []}
    try:
        profile = jose.detect_profile(header, payload)
    except JoseError as exc:
        problems["format"].append(str(exc))
        profile = "vc-jose-cose"
    issuer = issuer_id(credential)
    proof, key = jws_checks(token, header, issuer, options)
    if issuer is not None:
        try:
            check_issuer_claim(payload, issuer, profile)
        except JwtIssuerMismatchError as exc:
            key = Check("issuer-key", FAIL, f"{exc.code}: {exc}")
        except JoseError as exc:
            problems["format"].append(str(exc))
    try:
        check_claims(payload, credential, profile)
    except JwtClaimsError as exc:
        problems["validity-period" if exc.claim in TIME_CLAIMS else "format"].append(str(exc))
    content = with_problems(jwt_content_checks(credential, payload, options), problems)
    report = Report(
        kind="credential",
        format=f"vc-jwt ({header.get('alg')})",
        checks=(proof, key, *content),
        document=dict(credential),
    )
    return complete(report, credential, options)


def jws_checks(
    token: str, header: Mapping[str, Any], issuer: str | None, options: VerifyOptions
) -> tuple[Check, Check]:
    """``proof`` and ``issuer-key`` of a compact JWS signed by ``issuer``: the key found and
    judged by :func:`vckit.jose.keys.find_issuer_key`, the signature checked with it (``alg``
    pinned, fitting the key). Only a signature that does not verify fails ``proof``."""
    if issuer is None:
        why = "the credential names no issuer whose key could sign it"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("issuer-key", FAIL, why)
    try:
        found = find_issuer_key(header, issuer, options.resolver)
    except JoseError as exc:
        why = f"{exc.code}: {exc}"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("issuer-key", FAIL, why)
    found = with_supplied_key(found, issuer, options)
    if found.public is None:
        why = "not checked: there is no key to check the signature with"
        return Check("proof", UNCHECKED, why), found.binding
    try:
        alg = jose.check_header(header, jose.SUPPORTED_ALGS)
        jose.check_alg_fits_key(alg, found.public)
        jose.verify_signature(token, alg, found.public, header=header)
    except VckitError as exc:
        return Check("proof", FAIL, f"{exc.code}: {exc}"), found.binding
    detail = f"{alg} signature verifies"
    if found.method_id == SUPPLIED:
        detail += " with the key the caller supplied"
    elif found.method_id is None and found.binding.status != PASS:
        detail += " with a key that came with the token"
    return Check("proof", PASS, detail), found.binding


SUPPLIED = "(supplied by the caller)"


def with_supplied_key(found: IssuerKey, issuer: str, options: VerifyOptions) -> IssuerKey:
    """The caller's key (``VerifyOptions.supplied_key``) when the token's own key could not be
    found (no key, *issuer-key* could-not-check); never over a key that was found or a binding
    that failed. *issuer-key* stays could-not-check: the document does not establish the key."""
    supplied = options.supplied_key
    if supplied is None or found.public is not None or found.binding.status != UNCHECKED:
        return found
    detail = (
        f"{found.binding.detail}; the signature is checked with a key the caller supplied, "
        f"which nothing in the document establishes as {issuer}'s"
    )
    return IssuerKey(supplied, SUPPLIED, Check("issuer-key", UNCHECKED, detail), found.error)


def with_problems(checks: list[Check], problems: Mapping[CheckId, list[str]]) -> list[Check]:
    """The content checks, with the token's own problems failing the check they belong to."""
    out = []
    for check in checks:
        found = problems.get(check.id, [])
        if found:
            detail = "; ".join(found) + ("" if check.status == PASS else f"; {check.detail}")
            check = Check(check.id, FAIL, detail)
        out.append(check)
    return out


ENVELOPED_MEDIA_TYPES = frozenset({"application/vc+jwt", "application/jwt"})
SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"  # SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.1)
SD_JWT_MEDIA_TYPES = frozenset({SD_JWT_MEDIA_TYPE, "application/vc+sd-jwt"})  # + VC-JOSE-COSE
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
    known = media in ENVELOPED_MEDIA_TYPES or media in SD_JWT_MEDIA_TYPES
    if not comma or not known or not token:
        raise UnsupportedFormatError(
            "an EnvelopedVerifiableCredential id must be data:application/vc+jwt,<JWT> "
            "or data:application/dc+sd-jwt,<SD-JWT> (or vc+sd-jwt)"
        )
    return token
