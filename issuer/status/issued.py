"""The issued list as staff see it: each credential's state (active, suspended, revoked),
the status changes that apply to it now, and making one.

An Open Badge issued with suspension has one (suspension) status entry besides its
revocation one; revoking a credential sets its revocation bit for good.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from issuer.installation import Installation
from issuer.issuing import issuance
from issuer.organisations import catalogue
from issuer.status import lists as status
from issuer.status.recipients import matches, recipient_name

ACTIONS: dict[str, tuple[status.Purpose, bool]] = {
    "revoke": ("revocation", True),
    "suspend": ("suspension", True),
    "unsuspend": ("suspension", False),
}
DONE_WORDS = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "unsuspended"}


@dataclass(frozen=True)
class Issued:
    record: issuance.CredentialRecord
    achievement: str
    state: str  # active, suspended, revoked
    actions: tuple[str, ...]  # what applies now
    name: str = ""  # the learner's name the credential carries ("" when none)


def issued_view(
    inst: Installation, record: issuance.CredentialRecord, names: Mapping[str, str]
) -> Issued:
    """The credential's state and the actions that apply. An Open Badge issued with
    suspension has one (suspension) status entry; revoking it sets that bit for good."""
    bits = status.status_of(inst, record.id)
    actions: tuple[str, ...]
    if record.revoked is not None:
        state, actions = "revoked", ()
    elif bits.get("suspension"):
        state, actions = "suspended", ("unsuspend", "revoke")
    else:
        state = "active"
        actions = ("suspend", "revoke") if "suspension" in bits else ("revoke",)
    key = record.achievement or ""
    achievement = names.get(key, key or "(credential from the VC-API)")
    return Issued(record, achievement, state, actions, recipient_name(record.document))


def achievement_names(inst: Installation, slug: str) -> dict[str, str]:
    """The issuer's achievements: id -> name."""
    return {a.id: str(a.achievement.get("name")) for a in catalogue.list_achievements(inst, slug)}


def issued_page(inst: Installation, slug: str, *, limit: int, offset: int) -> list[Issued]:
    """A page of the issuer's issued list, newest first."""
    names = achievement_names(inst, slug)
    records = issuance.list_issued(inst, slug, limit=limit, offset=offset)
    return [issued_view(inst, record, names) for record in records]


STATES = ("active", "suspended", "revoked")
SEARCHED = 1000
"""A search or filter looks through the issuer's latest ``SEARCHED`` credentials."""


@dataclass(frozen=True)
class Filter:
    """The issued list's search (``query``: words matched against recipient name and
    identifier, achievement name, credential id) and filters (``state``, ``achievement``
    id); empty strings filter nothing."""

    query: str = ""
    state: str = ""
    achievement: str = ""

    def __bool__(self) -> bool:
        return bool(self.query or self.state or self.achievement)


def found_page(
    inst: Installation, slug: str, wanted: Filter, *, limit: int, offset: int
) -> list[Issued]:
    """A page of the issued credentials that match ``wanted``, newest first (among the
    latest :data:`SEARCHED`)."""
    if not wanted:
        return issued_page(inst, slug, limit=limit, offset=offset)
    names = achievement_names(inst, slug)
    found: list[Issued] = []
    for record in issuance.list_issued(inst, slug, limit=SEARCHED, offset=0):
        if wanted.achievement and record.achievement != wanted.achievement:
            continue
        name = recipient_name(record.document)
        achievement = names.get(record.achievement or "", "")
        if not matches(wanted.query, name, record.recipient, achievement, record.id):
            continue
        row = issued_view(inst, record, names)
        if wanted.state and row.state != wanted.state:
            continue
        found.append(row)
        if len(found) >= offset + limit:
            break
    return found[offset:]


def issued_one(inst: Installation, slug: str, credential_id: str) -> Issued:
    """One credential of the issuer, as the list shows it."""
    record = issuance.issued_by(inst, slug, credential_id)
    return issued_view(inst, record, achievement_names(inst, slug))


def apply(
    inst: Installation,
    row: Issued,
    action: str,
    *,
    reason: str | None = None,
    code: str | None = None,
) -> bool:
    """Revoke, suspend or unsuspend (one of :data:`ACTIONS`); a revocation may carry a reason
    (the issuer's words) and a code (:data:`issuer.status.reasons.REASONS`)."""
    purpose, value = ACTIONS[action]
    if action != "revoke":
        return status.set_status(inst, row.record.id, purpose, value)
    return status.set_status(inst, row.record.id, purpose, value, reason=reason, code=code)
