"""Sending to a learner's Open Badges host (tables ``backpack_clients``, ``backpack_sends``).

``backpack_clients``: this issuer's RFC 7591 registration at each host, one per registration
URL (the client secret sealed). ``backpack_sends``: one send of one credential, or of the
credential an offer will issue, to one host: the state and the start link by SHA-256 only,
the browser that started it by SHA-256 of its cookie, the PKCE verifier, the state itself and
the learner's email sealed; its status (``waiting`` → ``authorizing`` → ``sending`` →
``created`` / ``existing`` / ``refused`` / ``failed``) and outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from issuer.store.sealed import BACKPACK_CLIENT_SECRETS, BACKPACK_SEND_SECRETS
from servicekit.db import Tx


@dataclass(frozen=True)
class ClientRecord:
    id: str
    registration_url: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class SendRecord:
    id: str
    issuer: str
    host: str
    host_name: str
    offer_id: str | None
    credential_id: str | None
    client: str
    secrets: dict[str, str]  # verifier, state, email (sealed at rest)
    endpoints: dict[str, str]
    status: str
    outcome: dict[str, Any]
    created: str
    finished: str | None
    browser_hash: str | None


def client_for(tx: Tx, registration_url: str) -> ClientRecord | None:
    row = tx.one("SELECT * FROM backpack_clients WHERE registration_url = ?", (registration_url,))
    if row is None:
        return None
    secret = BACKPACK_CLIENT_SECRETS.open(tx.keyring, row["id"], row["secret"])
    return ClientRecord(row["id"], row["registration_url"], row["client_id"], secret)


def get_client(tx: Tx, id: str) -> ClientRecord | None:
    row = tx.one("SELECT registration_url FROM backpack_clients WHERE id = ?", (id,))
    return None if row is None else client_for(tx, row["registration_url"])


def add_client(tx: Tx, record: ClientRecord, created: str) -> None:
    sealed = BACKPACK_CLIENT_SECRETS.seal(tx.keyring, record.id, record.client_secret)
    tx.execute(
        "INSERT INTO backpack_clients (id, registration_url, client_id, secret, created) "
        "VALUES (?, ?, ?, ?, ?)",
        (record.id, record.registration_url, record.client_id, sealed, created),
    )


def replace_client(tx: Tx, id: str, client_id: str, client_secret: str) -> None:
    """A new registration at the same host (the host forgot the old one), kept in place."""
    sealed = BACKPACK_CLIENT_SECRETS.seal(tx.keyring, id, client_secret)
    tx.execute(
        "UPDATE backpack_clients SET client_id = ?, secret = ? WHERE id = ?",
        (client_id, sealed, id),
    )


def add_send(tx: Tx, record: SendRecord, state_hash: str, start_hash: str | None) -> None:
    sealed = BACKPACK_SEND_SECRETS.seal(tx.keyring, record.id, dump_json(record.secrets))
    tx.execute(
        "INSERT INTO backpack_sends (id, issuer, host, host_name, offer_id, credential_id, "
        "state_hash, start_hash, client, secrets_json, endpoints_json, status, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id, record.issuer, record.host, record.host_name, record.offer_id,
            record.credential_id, state_hash, start_hash, record.client, sealed,
            dump_json(record.endpoints), record.status, record.created,
        ),
    )  # fmt: skip


def _send(tx: Tx, row: dict[str, Any] | None) -> SendRecord | None:
    if row is None:
        return None
    opened = BACKPACK_SEND_SECRETS.open(tx.keyring, row["id"], row["secrets_json"])
    return SendRecord(
        row["id"], row["issuer"], row["host"], row["host_name"], row["offer_id"],
        row["credential_id"], row["client"], json.loads(opened), json.loads(row["endpoints_json"]),
        row["status"], json.loads(row["outcome_json"] or "{}"), row["created"], row["finished"],
        row["browser_hash"],
    )  # fmt: skip


def get_send(tx: Tx, id: str) -> SendRecord | None:
    return _send(tx, tx.one("SELECT * FROM backpack_sends WHERE id = ?", (id,)))


def send_by_state(tx: Tx, state_hash: str) -> SendRecord | None:
    return _send(tx, tx.one("SELECT * FROM backpack_sends WHERE state_hash = ?", (state_hash,)))


def send_by_start(tx: Tx, start_hash: str) -> SendRecord | None:
    return _send(tx, tx.one("SELECT * FROM backpack_sends WHERE start_hash = ?", (start_hash,)))


def list_sends(tx: Tx, issuer: str, limit: int = 100) -> list[SendRecord]:
    rows = tx.all(
        "SELECT * FROM backpack_sends WHERE issuer = ? ORDER BY created DESC, id LIMIT ?",
        (issuer, limit),
    )
    return [record for row in rows if (record := _send(tx, row)) is not None]


def move(tx: Tx, id: str, from_status: str, to_status: str, **also: str) -> bool:
    """Move a send from one status to the next; True for the one caller that did (single use).
    ``also``: browser_hash."""
    extra = "".join(f", {name} = ?" for name in sorted(also) if name == "browser_hash")
    values = [also[name] for name in sorted(also) if name == "browser_hash"]
    changed = tx.execute(
        f"UPDATE backpack_sends SET status = ?{extra} WHERE id = ? AND status = ?",  # noqa: S608
        (to_status, *values, id, from_status),
    )
    return changed == 1


def finish(tx: Tx, id: str, status: str, outcome: dict[str, Any], at: str,
           credential_id: str | None = None) -> None:  # fmt: skip
    tx.execute(
        "UPDATE backpack_sends SET status = ?, outcome_json = ?, finished = ?, "
        "credential_id = COALESCE(?, credential_id) WHERE id = ?",
        (status, dump_json(outcome), at, credential_id, id),
    )
