"""The ``offers`` table: OpenID4VCI credential offers a learner received, and how far
redeeming each has come, recorded before each step that spends something at the issuer
(:mod:`wallet.receiving.progress` says what each state means).

Columns beyond the offer itself: ``access_token`` (a secret, sealed at rest like the
wallet's other secrets: :data:`wallet.store.sealed.ACCESS_TOKENS`), ``progress_json`` (what the
flow learned and may need again: endpoints, configuration, token expiry, c_nonce) and
``request_json`` (the exact Credential Request body, key proof included, stored before it is
sent so that a retry sends the same one).

State changes are compare-and-set (:func:`advance_offer` names the state it expects): of two
workers on one offer, one moves it and the other finds out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, load_json, new_id
from wallet.store.sealed import ACCESS_TOKENS


@dataclass(frozen=True)
class OfferRecord:
    id: str
    account_id: str
    offer: dict[str, Any]  # the credential offer
    state: str  # pending, authorizing, authorized, requested, redeemed, failed
    error: str | None
    credential_id: str | None
    created: str
    updated: str
    access_token: str | None = None  # a secret (see the module docstring)
    progress: dict[str, Any] | None = None
    request: dict[str, Any] | None = None  # the Credential Request body, once built


def _offer(tx: Tx, row: dict[str, Any] | None) -> OfferRecord | None:
    if row is None:
        return None
    token = row["access_token"]
    return OfferRecord(
        row["id"],
        row["account_id"],
        json.loads(row["offer_json"]),
        row["state"],
        row["error"],
        row["credential_id"],
        row["created"],
        row["updated"],
        None if token is None else ACCESS_TOKENS.open(tx.keyring, row["id"], token),
        load_json(row["progress_json"]),
        load_json(row["request_json"]),
    )


def add_offer(
    tx: Tx,
    account_id: str,
    offer: dict[str, Any],
    *,
    state: str,
    created: str,
    progress: dict[str, Any] | None = None,
) -> OfferRecord:
    record = OfferRecord(
        new_id(), account_id, offer, state, None, None, created, created, progress=progress
    )
    tx.execute(
        "INSERT INTO offers (id, account_id, offer_json, state, error, credential_id, created, "
        "updated, progress_json) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
        (
            record.id,
            account_id,
            dump_json(offer),
            state,
            created,
            created,
            None if progress is None else dump_json(progress),
        ),
    )
    return record


def get_offer(tx: Tx, account_id: str, offer_id: str) -> OfferRecord | None:
    return _offer(
        tx, tx.one("SELECT * FROM offers WHERE account_id = ? AND id = ?", (account_id, offer_id))
    )


def list_offers(tx: Tx, account_id: str) -> list[OfferRecord]:
    rows = tx.all(
        "SELECT * FROM offers WHERE account_id = ? ORDER BY created DESC, id", (account_id,)
    )
    return [record for row in rows if (record := _offer(tx, row)) is not None]


def delete_offer(tx: Tx, account_id: str, offer_id: str, *, states: tuple[str, ...]) -> bool:
    """Remove the account's offer if it is in one of ``states``; False when it is not (no
    such offer, another account's, or in another state: compare-and-delete)."""
    marks = ", ".join("?" for _ in states)
    changed = tx.execute(
        f"DELETE FROM offers WHERE account_id = ? AND id = ? AND state IN ({marks})",  # noqa: S608
        (account_id, offer_id, *states),
    )
    return changed == 1


_KEEP = object()  # advance_offer: leave the column as it is


def advance_offer(
    tx: Tx,
    account_id: str,
    offer_id: str,
    *,
    expect: str,
    state: str,
    updated: str,
    error: str | None = None,
    credential_id: Any = _KEEP,
    access_token: Any = _KEEP,
    progress: Any = _KEEP,
    request: Any = _KEEP,
) -> bool:
    """Move the offer from state ``expect`` to ``state`` (and set ``error``, None clears it,
    and whichever other columns are given). False, changing nothing, when the offer is not
    in state ``expect`` (another worker moved it) or not the account's."""
    columns: dict[str, Any] = {"state": state, "error": error, "updated": updated}
    if credential_id is not _KEEP:
        columns["credential_id"] = credential_id
    if access_token is not _KEEP:
        columns["access_token"] = (
            None if access_token is None else ACCESS_TOKENS.seal(tx.keyring, offer_id, access_token)
        )
    if progress is not _KEEP:
        columns["progress_json"] = None if progress is None else dump_json(progress)
    if request is not _KEEP:
        columns["request_json"] = None if request is None else dump_json(request)
    names = sorted(columns)
    assignments = ", ".join(f"{name} = ?" for name in names)
    changed = tx.execute(
        f"UPDATE offers SET {assignments} "  # noqa: S608 - the names are fixed above
        "WHERE account_id = ? AND id = ? AND state = ?",
        (*(columns[name] for name in names), account_id, offer_id, expect),
    )
    return changed == 1


def offers_in_states(tx: Tx, states: tuple[str, ...], *, limit: int = 100) -> list[OfferRecord]:
    """Offers of EVERY account in one of ``states``, least recently changed first: for the
    background resume job only (:mod:`wallet.receiving.background`)."""
    marks = ", ".join("?" for _ in states)
    rows = tx.all(
        f"SELECT * FROM offers WHERE state IN ({marks}) "  # noqa: S608 - only placeholders
        "ORDER BY updated, id LIMIT ?",
        (*states, limit),
    )
    return [record for row in rows if (record := _offer(tx, row)) is not None]
