"""The issuers and their signing keys (tables ``issuers``, ``issuer_keys``).

The private JWK is sealed under the issuer's key-encryption key (:mod:`issuer.store.sealed`).
A key is never deleted: a retired key still verifies what it signed (``keys_of``), the newest
active one of a kind signs new credentials (``active_key``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from issuer.store.sealed import ISSUER_KEYS
from servicekit.db import Tx


@dataclass(frozen=True)
class IssuerRecord:
    slug: str
    did: str
    profile: dict[str, Any]  # OB 3.0 Profile (id = did)
    created: str
    identity: str = "did:web"  # or "did:key" (issuer.organisations.identity)


def _issuer(row: dict[str, Any] | None) -> IssuerRecord | None:
    if row is None:
        return None
    return IssuerRecord(
        row["slug"],
        row["did"],
        json.loads(row["profile_json"]),
        row["created"],
        row.get("identity") or "did:web",
    )


def add_issuer(
    tx: Tx,
    slug: str,
    did: str,
    profile: dict[str, Any],
    created: str,
    identity: str = "did:web",
) -> None:
    tx.execute(
        "INSERT INTO issuers (slug, did, profile_json, created, identity) VALUES (?, ?, ?, ?, ?)",
        (slug, did, dump_json(profile), created, identity),
    )


def get_issuer(tx: Tx, slug: str) -> IssuerRecord | None:
    return _issuer(tx.one("SELECT * FROM issuers WHERE slug = ?", (slug,)))


def get_issuer_by_did(tx: Tx, did: str) -> IssuerRecord | None:
    return _issuer(tx.one("SELECT * FROM issuers WHERE did = ?", (did,)))


def issuer_of_key_did(tx: Tx, did: str) -> tuple[IssuerRecord, str | None] | None:
    """The issuer holding a key whose verification method is ``<did>#...`` (a did:key DID names
    one key), with that key's retirement stamp (None while active)."""
    if "%" in did or "_" in did:  # LIKE wildcards; a did:key (base58btc) has neither
        return None
    row = tx.one(
        "SELECT issuer, retired FROM issuer_keys WHERE id LIKE ? ORDER BY created DESC",
        (did + "#%",),
    )
    if row is None:
        return None
    issuer = get_issuer(tx, row["issuer"])
    return None if issuer is None else (issuer, row["retired"])


def list_issuers(tx: Tx) -> list[IssuerRecord]:
    rows = tx.all("SELECT * FROM issuers ORDER BY created, slug")
    return [record for record in map(_issuer, rows) if record is not None]


@dataclass(frozen=True)
class KeyRecord:
    id: str  # the verification method URL, did#fragment
    issuer: str
    kind: str  # Ed25519, P-256, RSA
    private_jwk: dict[str, Any]
    created: str
    retired: str | None


def _key(tx: Tx, row: dict[str, Any]) -> KeyRecord:
    return KeyRecord(
        row["id"],
        row["issuer"],
        row["kind"],
        json.loads(ISSUER_KEYS.open(tx.keyring, row["id"], row["private_jwk"])),
        row["created"],
        row["retired"],
    )


def add_key(
    tx: Tx, id: str, issuer: str, kind: str, private_jwk: dict[str, Any], created: str
) -> None:
    tx.execute(
        "INSERT INTO issuer_keys (id, issuer, kind, private_jwk, created) VALUES (?, ?, ?, ?, ?)",
        (id, issuer, kind, ISSUER_KEYS.seal(tx.keyring, id, dump_json(private_jwk)), created),
    )


def keys_of(tx: Tx, issuer: str) -> list[KeyRecord]:
    """Every key of the issuer, oldest first, retired ones included."""
    rows = tx.all("SELECT * FROM issuer_keys WHERE issuer = ? ORDER BY created, id", (issuer,))
    return [_key(tx, row) for row in rows]


def get_key(tx: Tx, id: str) -> KeyRecord | None:
    """One key by its verification method id, retired or not."""
    row = tx.one("SELECT * FROM issuer_keys WHERE id = ?", (id,))
    return None if row is None else _key(tx, row)


def active_key(tx: Tx, issuer: str, kind: str) -> KeyRecord | None:
    """The newest key of that kind not retired: the one new credentials are signed with."""
    row = tx.one(
        "SELECT * FROM issuer_keys WHERE issuer = ? AND kind = ? AND retired IS NULL "
        "ORDER BY created DESC, id DESC",
        (issuer, kind),
    )
    return None if row is None else _key(tx, row)


def retire_keys(tx: Tx, issuer: str, when: str, kind: str | None = None) -> int:
    """Mark the issuer's active keys (of one kind, or all) retired; returns how many."""
    if kind is None:
        return tx.execute(
            "UPDATE issuer_keys SET retired = ? WHERE issuer = ? AND retired IS NULL",
            (when, issuer),
        )
    return tx.execute(
        "UPDATE issuer_keys SET retired = ? WHERE issuer = ? AND kind = ? AND retired IS NULL",
        (when, issuer, kind),
    )
