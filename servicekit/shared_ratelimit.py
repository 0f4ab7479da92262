"""Rate limits shared by every process of a service: counted in its database.

:mod:`servicekit.ratelimit` counts in one process's memory, so ``ler serve <role> --workers N``
(or N replicas) would allow N times each limit. These limiters count in the service's
database (table ``rate_limits``, :data:`TABLE_SQL`, made by each service's migrations), so
every process of a role sees the same counts, on SQLite and PostgreSQL alike:

::

    per_address = SharedWindowLimiter(db, "oauth-register", limit=20, window_seconds=60)
    wait = per_address.hit("203.0.113.7")   # None: go ahead; else seconds until a retry

    failures = SharedFailureLimiter(db)     # sign-in forms and token checks
    failures.check(keys, now)               # TooManyFailures when a key is over the limit
    failures.failed(keys, now)              # one failure under each key

**The window.** A row ``(scope, key)`` counts the hits of a window that opened at the first
hit and closes ``window`` seconds later (``until``); the first hit after that opens a new one.
Each hit is one statement, an upsert that either counts one more in the running window or
opens a new one, and returns the count (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``):
PostgreSQL locks the row, SQLite writes one transaction at a time, so two processes hitting
at once both count. A hit past the limit is refused until ``until`` (the answer says how
long). A fixed window lets a client that times its hits at a window's end and the next
window's start have up to twice the limit in a short span; that still bounds the work.

**Bounded.** Every :data:`PURGE_EVERY` hits a process deletes the rows whose window has
closed, and past :data:`MAX_ROWS` rows (a flood of distinct addresses inside one window) the
rows whose windows close first, so the table cannot grow without bound (a dropped key just
starts a new window).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from servicekit.db import Database, Tx
from servicekit.ratelimit import MAX_FAILURES, WINDOW, TooManyFailures

TABLE_SQL = """
CREATE TABLE rate_limits (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    until DOUBLE PRECISION NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
)
"""
"""The ``rate_limits`` table, for a service's migrations."""

MAX_ROWS = 100_000
PURGE_EVERY = 256
MAX_KEY = 300  # characters of a key kept (an address, an email, a request id)

_COUNT = (
    "INSERT INTO rate_limits (scope, key, until, count) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (scope, key) DO UPDATE SET "
    "count = CASE WHEN rate_limits.until <= ? THEN 1 ELSE rate_limits.count + 1 END, "
    "until = CASE WHEN rate_limits.until <= ? THEN excluded.until ELSE rate_limits.until END "
    "RETURNING count, until"
)


class _Counter:
    """One statement per hit, and the table kept small."""

    def __init__(self, db: Database, scope: str, window: float, max_rows: int) -> None:
        if window <= 0:
            raise ValueError("a rate limit needs a positive window")
        self.db, self.scope, self.window, self.max_rows = db, scope, window, max_rows
        self._hits = itertools.count(1)
        self._lock = threading.Lock()

    def count(self, tx: Tx, key: str, now: float) -> tuple[int, float]:
        """One more hit under ``key``: the window's count (this one included) and its end."""
        row = tx.one(_COUNT, (self.scope, key[:MAX_KEY], now + self.window, now, now))
        assert row is not None  # an upsert with RETURNING returns its row
        with self._lock:
            due = next(self._hits) % PURGE_EVERY == 0
        if due:
            self.purge(tx, now)
        return int(row["count"]), float(row["until"])

    def purge(self, tx: Tx, now: float) -> None:
        """Drop closed windows; past ``max_rows``, the windows that close first."""
        tx.execute("DELETE FROM rate_limits WHERE until <= ?", (now,))
        row = tx.one(
            "SELECT until FROM rate_limits ORDER BY until DESC LIMIT 1 OFFSET ?",
            (self.max_rows,),
        )
        if row is not None:
            tx.execute("DELETE FROM rate_limits WHERE until <= ?", (row["until"],))


class SharedWindowLimiter:
    """At most ``limit`` hits per key in a window of ``window_seconds``, across processes."""

    def __init__(
        self,
        db: Database,
        scope: str,
        limit: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
        max_rows: int = MAX_ROWS,
    ) -> None:
        if limit < 1:
            raise ValueError("a rate limit needs limit >= 1")
        self.limit = limit
        self._counter = _Counter(db, scope, float(window_seconds), max_rows)
        self._clock = clock

    def hit(self, key: str) -> float | None:
        """Count a hit for ``key``: None when it is within the limit, else the seconds until
        the window closes (the interface of :class:`servicekit.ratelimit.SlidingWindowLimiter`)."""
        now = self._clock()
        with self._counter.db.transaction() as tx:
            count, until = self._counter.count(tx, key, now)
        return None if count <= self.limit else max(until - now, 0.0)


class SharedFailureLimiter:
    """:class:`servicekit.ratelimit.FailureLimiter`, counted in the database: at most
    ``max_failures`` failures per key in a window; past them, refused until it closes."""

    def __init__(
        self,
        db: Database,
        scope: str = "failures",
        max_failures: int = MAX_FAILURES,
        window: timedelta = WINDOW,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.max_failures = max_failures
        self._counter = _Counter(db, scope, window.total_seconds(), max_rows)

    def retry_after(self, keys: Iterable[str], now: datetime) -> int | None:
        """Seconds until a key over the limit may try again; None when none is over."""
        at = now.timestamp()
        wanted = [key[:MAX_KEY] for key in keys]
        if not wanted:
            return None
        marks = ", ".join("?" for _ in wanted)
        # A read: on SQLite a write transaction would queue every signed-in request behind
        # whatever writes (a running batch's back-to-back groups), see Database.reading.
        with self._counter.db.reading() as tx:
            rows = tx.all(
                f"SELECT count, until FROM rate_limits WHERE scope = ? AND key IN ({marks}) "
                "AND until > ?",
                (self._counter.scope, *wanted, at),
            )
        waits = [row["until"] - at for row in rows if row["count"] >= self.max_failures]
        return max(1, math.ceil(max(waits))) if waits else None

    def check(self, keys: Iterable[str], now: datetime) -> None:
        """Raise :class:`~servicekit.ratelimit.TooManyFailures` when any key is over."""
        wait = self.retry_after(keys, now)
        if wait is not None:
            raise TooManyFailures(wait)

    def failed(self, keys: Iterable[str], now: datetime) -> None:
        at = now.timestamp()
        with self._counter.db.transaction() as tx:
            for key in keys:
                self._counter.count(tx, key, at)
