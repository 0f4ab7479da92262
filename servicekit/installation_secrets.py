"""A service's own secrets, kept in its database so that every process of a role shares them.

The few secrets a service makes for itself (the issuer's installation key, each service's
session-signing secret, the issuer's c_nonce key and the hash of its API token) live in
the table ``installation_secrets`` (``name`` primary key, ``value`` sealed under the
service's key-encryption key: :data:`SECRETS`), not in the data folder. Replicas on
different hosts, with different data folders, then sign and accept the same session
cookies and publish the same installation key: only the KEK is needed on each host.

::

    kept = keep(db, "session-secret", make=lambda: secrets.token_hex(32))
    kept.value   # the same for every process using the database
    kept.made    # True in the one process that made it (to show a new token once)

:func:`keep` is safe when any number of processes call it together on an empty database:
the first insert wins (``INSERT … ON CONFLICT (name) DO NOTHING``, then every caller reads
the stored row), so exactly one value is ever stored. ``legacy`` (given the key ring)
imports the secret a data folder of an older version holds
(:func:`servicekit.kek.read_sealed_file`): when the database has no value yet, the folder's
value is stored instead of a new one, so an existing installation keeps its key, its
sessions and its token. Once stored, the database
wins; the old file is no longer read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from servicekit.db import Database
from servicekit.sealing import KeyRing, SealedColumn

TABLE_SQL = """
CREATE TABLE installation_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created TEXT NOT NULL
)
"""
"""The table, for each service's migrations."""

SECRETS = SealedColumn("installation_secrets", "value", "name")
"""The sealed column: each service lists it in its ``store/sealed.py``."""


@dataclass(frozen=True)
class Kept:
    """A stored secret, and whether this call made it (not found, not imported)."""

    value: str
    made: bool


def _nothing(ring: KeyRing) -> str | None:
    return None


def keep(
    db: Database,
    name: str,
    make: Callable[[], str],
    legacy: Callable[[KeyRing], str | None] = _nothing,
) -> Kept:
    """The secret ``name``: the stored one, else the one ``legacy`` imports, else a new one
    from ``make``; stored sealed, once, whoever calls first (see the module docstring)."""
    with db.transaction() as tx:
        row = tx.one("SELECT value FROM installation_secrets WHERE name = ?", (name,))
        if row is not None:
            return Kept(SECRETS.open(tx.keyring, name, str(row["value"])), made=False)
        imported = legacy(tx.keyring)
        plaintext = make() if imported is None else imported
        inserted = tx.execute(
            "INSERT INTO installation_secrets (name, value, created) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (name, SECRETS.seal(tx.keyring, name, plaintext), datetime.now(UTC).isoformat()),
        )
        row = tx.one("SELECT value FROM installation_secrets WHERE name = ?", (name,))
        if row is None:  # cannot happen: the row was inserted, by this call or another
            raise LookupError(f"installation secret {name!r} was not stored")
        stored = SECRETS.open(tx.keyring, name, str(row["value"]))
    return Kept(stored, made=inserted == 1 and imported is None)
