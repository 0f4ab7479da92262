"""An Open Badges 3.0 field's value in words, the same for every page and log that shows one:
the wallet's "choose what to share" list, the verifier's disclosed fields, ``ler demo``'s report.

::

    from vckit import field_words
    field_words.words(value, credential)       # "Alex Rivera", "B (Final grade)", "17 April 2001"
    found, value = field_words.resolve(document, ("credentialSubject", "result", 0))
    field_words.day_of("2026-11-23T13:46:07Z")  # "23 November 2026"

What a value becomes (https://www.imsglobal.org/spec/ob/v3p0/):

- an IdentityObject (§B.1.16): its ``identityHash`` when in the clear, :data:`HASHED` when
  ``hashed`` is true (a salted hash says nothing to a person; only a holder of the value can
  compare it);
- a Result (§B.1.23): its value (or status) with the name of the achievement's
  ResultDescription (§B.1.24) it refers to, read from ``credential``: ``B (Final grade)``;
- a status list entry (``statusPurpose``): ``revocation list, entry 7``;
- Evidence, an issuer, an achievement, anything named: its name and narrative;
- an object with only an ``id``: the id, a long URL shortened to host and file;
- an ISO 8601 date or date-time: its day; ``true`` / ``false``: yes / no; a list: its items.

Pure: no I/O. The exact JSON stays with the pages that show it; this is only for reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

MAX_CHARS = 120
HASHED = "salted hash (the value itself is not shown)"
"""An IdentityObject with ``hashed: true``, in words: the wallet and the verifier say the same."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONG_URL = re.compile(r"https?://([^/]+)/.*/([^/]+)")


def words(
    value: Any, credential: Mapping[str, Any] | None = None, *, max_chars: int = MAX_CHARS
) -> str:
    """``value`` in words, on one line of at most ``max_chars`` characters (cut with "…").
    ``credential``: the credential it comes from, for the names of its ResultDescriptions."""
    text = " ".join(_words(value, _descriptions(credential or {})).split())
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def resolve(document: Any, path: Sequence[str | int]) -> tuple[bool, Any]:
    """The value at ``path`` (object keys and array indexes, as
    :func:`vckit.disclosure.fields.pointer_to_path` gives them): ``(True, value)``, or ``(False,
    None)``
    when the document has nothing there."""
    value = document
    for part in path:
        in_object = isinstance(value, Mapping) and isinstance(part, str) and part in value
        in_array = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_object or in_array):
            return False, None
        value = value[part]
    return True, value


def day_of(text: str) -> str:
    """An ISO 8601 date or date-time as a day (``23 November 2026``); other text unchanged."""
    if not _DATE.match(text):
        return text
    try:
        day: date = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


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
            return HASHED
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


def _result(value: Mapping[str, Any], descriptions: Mapping[str, str]) -> str:
    """``B (Final grade)``: the value (or status), with what it is a result of."""
    said = _plain(value.get("value")) or _plain(value.get("status")) or "(no value)"
    of = descriptions.get(_plain(value.get("resultDescription")), "")
    return f"{said} ({of})" if of else said


def _short_url(text: str) -> str:
    """A long https URL as its host and last segment (``purl.imsglobal.org/…/x.json``)."""
    match = _LONG_URL.fullmatch(text)
    return f"{match.group(1)}/…/{match.group(2)}" if match and len(text) > 60 else text


def _typed(value: Mapping[str, Any], name: str) -> bool:
    kinds = value.get("type")
    return kinds == name or (isinstance(kinds, list) and name in kinds)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):  # a value object / language map
        value = value.get("@value", "")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)
