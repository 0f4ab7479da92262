"""The OAuth 2.0 tables of the wallet's Open Badges host (:mod:`wallet.host`).

* ``oauth_clients``  applications registered by RFC 7591 dynamic client registration: the
  client id, the SHA-256 of its secret (never the secret), its registered metadata.
* ``oauth_grants``   one learner's consent to one client for some scopes: a *connected
  application* on the account page, revocable (revoking ends every token of it).
* ``oauth_codes``    authorization codes, by SHA-256, single use, short-lived, with the PKCE
  challenge and the redirect URI they were issued for.
* ``oauth_tokens``   access and refresh tokens, by SHA-256: the secret is shown to the client
  once and never kept.
* ``host_profiles``  the learner's Open Badges profile, as a client put it.
* ``host_imports``   the wallet as a *client* of another host (an import): the state (by
  SHA-256), the client secret and PKCE verifier (sealed), the host's endpoints, the outcome.

Secrets (client secrets, codes, tokens) carry 256 random bits, so a plain SHA-256 is enough
at rest (:mod:`servicekit.api_tokens`): there is nothing to guess but those bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, load_json
from wallet.store.sealed import IMPORT_SECRETS


@dataclass(frozen=True)
class ClientRecord:
    id: str
    secret_hash: str | None  # None: a public client (token_endpoint_auth_method "none")
    auth_method: str
    metadata: dict[str, Any]  # the registered client metadata (RFC 7591 §2)
    created: str

    @property
    def name(self) -> str:
        return str(self.metadata.get("client_name") or self.id)


@dataclass(frozen=True)
class GrantRecord:
    id: str
    account_id: str
    client_id: str
    scope: str
    created: str
    revoked_at: str | None


@dataclass(frozen=True)
class CodeRecord:
    code_hash: str
    grant_id: str
    account_id: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    expires_at: str
    used_at: str | None


@dataclass(frozen=True)
class TokenRecord:
    token_hash: str
    kind: str  # "access" | "refresh"
    grant_id: str
    account_id: str
    client_id: str
    scope: str
    expires_at: str | None
    revoked_at: str | None


def add_client(
    tx: Tx, client_id: str, secret_hash: str | None, auth_method: str,
    metadata: dict[str, Any], created: str,
) -> ClientRecord:  # fmt: skip
    tx.execute(
        "INSERT INTO oauth_clients (id, secret_hash, auth_method, metadata_json, created) "
        "VALUES (?, ?, ?, ?, ?)",
        (client_id, secret_hash, auth_method, dump_json(metadata), created),
    )
    return ClientRecord(client_id, secret_hash, auth_method, metadata, created)


def get_client(tx: Tx, client_id: str) -> ClientRecord | None:
    row = tx.one("SELECT * FROM oauth_clients WHERE id = ?", (client_id,))
    if row is None:
        return None
    return ClientRecord(
        row["id"], row["secret_hash"], row["auth_method"], load_json(row["metadata_json"]),
        row["created"],
    )  # fmt: skip


def _grant(row: dict[str, Any]) -> GrantRecord:
    return GrantRecord(
        row["id"], row["account_id"], row["client_id"], row["scope"], row["created"],
        row["revoked_at"],
    )  # fmt: skip


def add_grant(
    tx: Tx, grant_id: str, account_id: str, client_id: str, scope: str, created: str
) -> GrantRecord:
    tx.execute(
        "INSERT INTO oauth_grants (id, account_id, client_id, scope, created) "
        "VALUES (?, ?, ?, ?, ?)",
        (grant_id, account_id, client_id, scope, created),
    )
    return GrantRecord(grant_id, account_id, client_id, scope, created, None)


def get_grant(tx: Tx, account_id: str, grant_id: str) -> GrantRecord | None:
    row = tx.one(
        "SELECT * FROM oauth_grants WHERE id = ? AND account_id = ?", (grant_id, account_id)
    )
    return None if row is None else _grant(row)


def list_grants(tx: Tx, account_id: str) -> list[GrantRecord]:
    """The learner's connected applications still in force, newest first."""
    rows = tx.all(
        "SELECT * FROM oauth_grants WHERE account_id = ? AND revoked_at IS NULL "
        "ORDER BY created DESC, id",
        (account_id,),
    )
    return [_grant(row) for row in rows]


def revoke_grant(tx: Tx, account_id: str, grant_id: str, at: str) -> bool:
    """End a grant and every token of it; False when the learner has no such grant."""
    changed = tx.execute(
        "UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND account_id = ? "
        "AND revoked_at IS NULL",
        (at, grant_id, account_id),
    )
    if changed:  # only the account's own grant's tokens
        revoke_tokens_of_grant(tx, grant_id, at)
    return changed > 0


def add_code(tx: Tx, code: CodeRecord) -> None:
    tx.execute(
        "INSERT INTO oauth_codes (code_hash, grant_id, account_id, client_id, redirect_uri, "
        "code_challenge, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code.code_hash, code.grant_id, code.account_id, code.client_id, code.redirect_uri,
            code.code_challenge, code.scope, code.expires_at,
        ),
    )  # fmt: skip


def use_code(tx: Tx, code_hash: str, at: str) -> tuple[CodeRecord | None, bool]:
    """The code and whether THIS call used it (compare-and-set: of two concurrent
    exchanges, exactly one gets True)."""
    row = tx.one("SELECT * FROM oauth_codes WHERE code_hash = ?", (code_hash,))
    if row is None:
        return None, False
    used = tx.execute(
        "UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
        (at, code_hash),
    )
    record = CodeRecord(
        row["code_hash"], row["grant_id"], row["account_id"], row["client_id"],
        row["redirect_uri"], row["code_challenge"], row["scope"], row["expires_at"],
        row["used_at"],
    )  # fmt: skip
    return record, used > 0


