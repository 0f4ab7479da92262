"""Verifying an SD-JWT: RFC 9901 §7.1 (issuer-signed JWT) and §7.3 (key binding).

:func:`verify` runs §7.1 (the issuer-signed JWT's alg and signature, then every disclosure rule
via :func:`vckit.sdjwt.disclosures.process_disclosures`), the time claims (RFC 7519), and §7.3
(the Key Binding JWT of §4.3: ``typ`` ``kb+jwt``, the ``cnf`` key, ``iat``, ``nonce``, ``aud``,
``sd_hash``) when a KB-JWT is present or required. Algorithms are pinned as in
:mod:`vckit.jose.vc_jwt`:
``none`` and HMAC never verify (:class:`~vckit.errors.JwtAlgorithmError`); a bad signature is
:class:`~vckit.errors.InvalidSignatureError`; every other failure is an ``SdJwtError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from vckit.errors import (
    KeyBindingAudienceError,
    KeyBindingError,
    KeyBindingHashError,
    KeyBindingMissingError,
    KeyBindingNonceError,
    KeyBindingTimeError,
    KeyFormatError,
    SdJwtFormatError,
    SdJwtTimeError,
)
from vckit.jose.vc_jwt import SUPPORTED_ALGS, check_alg_fits_key, check_header, verify_signature
from vckit.keys.keypair import PublicKey
from vckit.sdjwt.compact import b64url, jwt_parts, split
from vckit.sdjwt.disclosures import (
    DEFAULT_HASH_ALG,
    SdJwtVerification,
    hash_function,
    process_disclosures,
)

__all__ = [
    "KB_JWT_TYP",
    "IssuerKeyLookup",
    "check_time_claims",
    "holder_key",
    "numeric_date",
    "sd_hash",
    "verify",
    "verify_issuer_jwt",
    "verify_key_binding",
]

IssuerKeyLookup = Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]
KB_JWT_TYP = "kb+jwt"


def numeric_date(now: datetime | int) -> int:
    """RFC 7519 §2 NumericDate (seconds since the epoch); a naive datetime is taken as UTC."""
    if isinstance(now, datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return int(now.timestamp())
    return int(now)


def check_time_claims(claims: Mapping[str, Any], now: int, leeway: int) -> None:
    """RFC 7519 §4.1.4-4.1.6 with an injected ``now``: exp, nbf, and iat not in the future."""
    for name in ("exp", "nbf", "iat"):
        if name in claims and (
            isinstance(claims[name], bool) or not isinstance(claims[name], int | float)
        ):
            raise SdJwtTimeError(f"'{name}' is not a NumericDate")
    if "exp" in claims and now >= claims["exp"] + leeway:
        raise SdJwtTimeError("the SD-JWT has expired (exp)")
    if "nbf" in claims and now < claims["nbf"] - leeway:
        raise SdJwtTimeError("the SD-JWT is not yet valid (nbf)")
    if "iat" in claims and now < claims["iat"] - leeway:
        raise SdJwtTimeError("the SD-JWT is issued in the future (iat)")


def sd_hash(presentation_without_kb: str, alg: str = DEFAULT_HASH_ALG) -> str:
    """RFC 9901 §4.3.1: hash over the ASCII of ``<jwt>~<disclosure>~...~``."""
    return b64url(hash_function(alg)(presentation_without_kb.encode("ascii")).digest())


def verify_issuer_jwt(
    jwt: str, issuer_key: IssuerKeyLookup, allowed_algs: Sequence[str]
) -> dict[str, Any]:
    """RFC 9901 §7.1 step 2: alg pinned (never ``none``), signature with the issuer's key."""
    header, payload = jwt_parts(jwt, "issuer-signed JWT")
    alg = check_header(header, allowed_algs)
    public = issuer_key(header, payload)
    check_alg_fits_key(alg, public)
    verify_signature(jwt, alg, public, header=header)
    return payload


def holder_key(claims: Mapping[str, Any]) -> PublicKey:
    """RFC 9901 §4.1.2 / RFC 7800 §3.2: the holder's key from ``cnf.jwk``."""
    cnf = claims.get("cnf")
    if not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping):
        raise KeyBindingError("the SD-JWT has no cnf.jwk to check key binding against")
    if "d" in cnf["jwk"]:
        raise KeyBindingError("cnf.jwk holds a private key")
    try:
        return PublicKey.from_jwk(cnf["jwk"])
    except KeyFormatError as exc:
        raise KeyBindingError(f"cnf.jwk is not a usable key: {exc}") from exc


