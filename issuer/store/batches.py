"""Batch issuance from a CSV (tables ``batches``, ``batch_rows``): each row is issued once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from servicekit.db import Tx


@dataclass(frozen=True)
class BatchRecord:
    id: str
    issuer: str
    achievement: str  # achievement id
    format: str
    total: int
    done: int
    state: str  # e.g. pending, running, done, failed
    error: str | None
    created: str


def _batch(row: dict[str, Any] | None) -> BatchRecord | None:
    if row is None:
        return None
    return BatchRecord(
        row["id"],
        row["issuer"],
        row["achievement"],
        row["format"],
        int(row["total"]),
        int(row["done"]),
        row["state"],
        row["error"],
        row["created"],
    )


def add_batch(tx: Tx, record: BatchRecord) -> None:
    tx.execute(
        "INSERT INTO batches (id, issuer, achievement, format, total, done, state, error, "
        "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.issuer,
            record.achievement,
            record.format,
            record.total,
            record.done,
            record.state,
            record.error,
            record.created,
        ),
    )


def get_batch(tx: Tx, id: str) -> BatchRecord | None:
    return _batch(tx.one("SELECT * FROM batches WHERE id = ?", (id,)))


def list_batches(tx: Tx, issuer: str) -> list[BatchRecord]:
    rows = tx.all("SELECT * FROM batches WHERE issuer = ? ORDER BY created DESC", (issuer,))
    return [record for record in map(_batch, rows) if record is not None]


def update_batch(
    tx: Tx, id: str, *, state: str, done: int | None = None, error: str | None = None
) -> None:
    if done is None:
        tx.execute("UPDATE batches SET state = ?, error = ? WHERE id = ?", (state, error, id))
    else:
        tx.execute(
            "UPDATE batches SET state = ?, done = ?, error = ? WHERE id = ?",
            (state, done, error, id),
        )


def add_batch_row(tx: Tx, batch_id: str, row_number: int, row: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO batch_rows (batch_id, row_number, row_json) VALUES (?, ?, ?)",
        (batch_id, row_number, dump_json(row)),
    )


def pending_batch_rows(tx: Tx, batch_id: str, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    """Rows not issued yet, in order: (row_number, row)."""
    rows = tx.all(
        "SELECT row_number, row_json FROM batch_rows WHERE batch_id = ? AND "
        "credential_id IS NULL ORDER BY row_number LIMIT ?",
        (batch_id, limit),
    )
    return [(int(r["row_number"]), json.loads(r["row_json"])) for r in rows]


def mark_batch_row_issued(tx: Tx, batch_id: str, row_number: int, credential_id: str) -> bool:
    """Record the row's credential; False if the row was already issued (never twice). The
    batch's ``done`` count is the caller's to raise (:func:`count_batch_done`), once per group."""
    changed = tx.execute(
        "UPDATE batch_rows SET credential_id = ? WHERE batch_id = ? AND row_number = ? "
        "AND credential_id IS NULL",
        (credential_id, batch_id, row_number),
    )
    return changed == 1


def mark_batch_rows_issued(tx: Tx, batch_id: str, issued: list[tuple[int, str]]) -> int:
    """Record each (row number, credential id) of a group, as :func:`mark_batch_row_issued`
    does one; returns how many rows were marked (fewer: some had been issued already)."""
    return tx.execute_many(
        "UPDATE batch_rows SET credential_id = ? WHERE batch_id = ? AND row_number = ? "
        "AND credential_id IS NULL",
        [(credential_id, batch_id, number) for number, credential_id in issued],
    )


def count_batch_done(tx: Tx, batch_id: str, rows: int) -> None:
    """Add ``rows`` newly marked rows to the batch's ``done`` count (in their transaction)."""
    if rows:
        tx.execute("UPDATE batches SET done = done + ? WHERE id = ?", (rows, batch_id))
