"""The ``presentations`` table: presentations the learner signed, for a verifier (its
``audience``) or for a share link; deleting one deletes its share links too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import decode_document, document_text, new_id


@dataclass(frozen=True)
class PresentationRecord:
    id: str
    account_id: str
    document: dict[str, Any] | str  # the signed presentation, or a VP-JWT
    audience: str | None  # the verifier (domain / client_id), None for a share link's
    created: str


def _presentation(row: dict[str, Any] | None) -> PresentationRecord | None:
    if row is None:
        return None
    return PresentationRecord(
        row["id"],
        row["account_id"],
        decode_document(row["document"]),
        row["audience"],
        row["created"],
    )


def add_presentation(
    tx: Tx,
    account_id: str,
    document: dict[str, Any] | str,
    *,
    created: str,
    audience: str | None = None,
    presentation_id: str | None = None,
) -> PresentationRecord:
    record_id = presentation_id or new_id()
    record = PresentationRecord(record_id, account_id, document, audience, created)
    tx.execute(
        "INSERT INTO presentations (id, account_id, document, audience, created) "
        "VALUES (?, ?, ?, ?, ?)",
        (record.id, account_id, document_text(document), audience, created),
    )
    return record


def get_presentation(tx: Tx, account_id: str, presentation_id: str) -> PresentationRecord | None:
    return _presentation(
        tx.one(
            "SELECT * FROM presentations WHERE account_id = ? AND id = ?",
            (account_id, presentation_id),
        )
    )


def list_presentations(tx: Tx, account_id: str) -> list[PresentationRecord]:
    rows = tx.all(
        "SELECT * FROM presentations WHERE account_id = ? ORDER BY created DESC, id",
        (account_id,),
    )
    return [record for record in map(_presentation, rows) if record is not None]


def delete_presentation(tx: Tx, account_id: str, presentation_id: str) -> bool:
    """Delete a presentation and its share links."""
    tx.execute(
        "DELETE FROM share_links WHERE account_id = ? AND presentation_id = ?",
        (account_id, presentation_id),
    )
    changed = tx.execute(
        "DELETE FROM presentations WHERE account_id = ? AND id = ?",
        (account_id, presentation_id),
    )
    return changed == 1
