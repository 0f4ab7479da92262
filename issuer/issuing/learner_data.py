"""Learner data in a credential, and which of it the holder may withhold (selective disclosure).

An issue request may carry, besides the recipient, the learner's name, date of birth and
grade. Each becomes an OB 3.0 member of the AchievementCredential:

==================  ==============================================================================
``recipientName``   ``credentialSubject.identifier[]``: IdentityObject, identityType ``name``
``dateOfBirth``     ``credentialSubject.identifier[]``: IdentityObject, ``ext:dateOfBirth``
``email``           ``credentialSubject.identifier[]``: IdentityObject, ``emailAddress`` (hashed)
``grade``           ``credentialSubject.result``: one Result of the achievement's first
                    ResultDescription (the value one of its ``allowedValue`` when listed)
``evidence``        ``evidence``
``awardedDate``     ``awardedDate``
==================  ==============================================================================

These six are the *learner-data fields*: the catalogue lists, per achievement, which of them a
holder may withhold in a selective-disclosure format (``ecdsa-sd-2023``, ``sd-jwt-vc``); by default
all of them. Everything else in the credential (issuer, validity, status, the achievement, ...) is
always disclosed. :func:`field_pointers` finds each field in a credential as RFC 6901 JSON
pointers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from issuer.errors import InvalidRequestError

FIELDS: dict[str, str] = {
    "recipientName": "Recipient name",
    "dateOfBirth": "Date of birth",
    "email": "Email",
    "grade": "Grade",
    "evidence": "Evidence",
    "awardedDate": "Awarded date",
}
IDENTITY_TYPES: dict[str, str] = {
    "name": "recipientName",
    "ext:dateOfBirth": "dateOfBirth",
    "emailAddress": "email",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NAME = 200


def check_policy(value: object) -> tuple[str, ...]:
    """A catalogue's ``disclosable`` list: known field names, each once."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidRequestError("disclosable must be a list of learner-data field names")
    unknown = [v for v in value if v not in FIELDS]
    if unknown:
        listed = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise InvalidRequestError(
            f"disclosable: unknown field(s) {listed}; use {', '.join(FIELDS)}"
        )
    if len(set(value)) != len(value):
        raise InvalidRequestError("disclosable names a field twice")
    return tuple(value)


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidRequestError(f"recipient_name must be 1 to {MAX_NAME} characters")
    return cleaned


def check_date_of_birth(text: str, today: date) -> str:
    """``YYYY-MM-DD``, a real date, not in the future."""
    if not _DATE.fullmatch(text):
        raise InvalidRequestError("date_of_birth must be a date as YYYY-MM-DD")
    try:
        born = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidRequestError(f"date_of_birth {text!r} is not a calendar date") from exc
    if born > today:
        raise InvalidRequestError("date_of_birth is in the future")
    return text


def grade_result(achievement: Mapping[str, Any], grade: str) -> dict[str, Any]:
    """OB 3.0 Result for ``grade`` against the achievement's first ResultDescription."""
    descriptions = achievement.get("resultDescription")
    name = str(achievement.get("name") or achievement.get("id"))
    if not isinstance(descriptions, list) or not descriptions:
        raise InvalidRequestError(
            f"the achievement {name!r} has no resultDescription, so it cannot carry a grade"
        )
    first = descriptions[0]
    allowed = first.get("allowedValue") if isinstance(first, Mapping) else None
    if isinstance(allowed, list) and grade not in allowed:
        raise InvalidRequestError(
            f"grade {grade[:40]!r} is not allowed for {name!r}: use one of "
            + ", ".join(map(str, allowed))
        )
    if not isinstance(first, Mapping) or not isinstance(first.get("id"), str):
        raise InvalidRequestError(f"the resultDescription of {name!r} has no id")
    return {"type": ["Result"], "resultDescription": first["id"], "value": grade}


def identity(identity_type: str, value: str) -> dict[str, Any]:
    """An unhashed IdentityObject (OB 3.0 §B.1.16)."""
    return {
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": False,
        "identityHash": value,
    }


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def field_pointers(credential: Mapping[str, Any]) -> dict[str, list[str]]:
    """Where each learner-data field present sits, as JSON pointers (field name -> pointers)."""
    found: dict[str, list[str]] = {}
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping):
        identifiers = subject.get("identifier")
        if isinstance(identifiers, list):
            for index, item in enumerate(identifiers):
                kind = item.get("identityType") if isinstance(item, Mapping) else None
                field = IDENTITY_TYPES.get(kind) if isinstance(kind, str) else None
                if field is not None:
                    found.setdefault(field, []).append(f"/credentialSubject/identifier/{index}")
        if "result" in subject:
            found["grade"] = ["/credentialSubject/result"]
    for field in ("evidence", "awardedDate"):
        if field in credential:
            found[field] = [f"/{_escape(field)}"]
    return found


def disclosable_pointers(credential: Mapping[str, Any], policy: Collection[str]) -> list[str]:
    """The pointers of the learner-data fields present that ``policy`` lets the holder withhold."""
    pointers = field_pointers(credential)
    return [p for field in FIELDS if field in policy for p in pointers.get(field, [])]


def mandatory_pointers(credential: Mapping[str, Any], policy: Collection[str]) -> list[str]:
    """Every member of the credential (``credentialSubject`` member by member, its
    ``identifier`` element by element) except the disclosable fields: what the holder always
    reveals. ``@context`` is always revealed anyway (ecdsa-sd-2023 selection keeps it)."""
    free = set(disclosable_pointers(credential, policy))
    pointers: list[str] = []
    for key, value in credential.items():
        if key in ("@context", "proof"):
            continue
        if key == "credentialSubject" and isinstance(value, Mapping):
            for member, inner in value.items():
                base = f"/credentialSubject/{_escape(member)}"
                if member == "identifier" and isinstance(inner, list):
                    pointers.extend(f"{base}/{i}" for i in range(len(inner)))
                else:
                    pointers.append(base)
        else:
            pointers.append(f"/{_escape(key)}")
    return [p for p in pointers if p not in free]
