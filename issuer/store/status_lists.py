"""Status lists (tables ``status_lists``, ``status_entries``): the lists, the index each
credential holds in them, the bits set, and the signed list credential."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from servicekit.db import Tx


@dataclass(frozen=True)
class StatusListRecord:
    id: str  # the status list credential's URL
    issuer: str
    purpose: str  # revocation, suspension
    flavor: str  # bitstring, statuslist2021
    seq: int
    size: int  # bits
    stride: int  # odd: index n -> (n * stride) % size, a permutation of the list
    next_index: int  # how many indexes are taken
    credential: dict[str, Any] | None  # the signed list credential, re-signed on change
    updated: str
    signer: str | None = None  # its key (a did:key issuer's); None: the active Ed25519 key
    status_size: int = 1  # bits per entry (statusSize); ``size`` counts entries


def _status_list(row: dict[str, Any] | None) -> StatusListRecord | None:
    if row is None:
        return None
    text = row["credential_json"]
    return StatusListRecord(
        row["id"],
        row["issuer"],
        row["purpose"],
        row["flavor"],
        int(row["seq"]),
        int(row["size"]),
        int(row["stride"]),
        int(row["next_index"]),
        json.loads(text) if text else None,
        row["updated"],
        row.get("signer"),
        int(row.get("status_size") or 1),
    )


def latest_status_list(
    tx: Tx, issuer: str, purpose: str, flavor: str, signer: str | None = None
) -> StatusListRecord | None:
    """The newest list of this issuer, purpose, flavor and signer (full or not), in one
    statement so that concurrent writers agree on which list is the newest."""
    same_signer = "signer IS NULL" if signer is None else "signer = ?"
    return _status_list(
        tx.one(
            "SELECT * FROM status_lists WHERE issuer = ? AND purpose = ? AND flavor = ? "
            f"AND {same_signer} ORDER BY seq DESC LIMIT 1",
            (issuer, purpose, flavor) if signer is None else (issuer, purpose, flavor, signer),
        )
    )


def last_seq(tx: Tx, issuer: str, purpose: str, flavor: str) -> int:
    """The highest list number of this issuer, purpose and flavor, whoever signs it (0: none)."""
    row = tx.one(
        "SELECT MAX(seq) AS seq FROM status_lists WHERE issuer = ? AND purpose = ? AND flavor = ?",
        (issuer, purpose, flavor),
    )
    return int(row["seq"]) if row and row["seq"] is not None else 0


def add_status_list(tx: Tx, record: StatusListRecord) -> bool:
    """Insert the list unless a concurrent writer made the same (issuer, purpose, flavor,
    seq) first; returns True when this call inserted it."""
    changed = tx.execute(
        "INSERT INTO status_lists (id, issuer, purpose, flavor, seq, size, stride, next_index, "
        "credential_json, updated, signer, status_size) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (
            record.id,
            record.issuer,
            record.purpose,
            record.flavor,
            record.seq,
            record.size,
            record.stride,
            record.next_index,
            None if record.credential is None else dump_json(record.credential),
            record.updated,
            record.signer,
            record.status_size,
        ),
    )
    return changed == 1


def get_status_list(tx: Tx, id: str) -> StatusListRecord | None:
    return _status_list(tx.one("SELECT * FROM status_lists WHERE id = ?", (id,)))


def lock_status_list(tx: Tx, id: str, when: str) -> bool:
    """Take the list's row lock (PostgreSQL) so concurrent changes to it queue up."""
    return tx.execute("UPDATE status_lists SET updated = ? WHERE id = ?", (when, id)) == 1


def allocate_index(tx: Tx, list_id: str) -> int | None:
    """Take the list's next position (atomic); returns its bit index, None when full."""
    row = tx.one(
        "UPDATE status_lists SET next_index = next_index + 1 "
        "WHERE id = ? AND next_index < size RETURNING next_index, size, stride",
        (list_id,),
    )
    if row is None:
        return None
    position = int(row["next_index"]) - 1
    return (position * int(row["stride"])) % int(row["size"])


