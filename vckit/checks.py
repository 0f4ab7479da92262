"""Checks on what a credential says: validity period, status, schema.

Each function returns one ``Check`` (or ``None`` when the check does not apply) and
never raises for a problem with the credential: a problem is a ``fail``, and anything
that stopped us from looking is ``could-not-check`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from vckit import openbadges, status_list
from vckit.errors import VckitError
from vckit.report import FAIL, PASS, UNCHECKED, Check

StatusFetch = Callable[[str], Mapping[str, Any]]
"""Given a status list credential URL, return that credential *verified* (or raise)."""

OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


def types_of(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type", [])
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def parse_datetime(value: object, field: str) -> datetime:
    """An XML Schema dateTime; a value without a time zone is read as UTC (VC 1.1 allows it)."""
    if not isinstance(value, str):
        raise ValueError(f"{field} is not a date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field} {value!r} is not an XML Schema date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validity_period(
    credential: Mapping[str, Any],
    now: datetime,
    extra_bounds: tuple[datetime | None, datetime | None] = (None, None),
) -> Check:
    """VC 2.0 §4.9 validFrom/validUntil (VC 1.1 issuanceDate/expirationDate), plus JWT nbf/exp."""
    try:
        start_field = "validFrom" if "validFrom" in credential else "issuanceDate"
        end_field = "validUntil" if "validUntil" in credential else "expirationDate"
        start = (
            parse_datetime(credential[start_field], start_field)
            if start_field in credential
            else None
        )
        end = parse_datetime(credential[end_field], end_field) if end_field in credential else None
    except ValueError as exc:
        return Check("validity-period", FAIL, str(exc))
    jwt_start, jwt_end = extra_bounds
    if start is not None and now < start:
        return Check("validity-period", FAIL, f"not valid until {start.isoformat()}")
    if jwt_start is not None and now < jwt_start:
        return Check("validity-period", FAIL, f"JWT not valid before {jwt_start.isoformat()}")
    if end is not None and now >= end:
        return Check("validity-period", FAIL, f"expired at {end.isoformat()}")
    if jwt_end is not None and now >= jwt_end:
        return Check("validity-period", FAIL, f"JWT expired at {jwt_end.isoformat()}")
    if start is None and end is None and jwt_start is None and jwt_end is None:
        return Check("validity-period", PASS, "no validity period stated; valid at any time")
    parts = []
    if start is not None:
        parts.append(f"valid from {start.isoformat()}")
    if end is not None:
        parts.append(f"until {end.isoformat()}")
    if not parts:
        parts.append("JWT time claims hold")
    return Check("validity-period", PASS, " ".join(parts) + f" (checked at {now.isoformat()})")


def _entries(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = credential.get("credentialStatus")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def status(credential: Mapping[str, Any], fetch: StatusFetch | None) -> Check:
    """Bitstring Status List v1.0 §3.2 validate algorithm (and StatusList2021), every entry.

    A revoked or suspended entry fails. An entry we cannot check — no fetch allowed, an
    unknown status type, a list that cannot be fetched or does not verify — makes the
    check ``could-not-check``; it is never passed over.
    """
    if "credentialStatus" not in credential:
        return Check("status", PASS, "no credentialStatus: the issuer offers no revocation")
    entries = _entries(credential)
    if not entries:
        return Check("status", FAIL, "credentialStatus is not an object or list of objects")
    found: list[str] = []
    unchecked: list[str] = []
    for entry in entries:
        entry_type = entry.get("type")
        if entry_type not in status_list.ENTRY_TYPES:
            unchecked.append(f"status type {entry_type!r} is not supported")
            continue
        url = entry.get("statusListCredential")
        if fetch is None:
            unchecked.append(f"fetching the status list {url} is not allowed")
            continue
        try:
            list_credential = fetch(str(url))
            result = status_list.check_entry(entry, list_credential)
        except VckitError as exc:
            unchecked.append(f"status list {url}: {exc}")
            continue
        except Exception as exc:  # a fetch callback may raise anything
            unchecked.append(f"status list {url} could not be fetched: {exc}")
            continue
        if result.is_set:
            return Check(
                "status",
                FAIL,
                f"{result.purpose}: the issuer set index {result.index} in {url}",
            )
        found.append(f"{result.purpose} bit {result.index} not set")
    if unchecked:
        return Check("status", UNCHECKED, "; ".join(unchecked))
    return Check("status", PASS, "; ".join(found))


def schema(credential: Mapping[str, Any]) -> Check | None:
    """OB 3.0 credentials are validated against 1EdTech's JSON Schema; others are not checked."""
    if not OB3_TYPES.intersection(types_of(credential)):
        return None
    try:
        problems = openbadges.validate(credential)
    except VckitError as exc:
        return Check("schema", UNCHECKED, f"schema validation could not run: {exc}")
    if not problems:
        return Check("schema", PASS, "valid against the OB 3.0 AchievementCredential schema")
    shown = "; ".join(f"{p.path or '/'}: {p.message}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return Check("schema", FAIL, shown + more)
