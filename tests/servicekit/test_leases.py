"""Leases (servicekit.leases) on both engines: one holder at a time, taken again once run out,
set ahead to hold work back; and the database-wide ``exclusive`` lock of servicekit.db."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit import leases
from servicekit.db import Database

ROOT = str(Path(__file__).resolve().parents[2])


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url)
    with database.transaction() as tx:
        tx.script(leases.TABLE_SQL)
    yield database
    database.close()


def test_one_holder_at_a_time_until_the_lease_runs_out(db: Database) -> None:
    with db.transaction() as tx:
        assert leases.claim(tx, "job", "1", "a", until=110.0, now=100.0)
        assert not leases.claim(tx, "job", "1", "b", until=120.0, now=105.0)
        assert not leases.claim(tx, "job", "1", "a", until=120.0, now=105.0)  # no early retake
        assert leases.held(tx, "job", now=105.0) == {"1"}
        assert leases.claim(tx, "job", "2", "b", until=120.0, now=105.0)  # another row is free
        assert leases.claim(tx, "job", "1", "b", until=130.0, now=110.0)  # a's ran out
        assert not leases.extend(tx, "job", "1", "a", until=200.0)  # no longer a's
        assert leases.extend(tx, "job", "1", "b", until=200.0)
        leases.release(tx, "job", "1", "a")  # not a's: left alone
        assert leases.held(tx, "job", now=150.0) == {"1"}
        leases.release(tx, "job", "1", "b")
        assert leases.held(tx, "job", now=150.0) == set()


def test_many_threads_claiming_at_once_one_wins(db: Database) -> None:
    won: list[str] = []
    start = threading.Barrier(8)

    def claim(name: str) -> None:
        start.wait()
        with db.transaction() as tx:
            if leases.claim(tx, "job", "x", name, until=time.time() + 60, now=time.time()):
                won.append(name)

    threads = [threading.Thread(target=claim, args=(f"h{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_exclusive_lets_one_holder_in_at_a_time_and_is_reentrant(database_url: str) -> None:
    inside: list[int] = []
    overlaps: list[int] = []

    def hold() -> None:
        db = Database.connect(database_url)  # its own connections, as another process would
        with db.exclusive("startup"), db.exclusive("startup"):  # re-entrant
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            time.sleep(0.05)
            inside.pop()
        db.close()

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_a_dead_holder_of_this_host_is_not_waited_for(db: Database) -> None:
    """A lease of a process that no longer runs here (a crashed service, started again) is
    taken over at once; one of a live process, or of another host, is waited for."""
    made = subprocess.run(
        [sys.executable, "-c", "from servicekit.leases import holder_id; print(holder_id())"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": ROOT},
    )  # fmt: skip
    dead = made.stdout.strip()  # that process has exited
    elsewhere = "another-host:4026531836:1:abcd"
    now = time.time()
    with db.transaction() as tx:
        assert leases.claim(tx, "job", "dead", dead, until=now + 60, now=now)
        assert leases.held(tx, "job", now=now) == set()  # not worth waiting for
        assert leases.claim(tx, "job", "far", elsewhere, until=now + 60, now=now)
        live = leases.holder_id()
        assert leases.claim(tx, "job", "live", live, until=now + 60, now=now)
        me = leases.holder_id()
        assert leases.claim(tx, "job", "dead", me, until=now + 60, now=now)
        assert not leases.claim(tx, "job", "far", me, until=now + 60, now=now)
        assert not leases.claim(tx, "job", "live", me, until=now + 60, now=now)
        assert tx.one("SELECT holder FROM leases WHERE id = 'dead'") == {"holder": me}
