"""XML Schema date-times, the only lexical form credentials and proofs use.

VC Data Model 2.0 §4.9 (validFrom, validUntil) and VC Data Integrity 1.0 §2.1 (created,
expires) require an ``xsd:dateTimeStamp``: ``YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)``, a
time zone always. VC 1.1's ``issuanceDate`` / ``expirationDate`` are ``xsd:dateTime``,
where the time zone may be missing (read as UTC, ``require_timezone=False``).

Python's ``datetime.fromisoformat`` alone is far looser (``2025-01-01`` or
``20250101T1000`` parse), so the lexical form is checked first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from vckit.errors import DateTimeError

_XSD_DATETIME = re.compile(
    r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
    r"(?P<tz>Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?"
)


def parse_xsd_datetime(value: object, field: str, *, require_timezone: bool = True) -> datetime:
    """Read an ``xsd:dateTimeStamp`` (or, without ``require_timezone``, an ``xsd:dateTime``).

    Returns an aware datetime; raises ``DateTimeError`` naming ``field``.
    """
    if not isinstance(value, str):
        raise DateTimeError(f"{field} is not a date-time string")
    match = _XSD_DATETIME.fullmatch(value)
    if match is None or (require_timezone and match.group("tz") is None):
        zone = " with a time zone" if require_timezone else ""
        raise DateTimeError(
            f"{field} {value[:40]!r} is not an XML Schema date-time{zone} "
            "(like 2025-09-01T00:00:00Z)"
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DateTimeError(f"{field} {value[:40]!r} is not a valid date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_xsd_datetime(value: datetime) -> str:
    """``2025-09-01T00:00:00Z``: UTC, whole seconds (sub-second digits are dropped), the year
    always four digits. Refuses a naive datetime or anything that is not a datetime."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise DateTimeError(f"a date-time to write must carry a time zone, not {value!r}")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"
