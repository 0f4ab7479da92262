"""The ``offers`` table: OpenID4VCI credential offers a learner received, and how redeeming
each went (state, error, the credential it gave)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, new_id


@dataclass(frozen=True)
class OfferRecord:
    id: str
    account_id: str
    offer: dict[str, Any]  # the credential offer (and whatever the redeemer keeps with it)
    state: str  # e.g. "pending", "redeemed", "failed"
    error: str | None
    credential_id: str | None
    created: str
    updated: str


def _offer(row: dict[str, Any] | None) -> OfferRecord | None:
    if row is None:
        return None
    return OfferRecord(
        row["id"],
        row["account_id"],
        json.loads(row["offer_json"]),
        row["state"],
        row["error"],
        row["credential_id"],
        row["created"],
        row["updated"],
    )


def add_offer(
    tx: Tx, account_id: str, offer: dict[str, Any], *, state: str, created: str
) -> OfferRecord:
    record = OfferRecord(new_id(), account_id, offer, state, None, None, created, created)
    tx.execute(
        "INSERT INTO offers (id, account_id, offer_json, state, error, credential_id, created, "
        "updated) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)",
        (record.id, account_id, dump_json(offer), state, created, created),
    )
    return record


def get_offer(tx: Tx, account_id: str, offer_id: str) -> OfferRecord | None:
    return _offer(
        tx.one("SELECT * FROM offers WHERE account_id = ? AND id = ?", (account_id, offer_id))
    )


def list_offers(tx: Tx, account_id: str) -> list[OfferRecord]:
    rows = tx.all(
        "SELECT * FROM offers WHERE account_id = ? ORDER BY created DESC, id", (account_id,)
    )
    return [record for record in map(_offer, rows) if record is not None]


def update_offer(
    tx: Tx,
    account_id: str,
    offer_id: str,
    *,
    state: str,
    updated: str,
    error: str | None = None,
    credential_id: str | None = None,
) -> bool:
    changed = tx.execute(
        "UPDATE offers SET state = ?, error = ?, credential_id = ?, updated = ? "
        "WHERE account_id = ? AND id = ?",
        (state, error, credential_id, updated, account_id, offer_id),
    )
    return changed == 1
