"""Schema migrations: apply an ordered list of portable SQL scripts, recorded in
``schema_version``, each in its own transaction; idempotent, run at every start.

A migration is ``(version, description, sql)``; the SQL is the common subset of SQLite and
PostgreSQL. To change a schema, append a migration; never edit one that has shipped.

They run under the database's ``startup`` lock (:meth:`servicekit.db.Database.exclusive`):
processes started together on an empty database apply each migration once, one after
another, instead of racing on the same ``CREATE TABLE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from servicekit.db import Database

Migration = tuple[int, str, str]
STARTUP_LOCK = "startup"
"""The lock name of migrations and start-up seeding (one at a time per database)."""


def apply_migrations(db: Database, migrations: Sequence[Migration]) -> list[int]:
    """Apply every migration not yet recorded, in order; returns the versions applied."""
    with db.exclusive(STARTUP_LOCK):
        return _apply(db, migrations)


def _apply(db: Database, migrations: Sequence[Migration]) -> list[int]:
    with db.transaction() as tx:
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied TEXT NOT NULL)"
        )
    applied: list[int] = []
    for version, description, sql in migrations:
        with db.transaction() as tx:
            if tx.one("SELECT version FROM schema_version WHERE version = ?", (version,)):
                continue
            tx.script(sql)
            tx.execute(
                "INSERT INTO schema_version (version, description, applied) VALUES (?, ?, ?)",
                (version, description, datetime.now(UTC).isoformat()),
            )
            applied.append(version)
    return applied


def applied_version(db: Database) -> int:
    """The highest applied migration (0 for an empty database)."""
    with db.transaction() as tx:
        row = tx.one("SELECT MAX(version) AS v FROM schema_version")
    return int(row["v"]) if row and row["v"] is not None else 0
