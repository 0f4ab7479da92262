"""``keep`` on SQLite and on a real PostgreSQL: a secret is made once and sealed; many callers
at the same moment on an empty table (no start-up lock held) all get the one value stored,
and exactly one of them made it; a legacy value is imported instead of a new one, once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from servicekit.db import Database
from servicekit.installation_secrets import SECRETS, TABLE_SQL, Kept, keep
from servicekit.sealing import Kek, KeyRing

CALLERS = 8


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url, keyring=KeyRing(Kek.generate()))
    with database.transaction() as tx:
        tx.script(TABLE_SQL)
    yield database
    database.close()


def stored(db: Database) -> list[dict[str, str]]:
    with db.reading() as tx:
        return tx.all("SELECT name, value FROM installation_secrets")


def test_a_secret_is_made_once_and_kept_sealed(db: Database) -> None:
    first = keep(db, "session-secret", lambda: "made-first")
    again = keep(db, "session-secret", lambda: "made-again")
    assert first == Kept("made-first", made=True)
    assert again == Kept("made-first", made=False)
    (row,) = stored(db)
    assert row["value"].startswith("sealed:v1:") and "made-first" not in row["value"]
    assert db.keyring is not None
    assert SECRETS.open(db.keyring, row["name"], row["value"]) == "made-first"


def test_callers_at_the_same_moment_get_one_value(db: Database) -> None:
    start = threading.Barrier(CALLERS)
    results: list[Kept] = []
    errors: list[BaseException] = []

    def call(number: int) -> None:
        try:
            start.wait()
            results.append(keep(db, "installation-key", lambda: f"made-by-{number}"))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(results) == CALLERS
    assert len({kept.value for kept in results}) == 1  # one secret for everybody
    assert sum(kept.made for kept in results) == 1  # made by exactly one caller
    assert len(stored(db)) == 1


def test_a_legacy_value_is_imported_once_and_not_shown_as_made(db: Database) -> None:
    imported = keep(db, "api-token-sha256", lambda: "new", lambda ring: "from-the-old-folder")
    assert imported == Kept("from-the-old-folder", made=False)
    later = keep(db, "api-token-sha256", lambda: "new", lambda ring: "the-folder-changed")
    assert later.value == "from-the-old-folder"  # the database wins once stored
