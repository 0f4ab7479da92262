"""The ``accounts`` table: a learner's sign-in (e-mail, password hash, session epoch) and
holder key (sealed under the wallet's key-encryption key: :mod:`wallet.store.sealed`);
deleting an account deletes every row naming it (:data:`ACCOUNT_TABLES`), and
:func:`rows_of_account` reads them all for ``wallet.accounts`` export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, new_id
from wallet.store.sealed import HOLDER_KEYS

# Tables holding an account's rows, children before parents (the order deletes run in).
ACCOUNT_TABLES = (
    "oauth_tokens",  # before oauth_grants, which they name
    "oauth_codes",
    "oauth_grants",
    "host_profiles",
    "host_imports",
    "requests",
    "offers",
    "share_log",
    "share_links",
    "presentations",
    "credentials",
    "recheck_jobs",
)


@dataclass(frozen=True)
class AccountRecord:
    id: str
    email: str
    password_hash: str
    did: str
    holder_jwk: dict[str, str]  # the holder key, PRIVATE JWK: never shown, never exported
    session_epoch: int
    created: str


def _account(tx: Tx, row: dict[str, Any] | None) -> AccountRecord | None:
    if row is None:
        return None
    return AccountRecord(
        row["id"],
        row["email"],
        row["password_hash"],
        row["did"],
        json.loads(HOLDER_KEYS.open(tx.keyring, row["id"], row["holder_jwk"])),
        int(row["session_epoch"]),
        row["created"],
    )


def add_account(
    tx: Tx,
    *,
    email: str,
    password_hash: str,
    did: str,
    holder_jwk: dict[str, str],
    created: str,
    account_id: str | None = None,
) -> AccountRecord:
    record = AccountRecord(
        account_id or new_id(), email, password_hash, did, holder_jwk, 0, created
    )
    tx.execute(
        "INSERT INTO accounts (id, email, password_hash, did, holder_jwk, session_epoch, "
        "created) VALUES (?, ?, ?, ?, ?, 0, ?)",
        (
            record.id,
            email,
            password_hash,
            did,
            HOLDER_KEYS.seal(tx.keyring, record.id, dump_json(holder_jwk)),
            created,
        ),
    )
    return record


def get_account(tx: Tx, account_id: str) -> AccountRecord | None:
    return _account(tx, tx.one("SELECT * FROM accounts WHERE id = ?", (account_id,)))


def get_account_by_email(tx: Tx, email: str) -> AccountRecord | None:
    return _account(tx, tx.one("SELECT * FROM accounts WHERE email = ?", (email,)))


def set_password_hash(tx: Tx, account_id: str, password_hash: str) -> None:
    tx.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (password_hash, account_id))


def bump_session_epoch(tx: Tx, account_id: str) -> None:
    """End every session of the account (they name the old epoch)."""
    tx.execute("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = ?", (account_id,))


def delete_account(tx: Tx, account_id: str) -> dict[str, int]:
    """Delete the account and every row naming it; returns the rows deleted per table."""
    deleted = {}
    for table in ACCOUNT_TABLES:
        deleted[table] = tx.execute(f"DELETE FROM {table} WHERE account_id = ?", (account_id,))
    deleted["accounts"] = tx.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
    return deleted


NOT_EXPORTED = frozenset({"oauth_codes", "oauth_tokens"})
"""Hashes of short-lived secrets given to applications: nothing of the learner's to export
(the grants they belong to are exported)."""


def rows_of_account(tx: Tx, account_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the account in every table but ``accounts`` (and :data:`NOT_EXPORTED`),
    as stored, in the order of each table's first column (its key), for export."""
    return {
        table: tx.all(f"SELECT * FROM {table} WHERE account_id = ? ORDER BY 1", (account_id,))
        for table in reversed(ACCOUNT_TABLES)
        if table not in NOT_EXPORTED
    }
