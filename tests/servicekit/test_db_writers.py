"""Writers on SQLite take turns with a background writer, and wait a bounded time (issue 15).

A batch issuance commits group after group and begins the next at once; SQLite's busy wait
(sleeps, retried) almost never lands in the gap, so a single write used to wait for the
whole batch. A background writer (``transaction(background=True)``) now lets every writer
already waiting go first, in its own process or another. Measured here in transactions, not
seconds: the writer must get in within two of the background writer's transactions after it
began to wait. A writer that still cannot get the lock within ``write_wait`` raises
WriteBusy with nothing written, and the same write succeeds once the lock is free. A writer
killed while it waits leaves no lock behind (the kernel drops a dead process's ``flock``).
"""

from __future__ import annotations

import fcntl
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit.db import Database, WriteBusy
from tests.processes import ROOT, wait_until

ROUNDS = 40  # background transactions of HOLD seconds each: 2 s if nobody cut in
HOLD = 0.05
TURNS = 2  # background transactions a waiting writer may see go before it


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.connect(f"sqlite:///{tmp_path / 'turns.db'}", write_wait=20)
    with database.transaction() as tx:
        tx.execute("CREATE TABLE log (seq INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT)")
    yield database
    database.close()


def background_rounds(db: Database, rounds: int = ROUNDS) -> None:
    """A batch's shape: transaction after transaction, each holding the lock HOLD seconds."""
    for _ in range(rounds):
        with db.transaction(background=True) as tx:
            tx.execute("INSERT INTO log (who) VALUES ('batch')")
            time.sleep(HOLD)


BACKGROUND_SCRIPT = f"""
import sys, time
from servicekit.db import Database
db = Database.connect(sys.argv[1])
for _ in range({ROUNDS}):
    with db.transaction(background=True) as tx:
        tx.execute("INSERT INTO log (who) VALUES ('batch')")
        time.sleep({HOLD})
"""


def batch_rows(db: Database) -> int:
    with db.reading() as tx:
        row = tx.one("SELECT COUNT(*) AS n FROM log WHERE who = 'batch'")
    return 0 if row is None else int(row["n"])


def write_once(db: Database) -> tuple[int, int]:
    """One ordinary write while the background writer runs: (the background transactions
    committed when it began to wait, those committed before it got in)."""
    wait_until(lambda: batch_rows(db) >= 3, "the background writer to be under way", 30)
    before = batch_rows(db)
    with db.transaction() as tx:
        tx.execute("INSERT INTO log (who) VALUES ('single')")
        ahead = tx.one("SELECT COUNT(*) AS n FROM log WHERE who = 'batch'")
    assert ahead is not None
    return before, int(ahead["n"])


def test_a_writer_gets_in_between_a_background_writers_transactions(db: Database) -> None:
    runner = threading.Thread(target=background_rounds, args=(db,))  # as the batch thread
    runner.start()
    try:
        before, ahead = write_once(db)
    finally:
        runner.join()
    assert ahead - before <= TURNS, f"waited for {ahead - before} of {ROUNDS} transactions"


def test_a_writer_gets_in_between_another_processs_background_transactions(
    db: Database, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    other = subprocess.Popen(
        [sys.executable, "-c", BACKGROUND_SCRIPT, url], cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        before, ahead = write_once(db)
    finally:
        _, errors = other.communicate(timeout=60)
    assert other.returncode == 0, errors.decode()[-2000:]
    assert ahead - before <= TURNS, f"waited for {ahead - before} of {ROUNDS} transactions"


def test_a_writer_past_its_budget_gets_write_busy_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    db = Database.connect(f"sqlite:///{path}", write_wait=0.3)
    with db.transaction() as tx:
        tx.execute("CREATE TABLE log (who TEXT)")
    holder = sqlite3.connect(path, isolation_level=None)  # another program holding the lock
    try:
        holder.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        with pytest.raises(WriteBusy), db.transaction() as tx:
            tx.execute("INSERT INTO log (who) VALUES ('single')")
        waited = time.monotonic() - began
        holder.execute("ROLLBACK")
        with db.transaction() as tx:  # the lock is free again: the same write goes through
            tx.execute("INSERT INTO log (who) VALUES ('single')")
        with db.reading() as tx:
            assert tx.all("SELECT who FROM log") == [{"who": "single"}]
    finally:
        holder.close()
        db.close()
    assert 0.3 <= waited < 10, f"gave up after {waited:.2f} s"


WAITING_SCRIPT = """
import sys
from servicekit.db import Database
db = Database.connect(sys.argv[1], write_wait=60)
with db.transaction() as tx:  # waits (holding the waiting-writers flock) until it is killed
    tx.execute("INSERT INTO log (who) VALUES ('killed')")
"""


def waiting_writers(lock: Path) -> bool:
    """Someone holds the waiting-writers lock (an exclusive try fails)."""
    if not lock.exists():
        return False
    with lock.open("a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


def test_a_waiting_writer_killed_leaves_no_lock_behind(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "turns.db"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock is taken: the child will wait
        child = subprocess.Popen(
            [sys.executable, "-c", WAITING_SCRIPT, f"sqlite:///{path}"], cwd=ROOT
        )
        try:
            lock = Path(f"{path}.waiting-writers.lock")
            wait_until(lambda: waiting_writers(lock), "the child to wait for the write lock", 30)
        finally:
            child.kill()  # SIGKILL while it waits: nothing of it runs any more
            child.wait()
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    began = time.monotonic()
    background_rounds(db, rounds=1)  # would wait for ever if the dead writer's lock stayed
    assert time.monotonic() - began < 10
    with db.reading() as tx:
        assert [row["who"] for row in tx.all("SELECT who FROM log")] == ["batch"]
