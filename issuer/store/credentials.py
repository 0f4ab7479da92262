"""The credentials issued (table ``credentials``): the signed document, its download
token and its revocation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from servicekit.db import Tx


@dataclass(frozen=True)
class CredentialRecord:
    id: str  # the credential's id (urn:uuid:...)
    token: str  # the unguessable part of its download URL
    issuer: str
    achievement: str | None
    format: str  # eddsa-rdfc-2022, ecdsa-rdfc-2019, vc-jwt, ob3-jwt
    recipient: str  # a DID or the IdentityObject's identityHash
    document: dict[str, Any] | str  # the signed JSON-LD credential, or the JWT
    issued: str
    revoked: str | None = None  # when it was revoked (final)
    revoked_reason: str | None = None  # why, in the issuer's words (shown to the learner)
    revoked_code: str | None = None  # why, as a code (issuer.status.reasons.REASONS)


def _credential(row: dict[str, Any] | None) -> CredentialRecord | None:
    if row is None:
        return None
    text: str = row["document"]
    document: dict[str, Any] | str = json.loads(text) if text.startswith("{") else text
    return CredentialRecord(
        row["id"],
        row["token"],
        row["issuer"],
        row["achievement"],
        row["format"],
        row["recipient"],
        document,
        row["issued"],
        row["revoked"],
        row.get("revoked_reason"),
        row.get("revoked_code"),
    )


def add_credential(tx: Tx, record: CredentialRecord) -> None:
    add_credentials(tx, [record])


def add_credentials(tx: Tx, records: list[CredentialRecord]) -> None:
    """Insert the credentials with one statement run for each (a batch group's)."""
    tx.execute_many(
        "INSERT INTO credentials (id, token, issuer, achievement, format, recipient, document, "
        "issued) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                record.id,
                record.token,
                record.issuer,
                record.achievement,
                record.format,
                record.recipient,
                record.document if isinstance(record.document, str) else dump_json(record.document),
                record.issued,
            )
            for record in records
        ],
    )


def mark_revoked(
    tx: Tx, id: str, when: str, reason: str | None = None, code: str | None = None
) -> bool:
    """Record the revocation and its reason (once); False if it was revoked already."""
    return (
        tx.execute(
            "UPDATE credentials SET revoked = ?, revoked_reason = ?, revoked_code = ? "
            "WHERE id = ? AND revoked IS NULL",
            (when, reason, code, id),
        )
        == 1
    )


def get_credential(tx: Tx, id: str) -> CredentialRecord | None:
    return _credential(tx.one("SELECT * FROM credentials WHERE id = ?", (id,)))


def get_credential_by_token(tx: Tx, token: str) -> CredentialRecord | None:
    return _credential(tx.one("SELECT * FROM credentials WHERE token = ?", (token,)))


def list_credentials(
    tx: Tx, issuer: str, *, limit: int = 100, offset: int = 0
) -> list[CredentialRecord]:
    rows = tx.all(
        "SELECT * FROM credentials WHERE issuer = ? ORDER BY issued DESC, id LIMIT ? OFFSET ?",
        (issuer, limit, offset),
    )
    return [record for record in map(_credential, rows) if record is not None]


def count_credentials(tx: Tx, issuer: str) -> int:
    row = tx.one("SELECT COUNT(*) AS n FROM credentials WHERE issuer = ?", (issuer,))
    return int(row["n"]) if row else 0


def credentials_of_recipient(
    tx: Tx, issuer: str, recipient: str, achievements: list[str]
) -> list[CredentialRecord]:
    """The issuer's credentials to ``recipient`` of any of ``achievements`` (ids), not
    revoked, newest first."""
    if not achievements:
        return []
    marks = ", ".join("?" for _ in achievements)
    rows = tx.all(
        "SELECT * FROM credentials WHERE issuer = ? AND recipient = ? AND revoked IS NULL "
        f"AND achievement IN ({marks}) ORDER BY issued DESC, id",
        (issuer, recipient, *achievements),
    )
    return [record for record in map(_credential, rows) if record is not None]


def credentials_about(tx: Tx, recipient: str, *, limit: int = 50) -> list[CredentialRecord]:
    """Credentials (of any issuer) whose recipient is ``recipient`` — e.g. the endorsements of
    an issuer DID or an achievement id — not revoked, newest first."""
    rows = tx.all(
        "SELECT * FROM credentials WHERE recipient = ? AND revoked IS NULL "
        "ORDER BY issued DESC, id LIMIT ?",
        (recipient, limit),
    )
    return [record for record in map(_credential, rows) if record is not None]


def link_copy(tx: Tx, copy_id: str, original_id: str) -> None:
    """Record that credential ``copy_id`` is a copy of ``original_id`` (a Data Integrity copy of
    a course credential made for a CLR, :mod:`issuer.issuing.clr_copies`)."""
    tx.execute("UPDATE credentials SET copy_of = ? WHERE id = ?", (original_id, copy_id))


def copies_of(tx: Tx, original_id: str) -> list[CredentialRecord]:
    """The copies of a credential (:func:`link_copy`) not revoked, newest first."""
    rows = tx.all(
        "SELECT * FROM credentials WHERE copy_of = ? AND revoked IS NULL ORDER BY issued DESC, id",
        (original_id,),
    )
    return [record for record in map(_credential, rows) if record is not None]
