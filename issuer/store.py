"""All of the issuer's SQL. Every function takes an open transaction (:class:`issuer.db.Tx`).

API note for the other issuer modules (batch, oid4vci, pages)::

    from issuer import store
    with db.transaction() as tx:          # db: issuer.db.Database (app.state.db)
        issuer = store.get_issuer(tx, "community-college")        # IssuerRecord | None
        achievement = store.get_achievement(tx, "community-college", "food-handler")  # slug or id
        rows = store.list_credentials(tx, "community-college", limit=50)

Records are frozen dataclasses; JSON columns are decoded for you. Writes raise
:class:`issuer.db.ConflictError` on a duplicate key, which rolls the whole transaction back.

* issuers / keys:     add_issuer, get_issuer, get_issuer_by_did, list_issuers,
                      add_key, keys_of, active_key, retire_keys
* catalogue:          add_achievement, get_achievement, list_achievements
* credentials:        add_credential, mark_revoked, get_credential, get_credential_by_token,
                      list_credentials, count_credentials
* status lists:       latest_status_list, add_status_list, allocate_index, add_status_entry,
                      status_entries_of, set_status_bit, set_indexes, save_list_credential,
                      get_status_list
* batches:            add_batch, get_batch, list_batches, add_batch_row, pending_batch_rows,
                      mark_batch_row_issued, update_batch
* offers (OID4VCI):   add_offer, get_offer, get_offer_by_access_token, update_offer
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# --- issuers and keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerRecord:
    slug: str
    did: str
    profile: dict[str, Any]  # OB 3.0 Profile (id = did)
    created: str


def _issuer(row: dict[str, Any] | None) -> IssuerRecord | None:
    if row is None:
        return None
    return IssuerRecord(row["slug"], row["did"], json.loads(row["profile_json"]), row["created"])


def add_issuer(tx: Tx, slug: str, did: str, profile: dict[str, Any], created: str) -> None:
    tx.execute(
        "INSERT INTO issuers (slug, did, profile_json, created) VALUES (?, ?, ?, ?)",
        (slug, did, _dump(profile), created),
    )


def get_issuer(tx: Tx, slug: str) -> IssuerRecord | None:
    return _issuer(tx.one("SELECT * FROM issuers WHERE slug = ?", (slug,)))


def get_issuer_by_did(tx: Tx, did: str) -> IssuerRecord | None:
    return _issuer(tx.one("SELECT * FROM issuers WHERE did = ?", (did,)))


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


def _key(row: dict[str, Any]) -> KeyRecord:
    return KeyRecord(
        row["id"],
        row["issuer"],
        row["kind"],
        json.loads(row["private_jwk"]),
        row["created"],
        row["retired"],
    )


def add_key(
    tx: Tx, id: str, issuer: str, kind: str, private_jwk: dict[str, Any], created: str
) -> None:
    tx.execute(
        "INSERT INTO issuer_keys (id, issuer, kind, private_jwk, created) VALUES (?, ?, ?, ?, ?)",
        (id, issuer, kind, _dump(private_jwk), created),
    )


def keys_of(tx: Tx, issuer: str) -> list[KeyRecord]:
    """Every key of the issuer, oldest first, retired ones included."""
    rows = tx.all("SELECT * FROM issuer_keys WHERE issuer = ? ORDER BY created, id", (issuer,))
    return [_key(row) for row in rows]


def active_key(tx: Tx, issuer: str, kind: str) -> KeyRecord | None:
    """The newest key of that kind not retired: the one new credentials are signed with."""
    row = tx.one(
        "SELECT * FROM issuer_keys WHERE issuer = ? AND kind = ? AND retired IS NULL "
        "ORDER BY created DESC, id DESC",
        (issuer, kind),
    )
    return None if row is None else _key(row)


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


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementRecord:
    id: str  # the Achievement's id (a URL under the issuer)
    issuer: str
    slug: str
    achievement: dict[str, Any]  # OB 3.0 Achievement
    created: str
    disclosable: tuple[str, ...] | None = None  # learner-data fields; None: all (learner_data)


def _achievement(row: dict[str, Any] | None) -> AchievementRecord | None:
    if row is None:
        return None
    policy = row.get("disclosable_json")
    return AchievementRecord(
        row["id"],
        row["issuer"],
        row["slug"],
        json.loads(row["achievement_json"]),
        row["created"],
        None if policy is None else tuple(json.loads(policy)),
    )


def add_achievement(
    tx: Tx,
    id: str,
    issuer: str,
    slug: str,
    achievement: dict[str, Any],
    created: str,
    disclosable: tuple[str, ...] | None = None,
) -> None:
    tx.execute(
        "INSERT INTO achievements (id, issuer, slug, achievement_json, created, disclosable_json) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            id,
            issuer,
            slug,
            _dump(achievement),
            created,
            None if disclosable is None else _dump(list(disclosable)),
        ),
    )


def get_achievement(tx: Tx, issuer: str, slug_or_id: str) -> AchievementRecord | None:
    """An achievement of this issuer by its slug or its full id."""
    return _achievement(
        tx.one(
            "SELECT * FROM achievements WHERE issuer = ? AND (slug = ? OR id = ?)",
            (issuer, slug_or_id, slug_or_id),
        )
    )


def list_achievements(tx: Tx, issuer: str) -> list[AchievementRecord]:
    rows = tx.all("SELECT * FROM achievements WHERE issuer = ? ORDER BY created, slug", (issuer,))
    return [record for record in map(_achievement, rows) if record is not None]


# --- credentials -----------------------------------------------------------------------------


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
    )


def add_credential(tx: Tx, record: CredentialRecord) -> None:
    document = record.document if isinstance(record.document, str) else _dump(record.document)
    tx.execute(
        "INSERT INTO credentials (id, token, issuer, achievement, format, recipient, document, "
        "issued) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.token,
            record.issuer,
            record.achievement,
            record.format,
            record.recipient,
            document,
            record.issued,
        ),
    )


def mark_revoked(tx: Tx, id: str, when: str) -> bool:
    """Record the revocation (once); False if it was revoked already."""
    return (
        tx.execute(
            "UPDATE credentials SET revoked = ? WHERE id = ? AND revoked IS NULL", (when, id)
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


# --- status lists ----------------------------------------------------------------------------


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
    )


def latest_status_list(tx: Tx, issuer: str, purpose: str, flavor: str) -> StatusListRecord | None:
    """The newest list of this issuer, purpose and flavor (full or not), in one statement
    so that concurrent writers agree on which list is the newest."""
    return _status_list(
        tx.one(
            "SELECT * FROM status_lists WHERE issuer = ? AND purpose = ? AND flavor = ? "
            "ORDER BY seq DESC LIMIT 1",
            (issuer, purpose, flavor),
        )
    )


def add_status_list(tx: Tx, record: StatusListRecord) -> bool:
    """Insert the list unless a concurrent writer made the same (issuer, purpose, flavor,
    seq) first; returns True when this call inserted it."""
    changed = tx.execute(
        "INSERT INTO status_lists (id, issuer, purpose, flavor, seq, size, stride, next_index, "
        "credential_json, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            record.id,
            record.issuer,
            record.purpose,
            record.flavor,
            record.seq,
            record.size,
            record.stride,
            record.next_index,
            None if record.credential is None else _dump(record.credential),
            record.updated,
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


def add_status_entry(tx: Tx, list_id: str, idx: int, credential_id: str, purpose: str) -> None:
    tx.execute(
        "INSERT INTO status_entries (list_id, idx, credential_id, purpose) VALUES (?, ?, ?, ?)",
        (list_id, idx, credential_id, purpose),
    )


@dataclass(frozen=True)
class StatusEntryRecord:
    list_id: str
    idx: int
    credential_id: str
    purpose: str
    is_set: bool
    changed: str | None


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


def set_indexes(tx: Tx, list_id: str) -> list[int]:
    """Every index whose bit is set in the list."""
    rows = tx.all("SELECT idx FROM status_entries WHERE list_id = ? AND is_set = 1", (list_id,))
    return [int(row["idx"]) for row in rows]


def save_list_credential(tx: Tx, list_id: str, credential: dict[str, Any], when: str) -> None:
    tx.execute(
        "UPDATE status_lists SET credential_json = ?, updated = ? WHERE id = ?",
        (_dump(credential), when, list_id),
    )


# --- batches ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRecord:
    id: str
    issuer: str
    achievement: str  # achievement id
    format: str
    total: int
    done: int
    state: str  # e.g. pending, running, done, failed
    error: str | None
    created: str


def _batch(row: dict[str, Any] | None) -> BatchRecord | None:
    if row is None:
        return None
    return BatchRecord(
        row["id"],
        row["issuer"],
        row["achievement"],
        row["format"],
        int(row["total"]),
        int(row["done"]),
        row["state"],
        row["error"],
        row["created"],
    )


def add_batch(tx: Tx, record: BatchRecord) -> None:
    tx.execute(
        "INSERT INTO batches (id, issuer, achievement, format, total, done, state, error, "
        "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.issuer,
            record.achievement,
            record.format,
            record.total,
            record.done,
            record.state,
            record.error,
            record.created,
        ),
    )


def get_batch(tx: Tx, id: str) -> BatchRecord | None:
    return _batch(tx.one("SELECT * FROM batches WHERE id = ?", (id,)))


def list_batches(tx: Tx, issuer: str) -> list[BatchRecord]:
    rows = tx.all("SELECT * FROM batches WHERE issuer = ? ORDER BY created DESC", (issuer,))
    return [record for record in map(_batch, rows) if record is not None]


def update_batch(
    tx: Tx, id: str, *, state: str, done: int | None = None, error: str | None = None
) -> None:
    if done is None:
        tx.execute("UPDATE batches SET state = ?, error = ? WHERE id = ?", (state, error, id))
    else:
        tx.execute(
            "UPDATE batches SET state = ?, done = ?, error = ? WHERE id = ?",
            (state, done, error, id),
        )


def add_batch_row(tx: Tx, batch_id: str, row_number: int, row: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO batch_rows (batch_id, row_number, row_json) VALUES (?, ?, ?)",
        (batch_id, row_number, _dump(row)),
    )


def pending_batch_rows(tx: Tx, batch_id: str, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    """Rows not issued yet, in order: (row_number, row)."""
    rows = tx.all(
        "SELECT row_number, row_json FROM batch_rows WHERE batch_id = ? AND "
        "credential_id IS NULL ORDER BY row_number LIMIT ?",
        (batch_id, limit),
    )
    return [(int(r["row_number"]), json.loads(r["row_json"])) for r in rows]


def mark_batch_row_issued(tx: Tx, batch_id: str, row_number: int, credential_id: str) -> bool:
    """Record the row's credential; False if the row was already issued (never twice)."""
    changed = tx.execute(
        "UPDATE batch_rows SET credential_id = ? WHERE batch_id = ? AND row_number = ? "
        "AND credential_id IS NULL",
        (credential_id, batch_id, row_number),
    )
    if changed == 1:
        tx.execute("UPDATE batches SET done = done + 1 WHERE id = ?", (batch_id,))
    return changed == 1


# --- offers (OpenID4VCI pre-authorized code flow) ----------------------------------------------


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
            _dump(record.request),
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
