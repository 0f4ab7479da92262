"""The verdict shown on a card (:mod:`wallet.views.cards`), from the credential's stored
verification report. Pure: no web, no storage, no network; ``now`` is passed in.

The badge on a card tells the truth of the stored report (``vckit.report`` JSON), worst
first::

    Failed: <check>     a check other than status / validity failed (signature, format ...)
    Revoked             the status check found the revocation bit set
    Suspended           the status check found the suspension bit set
    Expired             validUntil (or the JWT's exp) had passed when checked, or has
                        passed since the last check (``now``)
    Not fully checked   nothing failed but some check could not be made
    Verified            every check passed
    Not checked yet     no report is stored

:func:`said` puts a badge in words for the cards: a revocation or suspension with the
reason the issuer's list gives (:func:`status_reason`: a 1EdTech revocation list's
``revocationReason``, a status message; printable characters only,
:func:`servicekit.text.printable_only`), else when the wallet found it; the raw check
detail (list URL, index) stays on the credential's page, in its technical fold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from servicekit.dates import human_date
from servicekit.text import printable_only
from vckit.report import title_of

BADGE_LABELS = {
    "verified": "Verified",
    "revoked": "Revoked",
    "suspended": "Suspended",
    "expired": "Expired",
    "unchecked": "Not fully checked",
    "not-checked": "Not checked yet",
}


@dataclass(frozen=True)
class Badge:
    """The verdict shown on a card. ``kind`` is a CSS class and a stable word."""

    kind: str  # verified | failed | revoked | suspended | expired | unchecked | not-checked
    label: str
    detail: str

    @property
    def trusted(self) -> bool:
        return self.kind == "verified"


@dataclass(frozen=True)
class CheckLine:
    id: str
    title: str
    status: str  # pass | fail | could-not-check
    detail: str


def _checks_of(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = report.get("checks")
    items = items if isinstance(items, list) else [items]
    return [item for item in items if isinstance(item, Mapping)]


def check_lines(report: Mapping[str, Any] | None) -> tuple[CheckLine, ...]:
    """The named checks of a stored report (``vckit.report.Report.to_json``)."""
    if report is None:
        return ()
    return tuple(
        CheckLine(
            str(item.get("id")),
            title_of(str(item.get("id"))),
            str(item.get("status")),
            str(item.get("detail", "")),
        )
        for item in _checks_of(report)
    )


def badge_of(
    checks: tuple[CheckLine, ...],
    *,
    reported: bool,
    valid_until: datetime | None = None,
    now: datetime | None = None,
) -> Badge:
    """The verdict of the stored checks, worst first (see the module docstring)."""
    if not reported:
        return Badge(
            "not-checked", BADGE_LABELS["not-checked"], "this credential was never checked"
        )
    failed = [c for c in checks if c.status == "fail"]
    other = [c for c in failed if c.id not in ("status", "validity-period")]
    if other:
        return Badge("failed", f"Failed: {other[0].title}", other[0].detail)
    for check in failed:
        if check.id == "status" and check.detail.startswith("revocation"):
            return Badge("revoked", BADGE_LABELS["revoked"], check.detail)
        if check.id == "status" and check.detail.startswith("suspension"):
            return Badge("suspended", BADGE_LABELS["suspended"], check.detail)
    for check in failed:
        if check.id == "validity-period" and "expired" in check.detail:
            return Badge("expired", BADGE_LABELS["expired"], check.detail)
    if failed:
        return Badge("failed", f"Failed: {failed[0].title}", failed[0].detail)
    if valid_until is not None and now is not None and now >= valid_until:
        detail = f"validUntil {valid_until.isoformat()} has passed since the last check"
        return Badge("expired", BADGE_LABELS["expired"], detail)
    unchecked = [c for c in checks if c.status != "pass"]
    if unchecked or not checks:
        why = "; ".join(f"{c.title}: {c.detail}" for c in unchecked) or "the report has no checks"
        return Badge("unchecked", BADGE_LABELS["unchecked"], why)
    return Badge("verified", BADGE_LABELS["verified"], "every check passed")


_REASONS = (
    re.compile(r"revokes it: (?P<reason>.+)$"),  # a 1EdTech revocation list's revocationReason
    re.compile(r"[Rr]eason: (?P<reason>.+)$"),
    re.compile(r" in \S+ \((?P<reason>[^()]+)\)$"),  # a status message after the list URL
)


def status_reason(detail: str) -> str | None:
    """The reason a status check's detail gives for a revocation or suspension, if any."""
    for pattern in _REASONS:
        found = pattern.search(detail.strip())
        if found:  # another party's words: shown as they read, nothing hidden or reversed
            return printable_only(found.group("reason")).strip().rstrip(".") or None
    return None


def said(badge: Badge, checked_at: str | None) -> str:
    """The badge in a sentence for a person (no list URLs, no bit indexes)."""
    found = f", found on {human_date(checked_at)} when the wallet checked it" if checked_at else ""
    if badge.kind in ("revoked", "suspended"):
        reason = status_reason(badge.detail)
        verb = "Revoked" if badge.kind == "revoked" else "Suspended"
        if reason:
            return f"{verb} by the issuer: {reason}."
        return f"{verb} by the issuer{found}."
    if badge.kind == "verified":
        return "Every check passed."
    return f"{badge.detail[:1].upper()}{badge.detail[1:]}."
