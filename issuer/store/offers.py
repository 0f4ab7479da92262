"""OpenID4VCI credential offers, pre-authorized code flow (table ``offers``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from servicekit.db import Tx


@dataclass(frozen=True)
class OfferRecord:
    pre_authorized_code: str
    issuer: str
    tx_code_hash: str | None
    tx_code_attempts: int
    request: dict[str, Any]  # what to issue: the issue_credential arguments as JSON
    access_token_hash: str | None
    c_nonce: str | None
    created: str
    expires_at: str
    redeemed_at: str | None
    credential_id: str | None


def _offer(row: dict[str, Any] | None) -> OfferRecord | None:
    if row is None:
        return None
    return OfferRecord(
        row["pre_authorized_code"],
        row["issuer"],
        row["tx_code_hash"],
        int(row["tx_code_attempts"]),
        json.loads(row["request_json"]),
        row["access_token_hash"],
        row["c_nonce"],
        row["created"],
        row["expires_at"],
        row["redeemed_at"],
        row["credential_id"],
    )


def add_offer(tx: Tx, record: OfferRecord) -> None:
    tx.execute(
        "INSERT INTO offers (pre_authorized_code, issuer, tx_code_hash, tx_code_attempts, "
        "request_json, access_token_hash, c_nonce, created, expires_at, redeemed_at, "
        "credential_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.pre_authorized_code,
            record.issuer,
            record.tx_code_hash,
            record.tx_code_attempts,
            dump_json(record.request),
            record.access_token_hash,
            record.c_nonce,
            record.created,
            record.expires_at,
            record.redeemed_at,
            record.credential_id,
        ),
    )


def get_offer(tx: Tx, pre_authorized_code: str) -> OfferRecord | None:
    return _offer(
        tx.one("SELECT * FROM offers WHERE pre_authorized_code = ?", (pre_authorized_code,))
    )


def get_offer_by_access_token(tx: Tx, access_token_hash: str) -> OfferRecord | None:
    return _offer(tx.one("SELECT * FROM offers WHERE access_token_hash = ?", (access_token_hash,)))


_OFFER_COLUMNS = frozenset(
    {"tx_code_attempts", "access_token_hash", "c_nonce", "redeemed_at", "credential_id"}
)


def update_offer(tx: Tx, pre_authorized_code: str, **changes: Any) -> int:
    """Change some of: tx_code_attempts, access_token_hash, c_nonce, redeemed_at,
    credential_id. Returns the number of rows changed (0 or 1)."""
    unknown = set(changes) - _OFFER_COLUMNS
    if unknown or not changes:
        raise KeyError(f"update_offer: columns {sorted(unknown) or 'none'} cannot be changed")
    names = sorted(changes)
    assignments = ", ".join(f"{name} = ?" for name in names)
    return tx.execute(
        f"UPDATE offers SET {assignments} WHERE pre_authorized_code = ?",  # noqa: S608 - fixed names
        (*(changes[name] for name in names), pre_authorized_code),
    )
