"""Schema migrations of the verifier: portable SQL (SQLite and PostgreSQL), applied in order
at startup by :func:`migrate` (idempotent). Append a migration to change the schema; never
edit one that has shipped. TEXT for ids, JSON and ISO 8601 UTC timestamps.

Tables (all SQL lives in :mod:`verifier.store`):

* ``jobs``          an employer's job: title and requirements (JSON)
* ``requests``      one presentation request per row (OpenID4VP or a VC-API VPR) for a job:
                    its nonce (single-use, UNIQUE), client_id (the audience), expiry,
                    ``used_at`` once answered and the first answer's ``result_json``
* ``responses``     every answer accepted (bound to its request and the first), with its report
                    (migration 1 kept the refused ones here too; from migration 2 on they go to
                    ``refused_answers``)
* ``job_webhooks``  per-job applicant-tracking webhook (URL and HMAC secret)
* ``webhook_deliveries``  every delivery attempt of a result to a webhook
* ``refused_answers``  the latest answers refused per request (time, reason; at most
                    ``verifier.store.refused.KEEP`` a request, ``number`` counting up);
                    ``requests.refused_count`` counts every one
* ``organisations`` an employer; every job (and so its requests, answers, webhook and
                    deliveries) belongs to one (``jobs.organisation_id``)
* ``staff``         people of an organisation who sign in (argon2id hash, session epoch)
* ``api_tokens``    an organisation's API tokens: SHA-256 of the secret, scopes, revoked_at
* ``leases``        which process is delivering a result, until when (servicekit.leases)
* ``installation_secrets`` the service's own secrets, sealed (servicekit.installation_secrets)

``requests.applicant_ref`` and ``responses.applicant_ref`` (migration 5): the applicant
reference the ATS gave when it made the request, copied to the answer.

``trusted_achievements`` and ``trust_changes`` (migration 6): the issuers an organisation's
staff trust for named achievements from the registry page, on top of the installation's
registry file, and every add or remove (who, when, what).
"""

from __future__ import annotations

from servicekit.db import Database
from servicekit.installation_secrets import TABLE_SQL as INSTALLATION_SECRETS_SQL
from servicekit.leases import TABLE_SQL as LEASES_SQL
from servicekit.migrations import apply_migrations
from servicekit.shared_ratelimit import TABLE_SQL as RATE_LIMITS_SQL

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "jobs, presentation requests, responses, webhooks",
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            requirements_json TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE requests (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL REFERENCES jobs (id),
            kind TEXT NOT NULL,
            nonce TEXT NOT NULL UNIQUE,
            client_id TEXT NOT NULL,
            created TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            result_json TEXT
        );
        CREATE INDEX requests_by_job ON requests (job_id, created);
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            request_id TEXT REFERENCES requests (id),
            job_id TEXT REFERENCES jobs (id),
            received TEXT NOT NULL,
            verdict TEXT NOT NULL,
            report_json TEXT NOT NULL
        );
        CREATE INDEX responses_by_job ON responses (job_id, received);
        CREATE TABLE job_webhooks (
            job_id TEXT PRIMARY KEY REFERENCES jobs (id),
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE webhook_deliveries (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL REFERENCES jobs (id),
            response_id TEXT REFERENCES responses (id),
            url TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            at TEXT NOT NULL,
            status INTEGER,
            detail TEXT NOT NULL
        );
        CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, at)
        """,
    ),
    (
        2,
        "refused answers: a bounded log per request and a counter, not results",
        """
        ALTER TABLE requests ADD COLUMN refused_count INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE refused_answers (
            request_id TEXT NOT NULL REFERENCES requests (id),
            number INTEGER NOT NULL,
            job_id TEXT NOT NULL REFERENCES jobs (id),
            received TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (request_id, number)
        );
        CREATE INDEX refused_answers_by_job ON refused_answers (job_id, received)
        """,
    ),
    (
        3,
        "organisations, their staff and API tokens; jobs belong to an organisation",
        """
        CREATE TABLE organisations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        );
        CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL REFERENCES organisations (id),
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            session_epoch INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL REFERENCES organisations (id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            scopes TEXT NOT NULL,
            created TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX api_tokens_by_organisation ON api_tokens (organisation_id, created);
        ALTER TABLE jobs ADD COLUMN organisation_id TEXT REFERENCES organisations (id);
        INSERT INTO organisations (id, name, created)
            SELECT 'first', 'Maple Grove Care Home', MIN(created) FROM jobs
            HAVING COUNT(*) > 0;
        UPDATE jobs SET organisation_id = 'first' WHERE organisation_id IS NULL;
        CREATE INDEX jobs_by_organisation ON jobs (organisation_id, created)
        """,
    ),
    (
        4,
        "leases: which process delivers a result, and until when (servicekit.leases)",
        LEASES_SQL,
    ),
    (
        5,
        "the applicant reference an ATS gives a request, kept with the request and its answer",
        """
        ALTER TABLE requests ADD COLUMN applicant_ref TEXT;
        ALTER TABLE responses ADD COLUMN applicant_ref TEXT
        """,
    ),
    (
        6,
        "an organisation's own trust in issuers, per achievement, and the log of its changes",
        """
        CREATE TABLE trusted_achievements (
            organisation_id TEXT NOT NULL REFERENCES organisations (id),
            issuer_did TEXT NOT NULL,
            issuer_name TEXT NOT NULL,
            achievement_id TEXT NOT NULL,
            achievement_name TEXT NOT NULL,
            added_by TEXT NOT NULL,
            added TEXT NOT NULL,
            PRIMARY KEY (organisation_id, issuer_did, achievement_id)
        );
        CREATE TABLE trust_changes (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL REFERENCES organisations (id),
            at TEXT NOT NULL,
            staff_email TEXT NOT NULL,
            change TEXT NOT NULL,
            issuer_did TEXT NOT NULL,
            issuer_name TEXT NOT NULL,
            achievement_id TEXT NOT NULL,
            achievement_name TEXT NOT NULL
        );
        CREATE INDEX trust_changes_by_organisation ON trust_changes (organisation_id, at)
        """,
    ),
    (
        7,
        "rate_limits: hits and failures per key, for every process (servicekit.shared_ratelimit)",
        RATE_LIMITS_SQL,
    ),
    (
        8,
        "installation_secrets: the service's own secrets (session secret, ...), sealed, shared "
        "by every process (servicekit.installation_secrets)",
        INSTALLATION_SECRETS_SQL,
    ),
)


def migrate(db: Database) -> list[int]:
    """Apply every migration not yet applied; returns the versions applied now."""
    return apply_migrations(db, MIGRATIONS)
