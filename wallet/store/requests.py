"""The ``requests`` table: presentation requests (OpenID4VP, VC-API) a learner received, one
per verifier nonce, and whether each was answered or declined."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, new_id


@dataclass(frozen=True)
class RequestRecord:
    id: str
    account_id: str
    kind: str  # "openid4vp" or "vc-api"
    request: dict[str, Any]
    nonce: str | None  # the verifier's nonce / challenge: one answer per nonce
    state: str  # e.g. "pending", "answered", "declined"
    created: str
    answered_at: str | None


def _request(row: dict[str, Any] | None) -> RequestRecord | None:
    if row is None:
        return None
    return RequestRecord(
        row["id"],
        row["account_id"],
        row["kind"],
        json.loads(row["request_json"]),
        row["nonce"],
        row["state"],
        row["created"],
        row["answered_at"],
    )


def add_request(
    tx: Tx,
    account_id: str,
    *,
    kind: str,
    request: dict[str, Any],
    nonce: str | None,
    state: str,
    created: str,
) -> RequestRecord:
    """ConflictError when the account has a request of this kind with this nonce already."""
    record = RequestRecord(new_id(), account_id, kind, request, nonce, state, created, None)
    tx.execute(
        "INSERT INTO requests (id, account_id, kind, request_json, nonce, state, created, "
        "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        (record.id, account_id, kind, dump_json(request), nonce, state, created),
    )
    return record


def get_request(tx: Tx, account_id: str, request_id: str) -> RequestRecord | None:
    return _request(
        tx.one("SELECT * FROM requests WHERE account_id = ? AND id = ?", (account_id, request_id))
    )


def find_request_by_nonce(tx: Tx, account_id: str, kind: str, nonce: str) -> RequestRecord | None:
    return _request(
        tx.one(
            "SELECT * FROM requests WHERE account_id = ? AND kind = ? AND nonce = ?",
            (account_id, kind, nonce),
        )
    )


def list_requests(tx: Tx, account_id: str) -> list[RequestRecord]:
    rows = tx.all(
        "SELECT * FROM requests WHERE account_id = ? ORDER BY created DESC, id", (account_id,)
    )
    return [record for record in map(_request, rows) if record is not None]


def update_request(
    tx: Tx, account_id: str, request_id: str, *, state: str, answered_at: str | None = None
) -> bool:
    changed = tx.execute(
        "UPDATE requests SET state = ?, answered_at = ? WHERE account_id = ? AND id = ?",
        (state, answered_at, account_id, request_id),
    )
    return changed == 1
