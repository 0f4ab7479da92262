"""The ``trusted_achievements`` and ``trust_changes`` tables: an organisation's own trust in an
issuer for an achievement (added by its staff on the registry page), and the log of every
change to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from verifier.store.columns import new_id


@dataclass(frozen=True)
class TrustRecord:
    organisation_id: str
    issuer_did: str
    issuer_name: str
    achievement_id: str
    achievement_name: str
    added_by: str
    added: str


@dataclass(frozen=True)
class TrustChange:
    at: str
    staff_email: str
    change: str  # "added" or "removed"
    issuer_did: str
    issuer_name: str
    achievement_id: str
    achievement_name: str


def _trust(row: dict[str, Any]) -> TrustRecord:
    return TrustRecord(
        row["organisation_id"], row["issuer_did"], row["issuer_name"], row["achievement_id"],
        row["achievement_name"], row["added_by"], row["added"],
    )  # fmt: skip


def add_trust(tx: Tx, record: TrustRecord) -> bool:
    """Trust the issuer for the achievement; False when the organisation did already."""
    found = tx.one(
        "SELECT 1 AS x FROM trusted_achievements WHERE organisation_id = ? AND issuer_did = ? "
        "AND achievement_id = ?",
        (record.organisation_id, record.issuer_did, record.achievement_id),
    )
    if found is not None:
        return False
    tx.execute(
        "INSERT INTO trusted_achievements (organisation_id, issuer_did, issuer_name, "
        "achievement_id, achievement_name, added_by, added) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (record.organisation_id, record.issuer_did, record.issuer_name, record.achievement_id,
         record.achievement_name, record.added_by, record.added),
    )  # fmt: skip
    return True


def remove_trust(
    tx: Tx, organisation_id: str, issuer_did: str, achievement_id: str
) -> TrustRecord | None:
    """Stop trusting; the record removed, or None when there was none."""
    row = tx.one(
        "SELECT * FROM trusted_achievements WHERE organisation_id = ? AND issuer_did = ? "
        "AND achievement_id = ?",
        (organisation_id, issuer_did, achievement_id),
    )
    if row is None:
        return None
    tx.execute(
        "DELETE FROM trusted_achievements WHERE organisation_id = ? AND issuer_did = ? "
        "AND achievement_id = ?",
        (organisation_id, issuer_did, achievement_id),
    )
    return _trust(row)


def list_trust(tx: Tx, organisation_id: str) -> list[TrustRecord]:
    rows = tx.all(
        "SELECT * FROM trusted_achievements WHERE organisation_id = ? "
        "ORDER BY issuer_name, achievement_name",
        (organisation_id,),
    )
    return [_trust(r) for r in rows]


def log_change(tx: Tx, organisation_id: str, change: TrustChange) -> None:
    tx.execute(
        "INSERT INTO trust_changes (id, organisation_id, at, staff_email, change, issuer_did, "
        "issuer_name, achievement_id, achievement_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), organisation_id, change.at, change.staff_email, change.change,
         change.issuer_did, change.issuer_name, change.achievement_id, change.achievement_name),
    )  # fmt: skip


def list_changes(tx: Tx, organisation_id: str, limit: int = 20) -> list[TrustChange]:
    """The organisation's latest changes, newest first."""
    rows = tx.all(
        "SELECT * FROM trust_changes WHERE organisation_id = ? ORDER BY at DESC, id LIMIT ?",
        (organisation_id, limit),
    )
    return [
        TrustChange(r["at"], r["staff_email"], r["change"], r["issuer_did"], r["issuer_name"],
                    r["achievement_id"], r["achievement_name"])
        for r in rows
    ]  # fmt: skip
