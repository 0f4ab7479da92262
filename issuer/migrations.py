"""Schema migrations: an ordered list of portable SQL scripts and a ``schema_version`` table.

:func:`migrate` applies, each in its own transaction, every migration not yet recorded; it
runs at startup and is idempotent. The SQL is the common subset of SQLite and PostgreSQL:
TEXT for ids, JSON and ISO 8601 UTC timestamps, INTEGER for counters and 0/1 flags.
To change the schema, append a migration; never edit one that has shipped.

Tables (owner module in brackets; all SQL lives in :mod:`issuer.store`):

* ``issuers``        one row per issuing organization of this installation
* ``issuer_keys``    its key pairs; ``retired`` set once rotated out (still published)
* ``achievements``   the catalogue: OB 3.0 Achievement JSON per issuer, and which learner-data
                     fields a holder may withhold (``disclosable_json``, NULL: all)
* ``credentials``    every issued credential, JSON-LD or JWT, as sent; when revoked, why
* ``status_lists``   one Bitstring Status List per issuer + purpose (+ flavor, + seq when full),
                     with its current signed list credential
* ``status_entries`` which list index belongs to which credential, and whether the bit is set
                     (``status_value``: the value of a multi-bit, ``message`` entry)
* ``batches``, ``batch_rows``  CSV batch issuance; a row is issued at most once
* ``offers``         OpenID4VCI credential offers (pre-authorized code flow)
* ``leases``         which process runs a background job, until when (servicekit.leases)
* ``installation_secrets`` the service's own secrets, sealed (servicekit.installation_secrets)
* ``achievement_images``  an achievement's image (PNG/SVG bytes, uploaded or generated)
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
        "issuers, keys, catalogue, credentials, status lists",
        """
        CREATE TABLE issuers (
            slug TEXT PRIMARY KEY,
            did TEXT NOT NULL UNIQUE,
            profile_json TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE issuer_keys (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            kind TEXT NOT NULL,
            private_jwk TEXT NOT NULL,
            created TEXT NOT NULL,
            retired TEXT
        );
        CREATE INDEX issuer_keys_by_issuer ON issuer_keys (issuer, kind);
        CREATE TABLE achievements (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            slug TEXT NOT NULL,
            achievement_json TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (issuer, slug)
        );
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            achievement TEXT REFERENCES achievements (id),
            format TEXT NOT NULL,
            recipient TEXT NOT NULL,
            document TEXT NOT NULL,
            issued TEXT NOT NULL,
            revoked TEXT
        );
        CREATE INDEX credentials_by_issuer ON credentials (issuer, issued);
        CREATE TABLE status_lists (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            purpose TEXT NOT NULL,
            flavor TEXT NOT NULL,
            seq INTEGER NOT NULL,
            size INTEGER NOT NULL,
            stride INTEGER NOT NULL,
            next_index INTEGER NOT NULL,
            credential_json TEXT,
            updated TEXT NOT NULL,
            UNIQUE (issuer, purpose, flavor, seq)
        );
        CREATE TABLE status_entries (
            list_id TEXT NOT NULL REFERENCES status_lists (id),
            idx INTEGER NOT NULL,
            credential_id TEXT NOT NULL REFERENCES credentials (id),
            purpose TEXT NOT NULL,
            is_set INTEGER NOT NULL DEFAULT 0,
            changed TEXT,
            PRIMARY KEY (list_id, idx),
            UNIQUE (credential_id, purpose)
        )
        """,
    ),
    (
        2,
        "batches and OpenID4VCI offers",
        """
        CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            achievement TEXT NOT NULL REFERENCES achievements (id),
            format TEXT NOT NULL,
            total INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL,
            error TEXT,
            created TEXT NOT NULL
        );
        CREATE TABLE batch_rows (
            batch_id TEXT NOT NULL REFERENCES batches (id),
            row_number INTEGER NOT NULL,
            row_json TEXT NOT NULL,
            credential_id TEXT REFERENCES credentials (id),
            UNIQUE (batch_id, row_number)
        );
        CREATE TABLE offers (
            pre_authorized_code TEXT PRIMARY KEY,
            issuer TEXT NOT NULL REFERENCES issuers (slug),
            tx_code_hash TEXT,
            tx_code_attempts INTEGER NOT NULL DEFAULT 0,
            request_json TEXT NOT NULL,
            access_token_hash TEXT UNIQUE,
            c_nonce TEXT,
            created TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            redeemed_at TEXT,
            credential_id TEXT REFERENCES credentials (id)
        )
        """,
    ),
    (
        3,
        "a c_nonce is spent once, also under concurrent PostgreSQL transactions",
        """
        CREATE UNIQUE INDEX offers_c_nonce ON offers (c_nonce)
        """,
    ),
    (
        4,
        "which learner-data fields of an achievement a holder may withhold (NULL: all)",
        """
        ALTER TABLE achievements ADD COLUMN disclosable_json TEXT
        """,
    ),
    (
        5,
        "an issuer's identity: did:web (one DID, every key) or did:key (one DID per key)",
        """
        ALTER TABLE issuers ADD COLUMN identity TEXT NOT NULL DEFAULT 'did:web'
        """,
    ),
    (
        6,
        "the key that signs a status list (NULL: the issuer's active Ed25519 key)",
        """
        ALTER TABLE status_lists ADD COLUMN signer TEXT
        """,
    ),
    (
        7,
        "revocation reasons; multi-bit status lists (statusSize) and their entries' values",
        """
        ALTER TABLE credentials ADD COLUMN revoked_reason TEXT;
        ALTER TABLE credentials ADD COLUMN revoked_code TEXT;
        ALTER TABLE status_lists ADD COLUMN status_size INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE status_entries ADD COLUMN status_value INTEGER NOT NULL DEFAULT 0
        """,
    ),
    (
        8,
        "sending to a learner's Open Badges host: this issuer's registration per host, the sends",
        """
        CREATE TABLE backpack_clients (
            id TEXT PRIMARY KEY,
            registration_url TEXT NOT NULL UNIQUE,
            client_id TEXT NOT NULL,
            secret TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE backpack_sends (
            id TEXT PRIMARY KEY,
            issuer TEXT NOT NULL,
            host TEXT NOT NULL,
            host_name TEXT NOT NULL,
            offer_id TEXT,
            credential_id TEXT,
            state_hash TEXT NOT NULL UNIQUE,
            start_hash TEXT,
            browser_hash TEXT,
            client TEXT NOT NULL REFERENCES backpack_clients (id),
            secrets_json TEXT NOT NULL,
            endpoints_json TEXT NOT NULL,
            status TEXT NOT NULL,
            outcome_json TEXT,
            created TEXT NOT NULL,
            finished TEXT
        );
        CREATE INDEX backpack_sends_issuer ON backpack_sends (issuer, created)
        """,
    ),
    (
        9,
        "leases: which process runs a batch, and until when (servicekit.leases)",
        LEASES_SQL,
    ),
    (
        10,
        "a programme's courses, in order (CLR 2.0 associations; NULL: not a programme)",
        """
        ALTER TABLE achievements ADD COLUMN courses_json TEXT
        """,
    ),
    (
        11,
        "achievement images: an uploaded PNG/SVG or a generated default (issuer.artwork)",
        """
        CREATE TABLE achievement_images (
            achievement TEXT PRIMARY KEY REFERENCES achievements (id),
            media_type TEXT NOT NULL,
            data_b64 TEXT NOT NULL,
            digest TEXT NOT NULL,
            caption TEXT NOT NULL,
            source TEXT NOT NULL,
            created TEXT NOT NULL
        )
        """,
    ),
    (
        12,
        "a credential's copy for a CLR names the credential it copies (revoked with it)",
        """
        ALTER TABLE credentials ADD COLUMN copy_of TEXT;
        CREATE INDEX credentials_copy_of ON credentials (copy_of)
        """,
    ),
    (
        13,
        "rate_limits: hits and failures per key, for every process (servicekit.shared_ratelimit)",
        RATE_LIMITS_SQL,
    ),
    (
        14,
        "credentials by recipient: every credential issued looks up the endorsements of its "
        "issuer and achievement (their recipient); without it each issue read the whole table",
        """
        CREATE INDEX credentials_by_recipient ON credentials (recipient, issued)
        """,
    ),
    (
        15,
        "installation_secrets: the service's own secrets (session secret, ...), sealed, shared "
        "by every process (servicekit.installation_secrets)",
        INSTALLATION_SECRETS_SQL,
    ),
)


def migrate(db: Database) -> list[int]:
    """Apply the issuer's migrations not yet recorded; returns the versions applied."""
    return apply_migrations(db, MIGRATIONS)


def current_version(db: Database) -> int:
    """The highest applied migration (0 for an empty database)."""
    return applied_version(db)
