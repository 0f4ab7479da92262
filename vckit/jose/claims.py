"""What a VC-JWT payload says about its credential: registered claims and the time window.

The JWS envelope (header, key, signature) lives in :mod:`vckit.jose.vc_jwt`; this module maps the
JWT Claims Set (RFC 7519 §4.1) to and from the credential it carries:

* OB 3.0 §8.2.4.1 / §8.2.6.1 (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof): ``iss`` =
  issuer.id, ``sub`` = credentialSubject.id, ``nbf`` = validFrom (VC 1.1 issuanceDate), ``jti`` =
  id, ``exp`` = validUntil (VC 1.1 expirationDate). All but ``exp`` are required.
* VC-JOSE-COSE §3.1.3 (https://www.w3.org/TR/vc-jose-cose/#jose-header-parameters-jwt-claims):
  the claims are optional and describe the signature, but must not conflict with the
  credential (``iss``/``issuer``, ``jti``/``id``, ``sub``/``credentialSubject.id``).

NumericDates are whole seconds; a credential date with fractional seconds maps to the second
it falls in (``floor``), and a dateTime without a time zone is read as UTC.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from vckit.credential import issuer_id
from vckit.datetimes import parse_xsd_datetime
from vckit.errors import (
    DateTimeError,
    InputError,
    JwtClaimsError,
    JwtFormatError,
    JwtIssuerMismatchError,
)

Profile = Literal["ob3", "vc-jose-cose"]
JWT_LAYER_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf")  # RFC 7519, 7800


@dataclass(frozen=True)
class TimeFinding:
    """One time-window problem: ``nbf`` not reached or ``exp`` passed (RFC 7519 §4.1.4-5)."""

    claim: Literal["nbf", "exp"]
    at: datetime
    problem: Literal["not-yet-valid", "expired"]

    def __str__(self) -> str:
        verb = "not valid before" if self.problem == "not-yet-valid" else "expired at"
        return f"JWT {verb} {self.at.isoformat()} ({self.claim})"


def credential_from_jwt(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential in a JWT payload: the ``vc`` claim (OB 3.0 VC-JWT, VC 1.1 §6.3.1), or
    else the payload itself (OB 3.0.3, VC-JOSE-COSE §3.1.1) without the JWT-layer claims
    ``iss sub aud exp nbf iat jti cnf``, which describe the token, not the credential."""
    if "vc" in payload:
        vc = payload["vc"]
        if not isinstance(vc, dict):
            raise JwtFormatError("the 'vc' claim is not a JSON object")
        return dict(vc)
    if "@context" not in payload:
        raise JwtFormatError("the JWT payload is not a credential (no 'vc' claim, no @context)")
    return {name: value for name, value in payload.items() if name not in JWT_LAYER_CLAIMS}


def required_issuer_id(credential: Mapping[str, Any]) -> str:
    """:func:`vckit.credential.issuer_id`, which a JWT's ``iss`` needs: its absence is an error."""
    issuer = issuer_id(credential)
    if not issuer:
        raise JwtClaimsError("the credential has no issuer id (issuer or issuer.id)")
    return issuer


def subject_id(credential: Mapping[str, Any]) -> str | None:
    """``credentialSubject.id`` when the subject is a single object with an id."""
    subject = credential.get("credentialSubject")
    value = subject.get("id") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) else None


def _datetime(value: object, field: str) -> datetime:
    """An XML Schema dateTime (VC 2.0 §4.9); one without a time zone is read as UTC."""
    try:
        return parse_xsd_datetime(value, f"credential {field}", require_timezone=False)
    except DateTimeError as exc:
        raise JwtClaimsError(str(exc)) from exc


def numeric_date(moment: datetime) -> int:
    """RFC 7519 §2 NumericDate, whole seconds (``floor``)."""
    return math.floor(moment.timestamp())


def _window_fields(credential: Mapping[str, Any]) -> tuple[str, str]:
    """VC 2.0 validFrom/validUntil, or VC 1.1 issuanceDate/expirationDate (OB 3.0 §8.2.6.1)."""
    has_v2 = "validFrom" in credential or "validUntil" in credential
    has_v1 = "issuanceDate" in credential or "expirationDate" in credential
    return (
        ("issuanceDate", "expirationDate") if has_v1 and not has_v2 else ("validFrom", "validUntil")
    )


