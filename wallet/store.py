"""All of the wallet's SQL. Every function takes an open transaction (:class:`servicekit.db.Tx`)
and, except where its name says otherwise, the ``account_id`` whose rows it may touch:
another learner's record is simply not found (``None`` / ``False``), whatever id is asked.

API note for the other wallet modules (receive, present, share, pages)::

    from wallet import store
    with inst.db.transaction() as tx:               # inst: wallet.installation.Installation
        record = store.add_credential(tx, account_id, document, format="ldp_vc",
                                      source="upload", received_at=inst.stamp(),
                                      report=report_dict, verdict="verified",
                                      checked_at=inst.stamp())        # CredentialRecord
        same = store.find_credential_by_hash(tx, account_id, store.credential_hash(document))
        rows = store.list_credentials(tx, account_id)               # newest first

Records are frozen dataclasses; JSON columns come back decoded. ``document`` is a dict for
JSON-LD credentials and presentations, a str for a JWT (stored as sent). Ids are made here
(:func:`new_id`, 32 hex digits) unless given. A duplicate key raises
:class:`servicekit.db.ConflictError`, which rolls the whole transaction back; so call
:func:`find_credential_by_hash` first to tell the learner "you have this one already".

* accounts:        add_account, get_account, get_account_by_email, set_password_hash,
                   bump_session_epoch, delete_account (every row of the account)
* credentials:     credential_hash, add_credential, get_credential, find_credential_by_hash,
                   list_credentials, update_check, delete_credential,
                   credentials_to_recheck (across accounts: the background re-check only)
* presentations:   add_presentation, get_presentation, list_presentations,
                   delete_presentation
* share links:     share_link_id (SHA-256 of the secret token: the id stored), add_share_link,
                   get_share_link, list_share_links, withdraw_share_link,
                   open_share_link (no account: a visitor holding the token)
* share log:       add_share_log, list_share_log
* offers:          add_offer, get_offer, list_offers, update_offer
* requests:        add_request, get_request, find_request_by_nonce, list_requests,
                   update_request
* export:          rows_of_account (every row of every table, for accounts.export)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx

# Tables holding an account's rows, children before parents (the order deletes run in).
ACCOUNT_TABLES = (
    "requests",
    "offers",
    "share_log",
    "share_links",
    "presentations",
    "credentials",
)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load_json(text: str | None) -> Any:
    """A stored JSON column, decoded (None stays None)."""
    return None if text is None else json.loads(text)


def _document_text(document: dict[str, Any] | str) -> str:
    return _dump(document) if isinstance(document, dict) else document.strip()


def decode_document(text: str) -> dict[str, Any] | str:
    """A stored document: the JSON object, or the text as stored (a JWT)."""
    if text.startswith("{"):
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    return text


def new_id() -> str:
    """A fresh record id: 32 hex digits (random; safe in a URL path)."""
    return uuid.uuid4().hex


# --- accounts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRecord:
    id: str
    email: str
    password_hash: str
    did: str
    holder_jwk: dict[str, str]  # the holder key, PRIVATE JWK: never shown, never exported
    session_epoch: int
    created: str


def _account(row: dict[str, Any] | None) -> AccountRecord | None:
    if row is None:
        return None
    return AccountRecord(
        row["id"],
        row["email"],
        row["password_hash"],
        row["did"],
        json.loads(row["holder_jwk"]),
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
        (record.id, email, password_hash, did, _dump(holder_jwk), created),
    )
    return record


def get_account(tx: Tx, account_id: str) -> AccountRecord | None:
    return _account(tx.one("SELECT * FROM accounts WHERE id = ?", (account_id,)))


def get_account_by_email(tx: Tx, email: str) -> AccountRecord | None:
    return _account(tx.one("SELECT * FROM accounts WHERE email = ?", (email,)))


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


def rows_of_account(tx: Tx, account_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the account in every table but ``accounts``, as stored (for export)."""
    return {
        table: tx.all(f"SELECT * FROM {table} WHERE account_id = ? ORDER BY id", (account_id,))
        for table in reversed(ACCOUNT_TABLES)
    }


# --- credentials -----------------------------------------------------------------------------


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
    return hashlib.sha256(_document_text(document).encode()).hexdigest()


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
            _document_text(document),
            format,
            source,
            received_at,
            None if report is None else _dump(report),
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
        (_dump(report), verdict, checked_at, account_id, credential_id),
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


# --- presentations ---------------------------------------------------------------------------


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
        (record.id, account_id, _document_text(document), audience, created),
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


# --- share links -----------------------------------------------------------------------------


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
            _dump(record.credential_ids),
            None if detail is None else _dump(detail),
            at,
        ),
    )
    return record


def list_share_log(tx: Tx, account_id: str) -> list[ShareLogRecord]:
    rows = tx.all(
        "SELECT * FROM share_log WHERE account_id = ? ORDER BY at DESC, id", (account_id,)
    )
    return [_share_log(row) for row in rows]


# --- offers (OpenID4VCI) ---------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRecord:
    id: str
    account_id: str
    offer: dict[str, Any]  # the credential offer (and whatever the redeemer keeps with it)
    state: str  # e.g. "pending", "redeemed", "failed"
    error: str | None
    credential_id: str | None
    created: str
    updated: str


def _offer(row: dict[str, Any] | None) -> OfferRecord | None:
    if row is None:
        return None
    return OfferRecord(
        row["id"],
        row["account_id"],
        json.loads(row["offer_json"]),
        row["state"],
        row["error"],
        row["credential_id"],
        row["created"],
        row["updated"],
    )


def add_offer(
    tx: Tx, account_id: str, offer: dict[str, Any], *, state: str, created: str
) -> OfferRecord:
    record = OfferRecord(new_id(), account_id, offer, state, None, None, created, created)
    tx.execute(
        "INSERT INTO offers (id, account_id, offer_json, state, error, credential_id, created, "
        "updated) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)",
        (record.id, account_id, _dump(offer), state, created, created),
    )
    return record


def get_offer(tx: Tx, account_id: str, offer_id: str) -> OfferRecord | None:
    return _offer(
        tx.one("SELECT * FROM offers WHERE account_id = ? AND id = ?", (account_id, offer_id))
    )


def list_offers(tx: Tx, account_id: str) -> list[OfferRecord]:
    rows = tx.all(
        "SELECT * FROM offers WHERE account_id = ? ORDER BY created DESC, id", (account_id,)
    )
    return [record for record in map(_offer, rows) if record is not None]


def update_offer(
    tx: Tx,
    account_id: str,
    offer_id: str,
    *,
    state: str,
    updated: str,
    error: str | None = None,
    credential_id: str | None = None,
) -> bool:
    changed = tx.execute(
        "UPDATE offers SET state = ?, error = ?, credential_id = ?, updated = ? "
        "WHERE account_id = ? AND id = ?",
        (state, error, credential_id, updated, account_id, offer_id),
    )
    return changed == 1


# --- presentation requests (OpenID4VP, VC-API) -----------------------------------------------


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
        (record.id, account_id, kind, _dump(request), nonce, state, created),
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
