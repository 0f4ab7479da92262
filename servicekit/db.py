"""One small database layer over SQLite (the default) and PostgreSQL (by URL).

``Database.connect(url)`` takes ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``
or ``postgresql://...`` (psycopg 3). Every statement runs inside a transaction::

    with db.transaction() as tx:
        tx.execute("INSERT INTO t (a, b) VALUES (?, ?)", (1, "x"))   # -> rows changed
        row = tx.one("SELECT * FROM t WHERE a = ?", (1,))            # -> dict or None
        rows = tx.all("SELECT * FROM t")                             # -> list of dicts
        tx.execute_many("INSERT INTO t (a, b) VALUES (?, ?)", [(2, "y"), (3, "z")])

SQL is written once, with ``?`` placeholders, and translated to ``%s`` for psycopg.
The transaction commits when the block ends and rolls back on any exception, so a bad
request leaves nothing half-written. A unique or foreign-key violation raises
:class:`ConflictError` (the same class for both engines). Text holding a NUL character
(U+0000), which PostgreSQL cannot store, raises :class:`NulTextError` before the statement
runs, on both engines alike (the app answers 422, never a 500). ``tx.keyring`` is the key ring the
database was opened with (:mod:`servicekit.sealing`): the store seals and opens secret
columns with it.

SQLite: WAL journal, foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE`` so two
writers queue instead of deadlocking on a lock upgrade.

Writers on SQLite take turns with a long-running background writer (a batch issuance,
group after group). SQLite has one write lock and its busy wait is not a queue: a writer
retries after sleeps of up to 100 ms, and a batch that commits and begins again at once
almost always wins, so a single write used to wait until the batch ended (seconds; past
the busy timeout, an error). Now a writer holds a shared ``flock`` of
``<file>.waiting-writers.lock`` while it waits for the write lock, and
``transaction(background=True)`` first takes that file exclusively (and lets go at once):
the background writer begins only when no writer is waiting, in any process of the host.
A writer so waits at most about one of the background writer's transactions (keep them
short: a batch commits every 0.1 s). It tries again every few milliseconds, not after
SQLite's sleeps of up to 100 ms: the background writer waits that long for it. The kernel
drops the ``flock`` of a process that dies, so a crash leaves no lock behind. A foreground
writer waits at most ``write_wait`` seconds (``Database.connect(url, write_wait=...)``,
default :data:`WRITE_WAIT_SECONDS`) and then raises :class:`WriteBusy` with nothing written
(the services answer 503 with ``Retry-After``); a background one waits up to
:data:`BUSY_TIMEOUT_MS`. On PostgreSQL writers lock rows, not the database: ``background``
and ``write_wait`` change nothing there, and a writer waits only for the rows it needs (a
batch group holds its status list's row until it commits).

``with db.reading() as tx:`` is a transaction that only reads. On SQLite it begins DEFERRED,
so it takes no write lock and, in WAL mode, never waits for a writer: it sees the last
commit. A plain ``transaction()`` takes the write lock even to read, and SQLite's busy
wait (sleeps of up to 100 ms, retried) is not a queue: a writer that commits and begins
again at once (a running batch, group after group) keeps such a reader out until it stops.
Read what a user watches change (a batch's progress) with ``reading()``. On PostgreSQL the
two are the same (readers never wait there).

``with db.exclusive("startup"):`` holds a lock over many transactions, one holder at a time
across every process using the database: a PostgreSQL session advisory lock (keyed by the
name, scoped to the database), or on SQLite an exclusive ``flock`` of ``<file>.<name>.lock``
beside the database file (the processes of one host, the only ones that can share a SQLite
file). Re-entrant within a thread. Migrations and start-up seeding run under it, so any
number of processes can start together on an empty database. Each thread gets its own
connection (SQLite connections must not be shared across threads; psycopg ones need not
be, but one per thread keeps the two engines alike).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from servicekit.sealing import KeyRing, SealingError

Dialect = Literal["sqlite", "postgresql"]
Params = Sequence[Any]
BUSY_TIMEOUT_MS = 30_000
"""How long a background writer (``transaction(background=True)``) waits for SQLite's lock."""
WRITE_WAIT_SECONDS = 10.0
"""How long any other writer waits for SQLite's write lock before :class:`WriteBusy`."""
RETRY_AFTER_SECONDS = 1
"""What a :class:`WriteBusy` answer tells the client to wait before it tries again."""


