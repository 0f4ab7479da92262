"""A credential's fields as a person reads them, for the pages where the learner chooses what
to share (``/credentials/{id}/disclose`` and ``/requests/{id}``).

::

    from wallet import field_text
    field_text.text_of(field, credential)   # "Alex Rivera", "B (Final grade)", "23 November 2026"
    listing = field_text.listing(choice)     # switchable fields first, then the locked ones
    listing.switchable, listing.locked, listing.locked_reason

:func:`text_of` is the one place a field's value becomes words: an IdentityObject is its
value (OB 3.0 §B.1.16; a hashed one says so), a Result is its value with the name of the
achievement's ResultDescription it refers to, Evidence is its name and narrative, an issuer or
achievement its name, a date its day. The JSON preview on the pages stays exact JSON; this is
only for reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vckit import sd_fields
from vckit.sd_fields import Field
from wallet import disclose
from wallet.disclose import Choice

MAX_CHARS = 120
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The reason a group of locked fields is shown anyway, said once for the group.
GROUP_REASONS = {
    sd_fields.WHY_ECDSA_SD: "the issuer made these mandatory",
    sd_fields.WHY_SD_JWT: "the issuer did not make these selectively disclosable",
    sd_fields.WHY_PLAIN: "this credential's format cannot hide fields",
}


@dataclass(frozen=True)
class Line:
    """One field as a page shows it: its words, and whether it goes."""

    pointer: str
    label: str
    text: str
    mandatory: bool
    why: str
    shown: bool


@dataclass(frozen=True)
class Listing:
    """The fields the learner can switch (learner data first), then the locked ones;
    ``locked_reason``: the one reason they are locked, when they share it ("" otherwise)."""

    switchable: tuple[Line, ...]
    locked: tuple[Line, ...]
    locked_reason: str


def listing(choice: Choice) -> Listing:
    credential = disclose.credential_view(choice.record.document) or {}
    shown = set(choice.shown)
    lines = [
        Line(f.pointer, f.label, text_of(f, credential), f.mandatory, f.why, f.pointer in shown)
        for f in choice.fields
    ]
    switchable = sorted((line for line in lines if not line.mandatory), key=_learner_first)
    locked = tuple(line for line in lines if line.mandatory)
    reasons = {line.why for line in locked}
    reason = GROUP_REASONS.get(next(iter(reasons)), "") if len(reasons) == 1 else ""
    return Listing(tuple(switchable), locked, reason)


def _learner_first(line: Line) -> int:
    """Learner data in the order people know it (:data:`vckit.sd_fields.LEARNER_LABELS`),
    then the rest as the credential lists it (the sort is stable)."""
    known = sd_fields.LEARNER_LABELS
    return known.index(line.label) if line.label in known else len(known)


def text_of(field: Field, credential: Mapping[str, Any] | None = None) -> str:
    """The field's value in words, at most :data:`MAX_CHARS` characters."""
    return _short(_words(field.value, _descriptions(credential or {})))


def _descriptions(credential: Mapping[str, Any]) -> dict[str, str]:
    """The achievement's ResultDescriptions: id -> name (what a Result's grade is of)."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    found = achievement.get("resultDescription") if isinstance(achievement, Mapping) else None
    out: dict[str, str] = {}
    for item in found if isinstance(found, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            out[item["id"]] = _plain(item.get("name"))
    return out


def _words(value: Any, descriptions: Mapping[str, str]) -> str:
    if isinstance(value, list):
        return "; ".join(w for w in (_words(v, descriptions) for v in value) if w) or "(none)"
    if isinstance(value, Mapping):
        return _object_words(value, descriptions)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return day_of(value)
    return "" if value is None else str(value)


def _object_words(value: Mapping[str, Any], descriptions: Mapping[str, str]) -> str:
    if "identityHash" in value:  # IdentityObject
        if value.get("hashed") is True:
            return "a hashed value (the verifier can only compare it)"
        return day_of(_plain(value.get("identityHash")))
    if _typed(value, "Result") or isinstance(value.get("resultDescription"), str):
        return _result(value, descriptions)
    if "statusPurpose" in value:  # a status list entry
        index = _plain(value.get("statusListIndex"))
        return f"{_plain(value.get('statusPurpose'))} list, entry {index}".strip()
    name, narrative = _plain(value.get("name")), _plain(value.get("narrative"))
    if name or narrative:
        return ": ".join(part for part in (name, narrative) if part)
    if isinstance(value.get("id"), str):
        return _short_url(value["id"])
    for key in ("@value", "type"):
        if value.get(key):
            return _words(value[key], descriptions)
    return json.dumps(value, ensure_ascii=False)


def _short_url(text: str) -> str:
    """A long https URL as its host and last segment (``purl.imsglobal.org/…/x.json``)."""
    match = re.fullmatch(r"https?://([^/]+)/.*/([^/]+)", text)
    return f"{match.group(1)}/…/{match.group(2)}" if match and len(text) > 60 else text


def _result(value: Mapping[str, Any], descriptions: Mapping[str, str]) -> str:
    """``B (Final grade)``: the value (or status), with what it is a result of."""
    said = _plain(value.get("value")) or _plain(value.get("status")) or "(no value)"
    of = descriptions.get(_plain(value.get("resultDescription")), "")
    return f"{said} ({of})" if of else said


def _typed(value: Mapping[str, Any], name: str) -> bool:
    kinds = value.get("type")
    return kinds == name or (isinstance(kinds, list) and name in kinds)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):  # a value object / language map
        value = value.get("@value", "")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


def day_of(text: str) -> str:
    """An ISO 8601 date or date-time as a day (``23 November 2026``); other text unchanged."""
    if not _DATE.match(text):
        return text
    try:
        day: date = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"
