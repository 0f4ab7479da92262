"""servicekit.db keeps one connection per thread: a thread that has ended must not keep its
connection open. (A TestClient used outside ``with`` runs each request on fresh threads; the
wallet's cross-account walk on PostgreSQL ran out of server connections, "sorry, too many
clients already", once it asked a few more routes.)"""

from __future__ import annotations

import threading

from servicekit.db import Database

THREADS = 60


def _server_connections(db: Database) -> int:
    with db.transaction() as tx:
        row = tx.one(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
        )
    assert row is not None
    return int(row["n"])


def test_connections_of_ended_threads_are_closed(postgres_url: str) -> None:
    db = Database.connect(postgres_url)
    try:
        for _ in range(THREADS):
            thread = threading.Thread(target=_one, args=(db,))
            thread.start()
            thread.join()
        assert _server_connections(db) <= 2  # this thread's, and at most the last one's
    finally:
        db.close()


def _one(db: Database) -> None:
    with db.transaction() as tx:
        tx.one("SELECT 1 AS one")