def allocate_indexes(tx: Tx, list_id: str, count: int) -> list[int]:
    """Take the list's next ``count`` positions at once (atomic): their bit indexes, in
    order, or [] when fewer than ``count`` are free (take them one by one then)."""
    row = tx.one(
        "UPDATE status_lists SET next_index = next_index + ? "
        "WHERE id = ? AND next_index + ? <= size RETURNING next_index, size, stride",
        (count, list_id, count),
    )
    if row is None:
        return []
    end, size, stride = int(row["next_index"]), int(row["size"]), int(row["stride"])
    return [(position * stride) % size for position in range(end - count, end)]


def release_indexes(tx: Tx, list_id: str, count: int) -> None:
    """Give back the last ``count`` positions this transaction took from the list."""
    tx.execute(
        "UPDATE status_lists SET next_index = next_index - ? WHERE id = ? AND next_index >= ?",
        (count, list_id, count),
    )


def add_status_entry(tx: Tx, list_id: str, idx: int, credential_id: str, purpose: str) -> None:
    add_status_entries(tx, [(list_id, idx, credential_id, purpose)])


def add_status_entries(tx: Tx, entries: list[tuple[str, int, str, str]]) -> None:
    """Insert (list id, index, credential id, purpose) entries, one statement run for each."""
    tx.execute_many(
        "INSERT INTO status_entries (list_id, idx, credential_id, purpose) VALUES (?, ?, ?, ?)",
        entries,
    )


@dataclass(frozen=True)
class StatusEntryRecord:
    list_id: str
    idx: int
    credential_id: str
    purpose: str
    is_set: bool
    changed: str | None
    value: int = 0  # a multi-bit entry's value (statusSize > 1)


def status_entries_of(tx: Tx, credential_id: str) -> list[StatusEntryRecord]:
    rows = tx.all(
        "SELECT * FROM status_entries WHERE credential_id = ? ORDER BY purpose",
        (credential_id,),
    )
    return [
        StatusEntryRecord(
            r["list_id"],
            int(r["idx"]),
            r["credential_id"],
            r["purpose"],
            bool(r["is_set"]),
            r["changed"],
            int(r.get("status_value") or 0),
        )
        for r in rows
    ]


def set_status_bit(tx: Tx, list_id: str, idx: int, value: bool, when: str) -> bool:
    """Set or clear one bit; returns True when it changed."""
    changed = tx.execute(
        "UPDATE status_entries SET is_set = ?, changed = ? "
        "WHERE list_id = ? AND idx = ? AND is_set <> ?",
        (int(value), when, list_id, idx, int(value)),
    )
    return changed == 1


def set_status_value(tx: Tx, list_id: str, idx: int, value: int, when: str) -> bool:
    """Set a multi-bit entry's value (``is_set``: value != 0); returns True when it changed."""
    changed = tx.execute(
        "UPDATE status_entries SET status_value = ?, is_set = ?, changed = ? "
        "WHERE list_id = ? AND idx = ? AND status_value <> ?",
        (value, int(value != 0), when, list_id, idx, value),
    )
    return changed == 1


def entry_values(tx: Tx, list_id: str) -> list[tuple[int, int]]:
    """(index, value) of every entry of a multi-bit list whose value is not 0."""
    rows = tx.all(
        "SELECT idx, status_value FROM status_entries WHERE list_id = ? AND status_value <> 0",
        (list_id,),
    )
    return [(int(row["idx"]), int(row["status_value"])) for row in rows]


def set_indexes(tx: Tx, list_id: str) -> list[int]:
    """Every index whose bit is set in the list."""
    rows = tx.all("SELECT idx FROM status_entries WHERE list_id = ? AND is_set = 1", (list_id,))
    return [int(row["idx"]) for row in rows]


def save_list_credential(tx: Tx, list_id: str, credential: dict[str, Any], when: str) -> None:
    tx.execute(
        "UPDATE status_lists SET credential_json = ?, updated = ? WHERE id = ?",
        (dump_json(credential), when, list_id),
    )
