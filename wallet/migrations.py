"""Schema migrations of the wallet: an ordered list of portable SQL scripts.

:func:`migrate` applies, each in its own transaction, every migration not yet recorded; it
runs at startup and is idempotent. The SQL is the common subset of SQLite and PostgreSQL:
TEXT for ids, JSON and ISO 8601 UTC timestamps, INTEGER for counters. To change the
schema, append a migration; never edit one that has shipped.

Every table but ``accounts`` has an ``account_id``: every query of :mod:`wallet.store` is
scoped by it, and deleting an account deletes every row that names it.

* ``accounts``        a learner: email, argon2id hash, holder key (private JWK) and did:key
* ``credentials``     what the learner holds (JSON-LD text or a JWT), where it came from,
                      the last verification report; one row per content hash per account
* ``presentations``   presentations the learner made (signed JSON or a JWT), for whom
* ``share_links``     links to a presentation: id = SHA-256 of the link's secret token
* ``share_log``       what was shared with whom and when
* ``offers``          OpenID4VCI offers being redeemed (state, error; from migration 2 the
                      access token, progress and Credential Request recorded before each
                      step that spends something at the issuer)
* ``requests``        verifiers' presentation requests being answered (nonce kept once)
* ``recheck_jobs``    "verify all again" runs: the credential ids to check, how far it got,
                      counts by verdict; at most one unfinished per account
* ``leases``          which process runs a background job, until when (servicekit.leases)
* ``installation_secrets`` the service's own secrets, sealed (servicekit.installation_secrets)
"""

from __future__ import annotations

from servicekit.db import Database
from servicekit.installation_secrets import TABLE_SQL as INSTALLATION_SECRETS_SQL
from servicekit.leases import TABLE_SQL as LEASES_SQL
from servicekit.migrations import applied_version, apply_migrations
from servicekit.shared_ratelimit import TABLE_SQL as RATE_LIMITS_SQL

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "accounts, credentials, presentations, share links and log, offers, requests",
        """
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            did TEXT NOT NULL,
            holder_jwk TEXT NOT NULL,
            session_epoch INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            content_hash TEXT NOT NULL,
            document TEXT NOT NULL,
            format TEXT NOT NULL,
            source TEXT NOT NULL,
            received_at TEXT NOT NULL,
            report_json TEXT,
            verdict TEXT,
            checked_at TEXT,
            UNIQUE (account_id, content_hash)
        );
        CREATE INDEX credentials_by_account ON credentials (account_id, received_at);
        CREATE TABLE presentations (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            document TEXT NOT NULL,
            audience TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX presentations_by_account ON presentations (account_id, created);
        CREATE TABLE share_links (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            presentation_id TEXT NOT NULL REFERENCES presentations (id),
            expires_at TEXT NOT NULL,
            withdrawn_at TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX share_links_by_account ON share_links (account_id, created);
        CREATE TABLE share_log (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            credential_ids_json TEXT NOT NULL,
            detail_json TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX share_log_by_account ON share_log (account_id, at);
        CREATE TABLE offers (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            offer_json TEXT NOT NULL,
            state TEXT NOT NULL,
            error TEXT,
            credential_id TEXT REFERENCES credentials (id),
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX offers_by_account ON offers (account_id, created);
        CREATE TABLE requests (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            kind TEXT NOT NULL,
            request_json TEXT NOT NULL,
            nonce TEXT,
            state TEXT NOT NULL,
            created TEXT NOT NULL,
            answered_at TEXT,
            UNIQUE (account_id, kind, nonce)
        );
        CREATE INDEX requests_by_account ON requests (account_id, created)
        """,
    ),
    (
        2,
        "recheck_jobs: verifying all of a learner's credentials again, in the background",
        """
        CREATE TABLE recheck_jobs (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            state TEXT NOT NULL,
            credential_ids_json TEXT NOT NULL,
            total INTEGER NOT NULL,
            checked INTEGER NOT NULL DEFAULT 0,
            counts_json TEXT NOT NULL,
            error TEXT,
            created TEXT NOT NULL,
            started TEXT,
            finished TEXT
        );
        CREATE INDEX recheck_jobs_by_account ON recheck_jobs (account_id, created);
        CREATE UNIQUE INDEX recheck_jobs_one_unfinished ON recheck_jobs (account_id)
            WHERE finished IS NULL
        """,
    ),
    (
        3,
        "offers: crash-safe receiving (access token, progress, credential request)",
        """
        ALTER TABLE offers ADD COLUMN access_token TEXT;
        ALTER TABLE offers ADD COLUMN progress_json TEXT;
        ALTER TABLE offers ADD COLUMN request_json TEXT;
        CREATE INDEX offers_by_state ON offers (state, updated)
        """,
    ),
    (
        4,
        "the Open Badges host: OAuth clients, grants, codes, tokens, the learner's OB profile; "
        "imports from other hosts",
        """
        CREATE TABLE oauth_clients (
            id TEXT PRIMARY KEY,
            secret_hash TEXT,
            auth_method TEXT NOT NULL,
            metadata_json TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE oauth_grants (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            client_id TEXT NOT NULL REFERENCES oauth_clients (id),
            scope TEXT NOT NULL,
            created TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX oauth_grants_by_account ON oauth_grants (account_id, created);
        CREATE TABLE oauth_codes (
            code_hash TEXT PRIMARY KEY,
            grant_id TEXT NOT NULL REFERENCES oauth_grants (id),
            account_id TEXT NOT NULL REFERENCES accounts (id),
            client_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            code_challenge TEXT NOT NULL,
            scope TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE TABLE oauth_tokens (
            token_hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            grant_id TEXT NOT NULL REFERENCES oauth_grants (id),
            account_id TEXT NOT NULL REFERENCES accounts (id),
            client_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX oauth_tokens_by_grant ON oauth_tokens (grant_id);
        CREATE TABLE host_profiles (
            account_id TEXT PRIMARY KEY REFERENCES accounts (id),
            profile_json TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE host_imports (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            host TEXT NOT NULL,
            state_hash TEXT NOT NULL UNIQUE,
            secrets_json TEXT NOT NULL,
            endpoints_json TEXT NOT NULL,
            status TEXT NOT NULL,
            result_json TEXT,
            created TEXT NOT NULL,
            finished TEXT
        )
        """,
    ),
    (
        5,
        "leases: which process runs a re-check job or round, until when (servicekit.leases)",
        LEASES_SQL,
    ),
    (
        6,
        "rate_limits: hits and failures per key, for every process (servicekit.shared_ratelimit)",
        RATE_LIMITS_SQL,
    ),
    (
        7,
        "installation_secrets: the service's own secrets (session secret, ...), sealed, shared "
        "by every process (servicekit.installation_secrets)",
        INSTALLATION_SECRETS_SQL,
    ),
)


def migrate(db: Database) -> list[int]:
    """Apply the wallet's migrations not yet recorded; returns the versions applied."""
    return apply_migrations(db, MIGRATIONS)


def current_version(db: Database) -> int:
    """The highest applied migration (0 for an empty database)."""
    return applied_version(db)