class DatabaseError(Exception):
    """A database URL that cannot be used."""


class ConflictError(Exception):
    """A unique, primary-key or foreign-key constraint refused a write."""


class WriteBusy(Exception):
    """SQLite's write lock was not free within the writer's ``write_wait``: nothing was
    written; the same request may be sent again (after :data:`RETRY_AFTER_SECONDS`)."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF  # the primary code of an extended one
    return code in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class NulTextError(Exception):
    """A text parameter holds a NUL character (U+0000), which PostgreSQL cannot store."""


def _check_text(params: Params) -> None:
    if any(isinstance(value, str) and "\x00" in value for value in params):
        raise NulTextError("text with a NUL character (U+0000) cannot be stored")


class Tx:
    """One open transaction; rows come back as dicts."""

    def __init__(self, connection: Any, dialect: Dialect, keyring: KeyRing | None = None) -> None:
        self._connection = connection
        self.dialect: Dialect = dialect
        self._keyring = keyring

    @property
    def keyring(self) -> KeyRing:
        """The key ring of secret columns; SealingError when the database has none."""
        if self._keyring is None:
            raise SealingError("this database was opened without a key ring: no secret is stored")
        return self._keyring

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def _run(self, sql: str, params: Params) -> Any:
        _check_text(params)
        try:
            return self._connection.execute(self._sql(sql), tuple(params))
        except sqlite3.IntegrityError as exc:
            raise ConflictError(str(exc)) from exc
        except Exception as exc:
            if _is_pg_integrity_error(exc):
                raise ConflictError(str(exc).splitlines()[0]) from exc
            raise

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cursor = self._run(sql, params)
        return int(cursor.rowcount)

    def execute_many(self, sql: str, rows: Sequence[Params]) -> int:
        """Run one statement for each of ``rows`` (PostgreSQL: pipelined, not one round trip
        each); returns the rows changed in all."""
        for params in rows:
            _check_text(params)
        if not rows:
            return 0
        try:
            cursor = self._connection.cursor()
            cursor.executemany(self._sql(sql), [tuple(params) for params in rows])
        except sqlite3.IntegrityError as exc:
            raise ConflictError(str(exc)) from exc
        except Exception as exc:
            if _is_pg_integrity_error(exc):
                raise ConflictError(str(exc).splitlines()[0]) from exc
            raise
        return int(cursor.rowcount)

    def one(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        """The first row, or None."""
        row = self._run(sql, params).fetchone()
        return None if row is None else dict(row)

    def all(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Every row."""
        return [dict(row) for row in self._run(sql, params).fetchall()]

    def script(self, sql: str) -> None:
        """Several statements separated by ``;`` (migrations); no parameters."""
        for statement in (part.strip() for part in sql.split(";")):
            if statement:
                self._run(statement, ())


def _is_pg_integrity_error(exc: Exception) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.errors.IntegrityError)


