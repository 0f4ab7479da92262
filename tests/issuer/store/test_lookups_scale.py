"""Looking up a subject's endorsements does not read the whole credentials table (issue 15).

Every credential issued embeds the endorsements of its issuer and its achievement
(:func:`issuer.issuing.endorse.embed`: credentials whose ``recipient`` is the endorsed id).
Without an index on ``recipient`` each issue scanned every credential issued so far, so a
10,000-row batch slowed down row by row. The work is counted in SQLite's virtual-machine
steps (a progress handler), which does not depend on the machine's load.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from issuer import store
from issuer.migrations import migrate
from servicekit.db import Database, Tx
from tests.issuer.conftest import FROZEN

STEP = 100  # the progress handler is called every STEP virtual-machine instructions


def add_issuer(db: Database) -> None:
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO issuers (slug, did, profile_json, created) VALUES (?, ?, ?, ?)",
            ("college", "did:web:college", "{}", FROZEN.isoformat()),
        )


def add_credentials(db: Database, first: int, count: int) -> None:
    with db.transaction() as tx:
        for n in range(first, first + count):
            store.add_credential(
                tx,
                store.CredentialRecord(
                    id=f"urn:uuid:{n}",
                    token=f"token-{n}",
                    issuer="college",
                    achievement=None,
                    format="vc-jwt",
                    recipient=f"did:example:learner-{n}",
                    document="a.b.c",
                    issued=FROZEN.isoformat(),
                ),
            )


def lookup_steps(path: str) -> int:
    """Virtual-machine steps (in units of STEP) to find one subject's endorsements."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    try:
        connection.set_progress_handler(count, STEP)
        store.credentials_about(Tx(connection, "sqlite"), "did:web:endorsed")
    finally:
        connection.close()
    return steps


def test_finding_endorsements_costs_the_same_with_many_credentials(tmp_path: Path) -> None:
    path = str(tmp_path / "issuer.db")
    db = Database.connect(f"sqlite:///{path}")
    try:
        migrate(db)
        add_issuer(db)
        add_credentials(db, 0, 10)
        few = lookup_steps(path)
        add_credentials(db, 10, 5_000)
        many = lookup_steps(path)
    finally:
        db.close()
    assert many <= few + 2, f"{few * STEP} steps with 10 credentials, {many * STEP} with 5,010"
