"""Human dates: the one way every page shows a moment to a person.

Pages never show a raw ISO string (``2026-12-06T01:59:53.841686+00:00``) where a date a person
reads exists. ``human_datetime`` gives "6 Dec 2026, 01:59 UTC"; ``human_date`` gives "6 Dec 2026".
Both accept a ``datetime`` (naive means UTC), an ISO 8601 / XML Schema string, or ``None`` (→ "").
A string that is not a date is shown as it came, so nothing is hidden. Both are registered as
Jinja filters (``when`` and ``day``) by :func:`servicekit.pages.templates_for`; the machine form
stays available in a ``<time datetime=…>`` attribute or a technical-details fold.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["human_date", "human_datetime", "parse_moment"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_moment(value: object) -> datetime | None:
    """The moment ``value`` names, in UTC, or None when it names none."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def human_date(value: object) -> str:
    """A day ("6 Dec 2026") for a moment; the value as text when it is not one; "" for None."""
    moment = parse_moment(value)
    if moment is None:
        return "" if value is None else str(value)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def human_datetime(value: object) -> str:
    """A moment as "6 Dec 2026, 01:59 UTC"; the value as text when it is not one; "" for None."""
    moment = parse_moment(value)
    if moment is None:
        return "" if value is None else str(value)
    return f"{human_date(moment)}, {moment:%H:%M} UTC"