def add_token(tx: Tx, token: TokenRecord) -> None:
    tx.execute(
        "INSERT INTO oauth_tokens (token_hash, kind, grant_id, account_id, client_id, scope, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            token.token_hash, token.kind, token.grant_id, token.account_id, token.client_id,
            token.scope, token.expires_at,
        ),
    )  # fmt: skip


def get_token(tx: Tx, token_hash: str) -> TokenRecord | None:
    """A token whose grant is still in force (a revoked grant's tokens are found revoked)."""
    row = tx.one(
        "SELECT t.*, g.revoked_at AS grant_revoked FROM oauth_tokens t "
        "JOIN oauth_grants g ON g.id = t.grant_id WHERE t.token_hash = ?",
        (token_hash,),
    )
    if row is None:
        return None
    return TokenRecord(
        row["token_hash"], row["kind"], row["grant_id"], row["account_id"], row["client_id"],
        row["scope"], row["expires_at"], row["revoked_at"] or row["grant_revoked"],
    )  # fmt: skip


def revoke_token(tx: Tx, token_hash: str, at: str) -> bool:
    """Revoke one token; True when THIS call revoked it (compare-and-set)."""
    return (
        tx.execute(
            "UPDATE oauth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            (at, token_hash),
        )
        > 0
    )


def revoke_tokens_of_grant(tx: Tx, grant_id: str, at: str, kind: str | None = None) -> int:
    """Revoke every token (or every token of one kind) of a grant."""
    if kind is None:
        return tx.execute(
            "UPDATE oauth_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL",
            (at, grant_id),
        )
    return tx.execute(
        "UPDATE oauth_tokens SET revoked_at = ? WHERE grant_id = ? AND kind = ? "
        "AND revoked_at IS NULL",
        (at, grant_id, kind),
    )


def get_profile(tx: Tx, account_id: str) -> dict[str, Any] | None:
    row = tx.one("SELECT profile_json FROM host_profiles WHERE account_id = ?", (account_id,))
    return None if row is None else load_json(row["profile_json"])


def put_profile(tx: Tx, account_id: str, profile: dict[str, Any], at: str) -> None:
    if tx.execute(
        "UPDATE host_profiles SET profile_json = ?, updated = ? WHERE account_id = ?",
        (dump_json(profile), at, account_id),
    ):
        return
    tx.execute(
        "INSERT INTO host_profiles (account_id, profile_json, updated) VALUES (?, ?, ?)",
        (account_id, dump_json(profile), at),
    )


@dataclass(frozen=True)
class ImportRecord:
    id: str
    account_id: str
    host: str
    secrets: dict[str, str]  # client_id, client_secret, verifier, redirect_uri (opened)
    endpoints: dict[str, str]
    status: str  # "authorizing" | "importing" | "done" | "failed"
    result: dict[str, Any] | None
    created: str
    finished: str | None


def add_import(
    tx: Tx, import_id: str, account_id: str, host: str, state_hash: str,
    secrets: dict[str, str], endpoints: dict[str, str], created: str,
) -> None:  # fmt: skip
    sealed = IMPORT_SECRETS.seal(tx.keyring, import_id, dump_json(secrets))
    tx.execute(
        "INSERT INTO host_imports (id, account_id, host, state_hash, secrets_json, "
        "endpoints_json, status, created) VALUES (?, ?, ?, ?, ?, ?, 'authorizing', ?)",
        (import_id, account_id, host, state_hash, sealed, dump_json(endpoints), created),
    )


def _import(tx: Tx, row: dict[str, Any] | None) -> ImportRecord | None:
    if row is None:
        return None
    opened = IMPORT_SECRETS.open(tx.keyring, row["id"], row["secrets_json"])
    return ImportRecord(
        row["id"], row["account_id"], row["host"], load_json(opened),
        load_json(row["endpoints_json"]), row["status"], load_json(row["result_json"]),
        row["created"], row["finished"],
    )  # fmt: skip


def import_by_state(tx: Tx, account_id: str, state_hash: str) -> ImportRecord | None:
    return _import(tx, tx.one(
        "SELECT * FROM host_imports WHERE state_hash = ? AND account_id = ?",
        (state_hash, account_id),
    ))  # fmt: skip


def get_import(tx: Tx, account_id: str, import_id: str) -> ImportRecord | None:
    return _import(tx, tx.one(
        "SELECT * FROM host_imports WHERE id = ? AND account_id = ?", (import_id, account_id)
    ))  # fmt: skip


def claim_import(tx: Tx, import_id: str) -> bool:
    """Move an import from "authorizing" to "importing"; True for the one caller that did."""
    return (
        tx.execute(
            "UPDATE host_imports SET status = 'importing' WHERE id = ? AND status = 'authorizing'",
            (import_id,),
        )
        > 0
    )


def interrupt_import(tx: Tx, import_id: str, result: dict[str, Any], at: str) -> bool:
    """Mark failed an import left "importing" by a process that stopped; True if it was."""
    return (
        tx.execute(
            "UPDATE host_imports SET status = 'failed', result_json = ?, finished = ? "
            "WHERE id = ? AND status = 'importing'",
            (dump_json(result), at, import_id),
        )
        > 0
    )


def finish_import(tx: Tx, import_id: str, status: str, result: dict[str, Any], at: str) -> None:
    tx.execute(
        "UPDATE host_imports SET status = ?, result_json = ?, finished = ? WHERE id = ?",
        (status, dump_json(result), at, import_id),
    )