def verify_key_binding(
    kb_jwt: str,
    presentation_without_kb: str,
    claims: Mapping[str, Any],
    *,
    hash_alg: str,
    now: int,
    expected_nonce: str | None,
    expected_aud: str | None,
    max_age: int,
    leeway: int,
    allowed_algs: Sequence[str],
) -> dict[str, Any]:
    """RFC 9901 §7.3 step 5: typ ``kb+jwt``, signature with the ``cnf`` key, ``iat`` in the
    acceptable window, ``nonce``/``aud`` as expected, ``sd_hash`` over the presentation.
    Returns the KB-JWT's payload, verified (a report reads its ``nonce`` and ``aud``)."""
    header, payload = jwt_parts(kb_jwt, "Key Binding JWT")
    if header.get("typ") != KB_JWT_TYP:
        raise KeyBindingError(f"the KB-JWT typ is {header.get('typ')!r}, not 'kb+jwt'")
    alg = check_header(header, allowed_algs)
    public = holder_key(claims)
    check_alg_fits_key(alg, public)
    verify_signature(kb_jwt, alg, public, header=header)
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyBindingError("the KB-JWT has no NumericDate 'iat'")
    if iat > now + leeway or iat < now - max_age - leeway:
        raise KeyBindingTimeError("the KB-JWT iat is outside the acceptable window")
    for name in ("nonce", "aud", "sd_hash"):
        if not isinstance(payload.get(name), str):
            raise KeyBindingError(f"the KB-JWT has no string {name!r} (RFC 9901 §4.3)")
    if expected_nonce is not None and payload.get("nonce") != expected_nonce:
        raise KeyBindingNonceError("the KB-JWT nonce is not the expected one (replayed?)")
    if expected_aud is not None and payload.get("aud") != expected_aud:
        raise KeyBindingAudienceError("the KB-JWT aud is not this verifier")
    if payload.get("sd_hash") != sd_hash(presentation_without_kb, hash_alg):
        raise KeyBindingHashError("the KB-JWT sd_hash does not match the presentation")
    return payload


def verify(
    sd_jwt: str,
    issuer_key: IssuerKeyLookup,
    *,
    now: datetime | int,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    require_key_binding: bool = False,
    expected_typ: str | None = None,
    max_kb_age: timedelta = timedelta(minutes=5),
    leeway: timedelta = timedelta(0),
    allowed_algs: Sequence[str] = SUPPORTED_ALGS,
) -> SdJwtVerification:
    """RFC 9901 §7.1 (+ §7.3 when a KB-JWT is present or ``require_key_binding``).
    ``issuer_key(header, payload)`` returns the issuer's public key (it may raise).
    ``expected_typ`` (e.g. ``dc+sd-jwt``) pins the issuer JWT's ``typ``."""
    now_s, leeway_s = numeric_date(now), int(leeway.total_seconds())
    jwt, disclosures, kb_jwt = split(sd_jwt)
    if expected_typ is not None:
        header, _ = jwt_parts(jwt, "issuer-signed JWT")
        if header.get("typ") != expected_typ:
            raise SdJwtFormatError(f"typ {header.get('typ')!r} is not {expected_typ!r}")
    payload = verify_issuer_jwt(jwt, issuer_key, allowed_algs)
    hash_alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
    result = process_disclosures(payload, disclosures)
    check_time_claims(result.claims, now_s, leeway_s)
    if kb_jwt is None:
        if require_key_binding:
            raise KeyBindingMissingError("key binding is required but there is no KB-JWT")
        return result
    if require_key_binding and (expected_nonce is None or expected_aud is None):
        raise KeyBindingError("key binding needs expected_nonce and expected_aud")
    verify_key_binding(
        kb_jwt,
        sd_jwt.strip()[: -len(kb_jwt)],
        result.claims,
        hash_alg=hash_alg,
        now=now_s,
        expected_nonce=expected_nonce,
        expected_aud=expected_aud,
        max_age=int(max_kb_age.total_seconds()),
        leeway=leeway_s,
        allowed_algs=allowed_algs,
    )
    return result
