"""``Tx.execute_many`` (a batch group's writes) on SQLite and on a real PostgreSQL: the rows
changed in all, a conflict as ConflictError with nothing of the transaction kept, NUL text
refused before anything runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from servicekit.db import ConflictError, Database, NulTextError


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url)
    with database.transaction() as tx:
        tx.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, marked TEXT)")
    yield database
    database.close()


def names(db: Database) -> list[str]:
    with db.reading() as tx:
        return [row["name"] for row in tx.all("SELECT name FROM things ORDER BY id")]


def test_execute_many_runs_each_row_and_counts_the_rows_changed(db: Database) -> None:
    with db.transaction() as tx:
        rows = [(1, "one"), (2, "two"), (3, "three")]
        assert tx.execute_many("INSERT INTO things (id, name) VALUES (?, ?)", rows) == 3
        marks = [("x", 1), ("x", 3), ("x", 4)]  # there is no row 4
        changed = tx.execute_many(
            "UPDATE things SET marked = ? WHERE id = ? AND marked IS NULL", marks
        )
        assert changed == 2
        assert tx.execute_many("UPDATE things SET marked = ? WHERE id = ?", []) == 0
    assert names(db) == ["one", "two", "three"]


def test_a_conflict_in_execute_many_keeps_nothing(db: Database) -> None:
    with pytest.raises(ConflictError), db.transaction() as tx:
        tx.execute_many("INSERT INTO things (id, name) VALUES (?, ?)", [(1, "a"), (1, "b")])
    assert names(db) == []


def test_nul_text_in_execute_many_is_refused(db: Database) -> None:
    with pytest.raises(NulTextError), db.transaction() as tx:
        tx.execute_many("INSERT INTO things (id, name) VALUES (?, ?)", [(1, "a"), (2, "b\x00")])
    assert names(db) == []
