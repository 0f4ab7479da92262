"""The ``credentials`` table: the credentials a learner keeps, each with its content hash
(one copy per account) and its last verification report; plus the one query across
accounts, :func:`credentials_to_recheck`, for the background re-check."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import decode_document, document_text, dump_json, load_json, new_id


@dataclass(frozen=True)
class CredentialRecord:
    id: str
    account_id: str
    content_hash: str
    document: dict[str, Any] | str  # JSON-LD credential, or the JWT as sent
    format: str
    source: str
    received_at: str
    report: dict[str, Any] | None  # the last verification report (JSON)
    verdict: str | None
    checked_at: str | None


def _credential(row: dict[str, Any] | None) -> CredentialRecord | None:
    if row is None:
        return None
    return CredentialRecord(
        row["id"],
        row["account_id"],
        row["content_hash"],
        decode_document(row["document"]),
        row["format"],
        row["source"],
        row["received_at"],
        load_json(row["report_json"]),
        row["verdict"],
        row["checked_at"],
    )


def credential_hash(document: dict[str, Any] | str) -> str:
    """SHA-256 (hex) of the credential's content: of its canonical JSON (sorted keys, no
    spaces) for a JSON document, of the trimmed text for a JWT. The same credential
    received twice has the same hash."""
    return hashlib.sha256(document_text(document).encode()).hexdigest()


def add_credential(
    tx: Tx,
    account_id: str,
    document: dict[str, Any] | str,
    *,
    format: str,
    source: str,
    received_at: str,
    report: dict[str, Any] | None = None,
    verdict: str | None = None,
    checked_at: str | None = None,
    credential_id: str | None = None,
) -> CredentialRecord:
    """Keep a credential; ConflictError when the account holds the same content already."""
    record = CredentialRecord(
        credential_id or new_id(),
        account_id,
        credential_hash(document),
        document,
        format,
        source,
        received_at,
        report,
        verdict,
        checked_at,
    )
    tx.execute(
        "INSERT INTO credentials (id, account_id, content_hash, document, format, source, "
        "received_at, report_json, verdict, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            account_id,
            record.content_hash,
            document_text(document),
            format,
            source,
            received_at,
            None if report is None else dump_json(report),
            verdict,
            checked_at,
        ),
    )
    return record


def get_credential(tx: Tx, account_id: str, credential_id: str) -> CredentialRecord | None:
    return _credential(
        tx.one(
            "SELECT * FROM credentials WHERE account_id = ? AND id = ?",
            (account_id, credential_id),
        )
    )


def find_credential_by_hash(tx: Tx, account_id: str, content_hash: str) -> CredentialRecord | None:
    return _credential(
        tx.one(
            "SELECT * FROM credentials WHERE account_id = ? AND content_hash = ?",
            (account_id, content_hash),
        )
    )


def list_credentials(tx: Tx, account_id: str) -> list[CredentialRecord]:
    """The account's credentials, newest first."""
    rows = tx.all(
        "SELECT * FROM credentials WHERE account_id = ? ORDER BY received_at DESC, id",
        (account_id,),
    )
    return [record for record in map(_credential, rows) if record is not None]


def replace_credential(
    tx: Tx,
    account_id: str,
    credential_id: str,
    document: dict[str, Any] | str,
    *,
    format: str,
    source: str,
    received_at: str,
    report: dict[str, Any] | None,
    verdict: str | None,
    checked_at: str | None,
) -> CredentialRecord | None:
    """Put a newer copy of a held credential in place of the old one, keeping its record id
    (so shares and logs naming it still do); None when the account has no such credential."""
    changed = tx.execute(
        "UPDATE credentials SET content_hash = ?, document = ?, format = ?, source = ?, "
        "received_at = ?, report_json = ?, verdict = ?, checked_at = ? "
        "WHERE account_id = ? AND id = ?",
        (
            credential_hash(document), document_text(document), format, source, received_at,
            None if report is None else dump_json(report), verdict, checked_at, account_id,
            credential_id,
        ),
    )  # fmt: skip
    return get_credential(tx, account_id, credential_id) if changed else None


def update_check(
    tx: Tx,
    account_id: str,
    credential_id: str,
    *,
    report: dict[str, Any],
    verdict: str,
    checked_at: str,
) -> bool:
    """Record a (re-)verification; False when the account has no such credential."""
    changed = tx.execute(
        "UPDATE credentials SET report_json = ?, verdict = ?, checked_at = ? "
        "WHERE account_id = ? AND id = ?",
        (dump_json(report), verdict, checked_at, account_id, credential_id),
    )
    return changed == 1


def delete_credential(tx: Tx, account_id: str, credential_id: str) -> bool:
    changed = tx.execute(
        "DELETE FROM credentials WHERE account_id = ? AND id = ?", (account_id, credential_id)
    )
    return changed == 1


def credentials_to_recheck(tx: Tx, checked_before: str, limit: int = 100) -> list[CredentialRecord]:
    """ACROSS ACCOUNTS, for the background re-check job only: credentials never checked or
    last checked before ``checked_before``, oldest check first."""
    rows = tx.all(
        "SELECT * FROM credentials WHERE checked_at IS NULL OR checked_at < ? "
        "ORDER BY checked_at, id LIMIT ?",
        (checked_before, limit),
    )
    return [record for record in map(_credential, rows) if record is not None]
