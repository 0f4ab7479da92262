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
    return Issued(record, names.get(key, key or "(credential from the VC-API)"), state, actions)


def achievement_names(inst: Installation, slug: str) -> dict[str, str]:
    """The issuer's achievements: id -> name."""
    return {a.id: str(a.achievement.get("name")) for a in catalogue.list_achievements(inst, slug)}


def issued_page(inst: Installation, slug: str, *, limit: int, offset: int) -> list[Issued]:
    """A page of the issuer's issued list, newest first."""
    names = achievement_names(inst, slug)
    records = issuance.list_issued(inst, slug, limit=limit, offset=offset)
    return [issued_view(inst, record, names) for record in records]


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
