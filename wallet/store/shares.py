"""The ``share_links`` and ``share_log`` tables: links that show a presentation to anyone
holding their secret token (only its SHA-256 is stored, :func:`share_link_id`), and the log
of what was shared with whom. :func:`open_share_link` is the one read without an account."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, load_json, new_id
from wallet.store.presentations import PresentationRecord, get_presentation


@dataclass(frozen=True)
class ShareLinkRecord:
    id: str  # SHA-256 (hex) of the link's secret token; the token itself is not stored
    account_id: str
    presentation_id: str
    expires_at: str
    withdrawn_at: str | None
    created: str


def _share_link(row: dict[str, Any] | None) -> ShareLinkRecord | None:
    if row is None:
        return None
    return ShareLinkRecord(
        row["id"],
        row["account_id"],
        row["presentation_id"],
        row["expires_at"],
        row["withdrawn_at"],
        row["created"],
    )


def share_link_id(token: str) -> str:
    """The stored id of a share link's secret token: its SHA-256, hex. A database leak
    does not leak working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_share_link(
    tx: Tx,
    account_id: str,
    token: str,
    *,
    presentation_id: str,
    expires_at: str,
    created: str,
) -> ShareLinkRecord:
    record = ShareLinkRecord(
        share_link_id(token), account_id, presentation_id, expires_at, None, created
    )
    tx.execute(
        "INSERT INTO share_links (id, account_id, presentation_id, expires_at, withdrawn_at, "
        "created) VALUES (?, ?, ?, ?, NULL, ?)",
        (record.id, account_id, presentation_id, expires_at, created),
    )
    return record


def get_share_link(tx: Tx, account_id: str, link_id: str) -> ShareLinkRecord | None:
    return _share_link(
        tx.one("SELECT * FROM share_links WHERE account_id = ? AND id = ?", (account_id, link_id))
    )


def list_share_links(tx: Tx, account_id: str) -> list[ShareLinkRecord]:
    rows = tx.all(
        "SELECT * FROM share_links WHERE account_id = ? ORDER BY created DESC, id",
        (account_id,),
    )
    return [record for record in map(_share_link, rows) if record is not None]


def withdraw_share_link(tx: Tx, account_id: str, link_id: str, when: str) -> bool:
    changed = tx.execute(
        "UPDATE share_links SET withdrawn_at = ? "
        "WHERE account_id = ? AND id = ? AND withdrawn_at IS NULL",
        (when, account_id, link_id),
    )
    return changed == 1


def open_share_link(tx: Tx, token: str) -> tuple[ShareLinkRecord, PresentationRecord] | None:
    """NO ACCOUNT: the link and its presentation for a visitor holding the secret token
    (whether it is expired or withdrawn is for the caller to judge)."""
    link = _share_link(tx.one("SELECT * FROM share_links WHERE id = ?", (share_link_id(token),)))
    if link is None:
        return None
    presentation = get_presentation(tx, link.account_id, link.presentation_id)
    return None if presentation is None else (link, presentation)


# --- share log -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLogRecord:
    id: str
    account_id: str
    kind: str  # e.g. "openid4vp", "vc-api", "share-link", "download"
    recipient: str  # who: the verifier's client_id / domain, or "anyone with the link"
    credential_ids: list[str]
    detail: dict[str, Any] | None
    at: str


def _share_log(row: dict[str, Any]) -> ShareLogRecord:
    return ShareLogRecord(
        row["id"],
        row["account_id"],
        row["kind"],
        row["recipient"],
        json.loads(row["credential_ids_json"]),
        load_json(row["detail_json"]),
        row["at"],
    )


def add_share_log(
    tx: Tx,
    account_id: str,
    *,
    kind: str,
    recipient: str,
    credential_ids: list[str],
    at: str,
    detail: dict[str, Any] | None = None,
) -> ShareLogRecord:
    record = ShareLogRecord(new_id(), account_id, kind, recipient, list(credential_ids), detail, at)
    tx.execute(
        "INSERT INTO share_log (id, account_id, kind, recipient, credential_ids_json, "
        "detail_json, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            account_id,
            kind,
            recipient,
            dump_json(record.credential_ids),
            None if detail is None else dump_json(detail),
            at,
        ),
    )
    return record


def list_share_log(tx: Tx, account_id: str) -> list[ShareLogRecord]:
    rows = tx.all(
        "SELECT * FROM share_log WHERE account_id = ? ORDER BY at DESC, id", (account_id,)
    )
    return [_share_log(row) for row in rows]