def _mirrored_dates(credential: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """``{"nbf": (field, seconds), "exp": (field, seconds)}`` for the dates the credential has."""
    found: dict[str, tuple[str, int]] = {}
    for claim, field in zip(("nbf", "exp"), _window_fields(credential), strict=True):
        if field in credential:
            found[claim] = (field, numeric_date(_datetime(credential[field], field)))
    return found


def ob3_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """OB 3.0 §8.2.4.1: the registered claims that mirror the credential, for signing."""
    subject, credential_id = subject_id(credential), credential.get("id")
    if subject is None:
        raise JwtClaimsError("OB 3.0 VC-JWT needs credentialSubject.id for the 'sub' claim")
    if not isinstance(credential_id, str):
        raise JwtClaimsError("OB 3.0 VC-JWT needs the credential id for the 'jti' claim")
    dates = _mirrored_dates(credential)
    if "nbf" not in dates:
        raise JwtClaimsError("OB 3.0 VC-JWT needs validFrom (or issuanceDate) for 'nbf'")
    claims: dict[str, Any] = {
        "iss": required_issuer_id(credential),
        "sub": subject,
        "jti": credential_id,
    }
    claims |= {claim: seconds for claim, (_, seconds) in dates.items()}
    return claims


def check_issuer_claim(payload: Mapping[str, Any], issuer: str, profile: Profile) -> None:
    """``iss`` equals the credential's issuer id: required by OB 3.0 §8.2.6.1, and when
    present by VC-JOSE-COSE §4.1.2 ("iss value, if present, MUST match issuer")."""
    iss = payload.get("iss")
    if iss is None:
        if profile == "ob3":
            raise JwtClaimsError("OB 3.0 VC-JWT requires the 'iss' claim (§8.2.6.1)")
        return
    if iss != issuer:
        raise JwtIssuerMismatchError(f"iss {iss!r} is not the credential issuer {issuer!r}")


TIME_CLAIMS = frozenset({"nbf", "exp", "iat"})
"""Claims about time: a problem with one is a validity-period problem, not a format one."""


def claim_date(payload: Mapping[str, Any], claim: str) -> datetime | None:
    """RFC 7519 §2 NumericDate: a JSON number of seconds since the epoch, or absent."""
    value = payload.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise JwtClaimsError(f"claim {claim!r} is not a NumericDate", claim)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise JwtClaimsError(f"claim {claim!r} is out of range", claim) from exc


def check_claims(
    payload: Mapping[str, Any], credential: Mapping[str, Any], profile: Profile
) -> None:
    """OB 3.0 §8.2.6.1: ``sub``, ``nbf``, ``jti`` present and equal to the credential's values;
    ``exp`` required when the credential has validUntil, and equal to it (an ``exp`` alone
    sets the end of validity, §8.2.6.1, and :func:`time_window` enforces it). VC-JOSE-COSE §3.1.3:
    ``sub`` and ``jti``, when present, must not conflict with the credential's values (a
    credential without them has nothing to conflict with)."""
    for claim in ("iat", "nbf", "exp"):
        claim_date(payload, claim)
    expected: dict[str, object] = {"sub": subject_id(credential), "jti": credential.get("id")}
    if profile == "ob3":
        dates = _mirrored_dates(credential)
        expected |= {claim: seconds for claim, (_, seconds) in dates.items()}
        for claim in ("sub", "jti", "nbf"):
            if claim not in payload:
                raise JwtClaimsError(
                    f"OB 3.0 VC-JWT requires the {claim!r} claim (§8.2.6.1)", claim
                )
        if "nbf" not in dates:
            raise JwtClaimsError(
                "the credential has no validFrom (issuanceDate) to match 'nbf'", "nbf"
            )
        if "exp" in dates and "exp" not in payload:
            raise JwtClaimsError(
                f"the credential has {dates['exp'][0]} but the JWT no 'exp'", "exp"
            )
    for claim, value in expected.items():
        if claim not in payload or (value is None and profile == "vc-jose-cose"):
            continue
        found = payload[claim]
        if claim in ("nbf", "exp"):
            found = math.floor(found)
        if found != value:
            raise JwtClaimsError(
                f"claim {claim!r} is {payload[claim]!r}; credential: {value!r}", claim
            )


def time_window(
    payload: Mapping[str, Any], *, now: datetime, leeway: timedelta = timedelta(0)
) -> tuple[TimeFinding, ...]:
    """RFC 7519 §4.1.5 ``nbf`` (now must not be before it) and §4.1.4 ``exp`` (now must be
    before it), each with ``leeway``. An empty tuple means the window holds."""
    if now.tzinfo is None:
        raise InputError("'now' must be timezone-aware")
    findings: list[TimeFinding] = []
    not_before, expires = claim_date(payload, "nbf"), claim_date(payload, "exp")
    if not_before is not None and now + leeway < not_before:
        findings.append(TimeFinding("nbf", not_before, "not-yet-valid"))
    if expires is not None and now - leeway >= expires:
        findings.append(TimeFinding("exp", expires, "expired"))
    return tuple(findings)