class Database:
    """A database URL and one connection per thread, opened on first use."""

    def __init__(
        self,
        url: str,
        dialect: Dialect,
        target: str,
        keyring: KeyRing | None = None,
        write_wait: float = WRITE_WAIT_SECONDS,
    ) -> None:
        self.url = url
        self.keyring = keyring
        self.write_wait = write_wait
        self.dialect: Dialect = dialect
        self._target = target
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, Any]] = []  # (the thread, its connection)
        self._lock = threading.Lock()

    @classmethod
    def connect(
        cls, url: str, keyring: KeyRing | None = None, *, write_wait: float = WRITE_WAIT_SECONDS
    ) -> Database:
        """Parse the URL (nothing is opened until the first transaction); ``keyring`` seals
        and opens the secret columns; ``write_wait``: the seconds a writer waits for SQLite's
        write lock before :class:`WriteBusy`."""
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if not path or path == ":memory:":
                raise DatabaseError("SQLite needs a file (one connection per thread)")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            return cls(url, "sqlite", path, keyring, write_wait)
        if url.startswith(("postgresql://", "postgres://")):
            return cls(url, "postgresql", url, keyring, write_wait)
        scheme = url.split(":", 1)[0]
        raise DatabaseError(f"unsupported database URL {scheme}: (sqlite, postgresql)")

    def _open(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        if self.dialect == "sqlite":
            connection = sqlite3.connect(
                self._target, isolation_level=None, check_same_thread=False
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        else:
            import psycopg
            from psycopg.rows import dict_row

            connection = psycopg.connect(self._target, autocommit=True, row_factory=dict_row)
        self._local.connection = connection
        with self._lock:
            ended = [c for thread, c in self._all if not thread.is_alive()]
            self._all = [(t, c) for t, c in self._all if t.is_alive()]
            self._all.append((threading.current_thread(), connection))
        for stale in ended:  # a thread that has ended leaves its connection behind
            stale.close()
        return connection

    @contextmanager
    def transaction(self, *, background: bool = False) -> Iterator[Tx]:
        """A transaction: commit at the end of the block, roll back on an exception.
        ``background``: a writer that runs transaction after transaction (a batch); on SQLite
        it lets every writer already waiting go first (see the module docstring)."""
        connection = self._open()
        if self.dialect == "sqlite":
            self._begin_sqlite(connection, background)
            try:
                yield Tx(connection, "sqlite", self.keyring)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        else:
            with connection.transaction():
                yield Tx(connection, "postgresql", self.keyring)

    def _begin_sqlite(self, connection: Any, background: bool) -> None:
        """``BEGIN IMMEDIATE``, taking turns with the other writers (the module docstring)."""
        import fcntl

        with open(f"{self._target}.waiting-writers.lock", "a+b") as waiting:  # closing unlocks
            if background:  # the writers waiting now go first: wait until none is left
                fcntl.flock(waiting.fileno(), fcntl.LOCK_EX)
                fcntl.flock(waiting.fileno(), fcntl.LOCK_UN)
                connection.execute("BEGIN IMMEDIATE")  # SQLite's busy wait, BUSY_TIMEOUT_MS
                return
            fcntl.flock(waiting.fileno(), fcntl.LOCK_SH)  # "a writer is waiting"
            self._begin_within(connection, self.write_wait)

    def _begin_within(self, connection: Any, seconds: float) -> None:
        """``BEGIN IMMEDIATE``, tried again after short sleeps (1 ms, doubling up to 10 ms)
        for ``seconds``, then :class:`WriteBusy`. SQLite's own busy wait sleeps up to 100 ms
        between tries, and the background writer that let this one go first waits that
        long for it."""
        deadline = time.monotonic() + seconds
        pause = 0.001
        connection.execute("PRAGMA busy_timeout = 0")  # each try fails at once when busy
        try:
            while True:
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise WriteBusy(
                            f"the database stayed busy with other writes for {seconds:g} s"
                        ) from exc
                time.sleep(pause)
                pause = min(0.01, pause * 2)
        finally:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A transaction for reads only (see the module docstring): on SQLite it never waits
        for a writer; a write in it may fail with "database is locked"."""
        if self.dialect != "sqlite":
            with self.transaction() as tx:
                yield tx
            return
        connection = self._open()
        connection.execute("BEGIN DEFERRED")
        try:
            yield Tx(connection, "sqlite", self.keyring)
        finally:  # nothing was written: ending it either way only lets the snapshot go
            connection.execute("ROLLBACK")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the database-wide lock ``name`` (waiting for it) until the block ends."""
        held: dict[str, int] = self._local.__dict__.setdefault("exclusive", {})
        if held.get(name):
            held[name] += 1
            try:
                yield
            finally:
                held[name] -= 1
            return
        with self._lock_for(name):
            held[name] = 1
            try:
                yield
            finally:
                held[name] = 0

    @contextmanager
    def _lock_for(self, name: str) -> Iterator[None]:
        if self.dialect == "sqlite":
            import fcntl

            with open(f"{self._target}.{name}.lock", "a+b") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file closes
                yield
            return
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        connection = self._open()  # autocommit: the lock belongs to this session
        connection.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def scrub(self, tables: Sequence[str]) -> None:
        """Rewrite the tables so that values overwritten in them leave the files too (old
        row versions, freed pages, the write-ahead log): SQLite ``VACUUM`` and a truncating
        checkpoint, PostgreSQL ``VACUUM FULL`` of each table. Outside any transaction."""
        connection = self._open()
        if self.dialect == "sqlite":
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in tables:
                connection.execute(f"VACUUM FULL {table}")

    def close(self) -> None:
        """Close every connection this database opened (in any thread)."""
        with self._lock:
            connections, self._all = self._all, []
        for _, connection in connections:
            connection.close()
        self._local = threading.local()
