"""Rate limits counted in the database (servicekit.shared_ratelimit), on both engines: two
real processes on one database share one count; a window closes and opens again; the table
stays bounded; failures counted by one process stop a sign-in at another."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from servicekit.db import Database
from servicekit.ratelimit import TooManyFailures
from servicekit.shared_ratelimit import (
    PURGE_EVERY,
    TABLE_SQL,
    SharedFailureLimiter,
    SharedWindowLimiter,
)

ROOT = str(Path(__file__).resolve().parents[2])
HITTER = """
import sys
from servicekit.db import Database
from servicekit.shared_ratelimit import SharedWindowLimiter
db = Database.connect(sys.argv[1])
limiter = SharedWindowLimiter(db, "api", limit=20, window_seconds=60)
sys.stdin.readline()  # the test says go to both at once
print(sum(limiter.hit("203.0.113.7") is None for _ in range(15)), flush=True)
"""


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url)
    with database.transaction() as tx:
        tx.script(TABLE_SQL)
    yield database
    database.close()


def test_two_processes_on_one_database_share_one_count(db: Database) -> None:
    """Each process hits one key 15 times against a limit of 20: 20 pass in all (counted
    in each process's memory, 30 would)."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", HITTER, db.url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = []
    try:
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            out, _ = child.communicate(timeout=60)
            outputs.append(int(out.strip()))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert sum(outputs) == 20, outputs
    with db.transaction() as tx:
        assert tx.all("SELECT key, count FROM rate_limits") == [{"key": "203.0.113.7", "count": 30}]


def test_a_window_closes_and_another_opens(db: Database) -> None:
    now = [1000.0]
    first = SharedWindowLimiter(db, "answers", limit=2, window_seconds=60, clock=lambda: now[0])
    second = SharedWindowLimiter(db, "answers", limit=2, window_seconds=60, clock=lambda: now[0])
    other = SharedWindowLimiter(db, "other", limit=1, window_seconds=60, clock=lambda: now[0])
    assert first.hit("a") is None
    now[0] = 1010.0
    assert second.hit("a") is None
    assert first.hit("a") == 50.0  # until the window that opened at 1000 closes
    assert first.hit("b") is None  # another key
    assert other.hit("a") is None  # another scope
    now[0] = 1060.0
    assert second.hit("a") is None  # a new window
    assert first.hit("a") is None
    assert second.hit("a") == 60.0


def test_the_table_stays_bounded(db: Database) -> None:
    now = [0.0]
    limiter = SharedWindowLimiter(db, "flood", limit=5, window_seconds=60,
                                  clock=lambda: now[0], max_rows=50)  # fmt: skip
    for n in range(PURGE_EVERY * 2):
        now[0] = n / 1000
        limiter.hit(f"198.51.100.{n}")

    def rows() -> int:
        with db.transaction() as tx:
            found = tx.one("SELECT COUNT(*) AS n FROM rate_limits")
        assert found is not None
        return int(found["n"])

    assert rows() <= 50  # purged at the last hit: the windows closing first went
    now[0] = 1000.0  # every window has closed
    for n in range(PURGE_EVERY):
        limiter.hit(f"192.0.2.{n % 3}")
    assert rows() == 3


def test_failures_counted_by_one_process_stop_another(db: Database) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    here, there = SharedFailureLimiter(db, max_failures=3), SharedFailureLimiter(db, max_failures=3)
    keys = ("addr:203.0.113.7", "account:alice@example.org")
    for _ in range(3):
        here.check(keys, at)
        here.failed(keys, at)
    with pytest.raises(TooManyFailures) as refused:
        there.check(("account:alice@example.org",), at + timedelta(seconds=60))
    assert refused.value.retry_after == 240  # the 5-minute window opened at the first
    there.check(("account:bob@example.org",), at)  # another account: free
    there.check(keys, at + timedelta(minutes=5))  # the window has closed
