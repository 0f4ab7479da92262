"""CPU-bound work on the machine's other cores: a small pool of worker processes,
:class:`ProcessPool`.

Python runs one thread at a time, so a batch that signs credentials one after another uses one
core however many the machine has. A pool of ``size`` worker processes does the CPU-bound
part; the caller keeps the rest (its transaction, its ordering) and gets the results back in
the order it gave the work.

How it is built, and why:

* **Started as fresh interpreters** (``python -c``, a fork and exec: safe from a threaded
  web server, where a plain ``fork`` copies locks other threads hold), never by
  ``multiprocessing``'s ``fork``; and not by its ``spawn`` or ``forkserver`` either, which
  run the parent's ``__main__`` again in every worker (a script without an
  ``if __name__ == "__main__"`` guard then starts its own work in each). A worker gets the
  parent's ``sys.path`` and imports the ``preload`` modules before its first task.
* **Started once and kept** (per process, at first use, by whoever owns the pool): a
  worker's start and first call pay its warm-up (imports, contexts parsed, schemas
  compiled); later calls don't.
* **One pipe per worker.** Each worker holds only its own end (and no other descriptor of
  the parent); the parent holds the other. When the parent dies, even by ``kill -9``, the
  kernel closes its ends: a waiting worker reads end-of-file and exits, a busy one fails to
  send its answer and exits. Nothing is left behind, and no worker outlives a crash to hold
  a key in memory.
* **What is sent**: per call a ``context`` (what all items share), sent to each worker once
  per call and turned there into a ready value by ``prepare``; then the items, a chunk at a
  time, each run through ``task``. Both are module-level functions (pickled by name).
* **Errors are per item.** An exception in ``task`` becomes that item's :class:`Outcome`
  (``ok`` false, ``error`` naming it); the other items go on. A worker that dies, or does not
  answer within ``timeout`` seconds, raises :class:`PoolBroken` in the caller (the worker is
  killed and a new one started at the next call): the caller is never left waiting.

Chunks are sent as the caller's iterable yields them, each to a free worker, so the caller
prepares the next chunk while the workers compute the previous ones. :meth:`ProcessPool.run`
takes a lock: one call at a time per pool.

**Work ahead.** :meth:`ProcessPool.submit` sends a job's chunks at once and returns: a busy
worker queues them (it reads the next request when it has answered the one before, in the
order sent), so the workers compute while the caller does something else (a batch commits
one group while the next is signed); :meth:`~ProcessPool.results` waits for the job's
answers, :meth:`~ProcessPool.discard` drops them. A queued request waits in the worker's
socket buffer; one larger than :data:`QUEUED_BYTES` waits for the worker to be idle instead
(else parent and worker could block each other, each sending). Submit one job ahead, not
many.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar, cast

C = TypeVar("C")  # the context a call's items share
P = TypeVar("P")  # the context, prepared in the worker
T = TypeVar("T")  # one item
R = TypeVar("R")  # one item's result

DEFAULT_TIMEOUT = 120.0
"""Seconds a worker may take over one chunk before it counts as hung."""
START_TIMEOUT = 120.0
"""Seconds a new worker may take to start (a fresh interpreter importing ``preload``)."""
READY = "ready"
QUEUED_BYTES = 64 * 1024
"""The largest message :meth:`ProcessPool.submit` queues behind a busy worker's work: well
within a socket's buffer (about 200 KiB on Linux), so queuing it never blocks."""


class PoolBroken(Exception):
    """A worker died or did not answer in time: the call's results are incomplete."""


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One item's result: ``value`` when ``ok``, else ``error`` (the exception, as text)."""

    ok: bool
    value: R | None = None
    error: str = ""


@dataclass(frozen=True)
class Job:
    """Work given to :meth:`ProcessPool.submit`: the numbers of its chunks' messages."""

    numbers: tuple[int, ...]


def _serve(conn: Connection) -> None:
    """A worker's loop: answer each request until the parent's end of the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    prepared: dict[int, Any] = {}
    while True:
        try:
            number, token, prepare, context, task, items = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        try:
            if token not in prepared:
                prepared.clear()  # only the current call's context is kept
                prepared[token] = prepare(context)
            ready = prepared[token]
            outcomes = [_outcome(task, ready, item) for item in items]
        except Exception as exc:  # prepare failed: every item fails with it
            outcomes = [Outcome(False, None, _describe(exc)) for _ in items]
        try:
            conn.send((number, outcomes))
        except (OSError, ValueError):
            return


def _outcome(task: Callable[[Any, Any], Any], ready: Any, item: Any) -> Outcome[Any]:
    try:
        return Outcome(True, task(ready, item))
    except Exception as exc:
        return Outcome(False, None, _describe(exc))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


_START = (
    "import importlib, json, sys; sys.path[:] = json.loads(sys.argv[2]); "
    "[importlib.import_module(m) for m in json.loads(sys.argv[3])]; "
    "from servicekit.process_pool import serve_fd; serve_fd(int(sys.argv[1]))"
)


def serve_fd(fd: int) -> None:
    """A worker's entry point (``_START``): serve the socket inherited as ``fd``."""
    conn = Connection(fd)
    conn.send(READY)  # imported: the parent's timeouts count from here
    _serve(conn)


class _Worker:
    def __init__(self, preload: list[str]) -> None:
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", _START, str(theirs.fileno())]
        command += [json.dumps(sys.path), json.dumps(preload)]
        try:
            self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()])
        finally:
            theirs.close()  # the worker's end lives in the worker only
        self.conn = Connection(ours.detach())
        self.token: int | None = None  # the context this worker has
        self.waiting: collections.deque[int] = collections.deque()  # sent, not answered yet
        self.ready = False  # it said READY: its modules are imported
        self.since = time.monotonic()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=2)


class ProcessPool:
    """``size`` worker processes (see the module docstring); :meth:`close` stops them."""

    def __init__(
        self, size: int, *, preload: Iterable[str] = (), timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size, self.timeout = size, timeout
        self._preload = list(preload)
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._closed = False
        self._answers: dict[int, list[Outcome[Any]]] = {}  # submitted work's, not collected yet
        self._forgotten: set[int] = set()  # discarded jobs' messages still to be answered

    def pids(self) -> list[int]:
        """The process ids of the running workers."""
        return [w.process.pid for w in self._workers]

    def cpu_seconds(self) -> float:
        """CPU time the running workers have used (Linux ``/proc``; 0 elsewhere)."""
        total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rpartition(")")[2].split()
                total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total

    def start(self, *, wait: bool = True) -> bool:
        """Start the workers that are missing now (a dead one is replaced), not in the next
        :meth:`run`: a caller about to hold a lock (a write transaction) starts them first.
        With ``wait`` false it returns at once, True when every worker is ready (has
        imported its modules, a second or so after it started): the caller can do the work
        itself meanwhile. Raises :class:`PoolBroken` when one does not start (within
        :data:`START_TIMEOUT`)."""
        with self._lock:
            self._spawn()
            return self._await_ready(wait)

    def _ready_workers(self) -> list[_Worker]:
        self._spawn()
        self._await_ready(True)
        return list(self._workers)

    def _spawn(self) -> None:
        if self._closed:
            raise PoolBroken("the pool is closed")
        for worker in [w for w in self._workers if not w.alive()]:
            worker.stop()
            self._workers.remove(worker)
        self._workers += [_Worker(self._preload) for _ in range(self.size - len(self._workers))]

    def _await_ready(self, wait: bool) -> bool:
        """Whether every worker is ready (they start side by side; each says when)."""
        for worker in [w for w in self._workers if not w.ready]:
            left = START_TIMEOUT - (time.monotonic() - worker.since)
            try:
                if worker.conn.poll(max(0.0, left) if wait else 0):
                    worker.ready = worker.conn.recv() == READY
                elif not wait and left > 0:
                    return False  # still importing
            except (EOFError, OSError):
                pass
            if not worker.ready:
                self._drop(worker)
                raise PoolBroken(f"a worker did not start (exit code {worker.process.poll()})")
        return True

    def run(
        self,
        prepare: Callable[[C], P],
        task: Callable[[P, T], R],
        context: C,
        chunks: Iterable[list[T]],
    ) -> list[Outcome[R]]:
        """Every item of ``chunks``, in order, through ``task(prepare(context), item)`` in the
        workers. Raises :class:`PoolBroken`; whatever iterating ``chunks`` raises passes
        through (after the workers' current chunks are collected)."""
        with self._lock:
            self._drain()
            idle = self._ready_workers()
            token = next(self._numbers)
            busy: dict[Connection, tuple[_Worker, int, int]] = {}  # conn: worker, chunk, number
            answers: dict[int, list[Outcome[R]]] = {}
            try:
                for index, chunk in enumerate(chunks):
                    if not idle:
                        idle.append(self._collect(busy, answers))
                    worker = idle.pop()
                    number = next(self._numbers)
                    given = None if worker.token == token else context
                    self._send(worker, (number, token, prepare, given, task, chunk))
                    worker.token = token
                    busy[worker.conn] = (worker, index, number)
                while busy:
                    self._collect(busy, answers)
            finally:
                while busy:  # the caller's chunks raised: leave every worker idle
                    with contextlib.suppress(PoolBroken):
                        self._collect(busy, answers)
            return [outcome for index in sorted(answers) for outcome in answers[index]]

    def submit(
        self,
        prepare: Callable[[C], P],
        task: Callable[[P, T], R],
        context: C,
        chunks: list[list[T]],
    ) -> Job:
        """Send every chunk now, each to the worker with the fewest chunks still to answer
        (busy workers queue it: they answer in the order sent), and return at once;
        :meth:`results` waits for the answers, :meth:`discard` drops them. A queued chunk
        waits in the worker's socket buffer; one larger than :data:`QUEUED_BYTES` (with the
        context it carries) waits instead for the worker's answers: a send that filled the
        buffer would block while the worker blocks sending an answer nobody reads. Submit
        ahead by one call, not many. Raises :class:`PoolBroken`."""
        with self._lock:
            workers = self._ready_workers()
            token = next(self._numbers)
            numbers = []
            for chunk in chunks:
                worker = min(workers, key=lambda w: len(w.waiting))
                number = next(self._numbers)
                given = None if worker.token == token else context
                payload = ForkingPickler.dumps((number, token, prepare, given, task, chunk))
                while worker.waiting and len(payload) > QUEUED_BYTES:
                    self._receive()  # until this worker is idle (or the pool breaks)
                self._send_bytes(worker, payload)
                worker.token = token
                worker.waiting.append(number)
                numbers.append(number)
            return Job(tuple(numbers))

    def results(self, job: Job) -> list[Outcome[Any]]:
        """A submitted job's outcomes, in order, once its workers have answered (raises
        :class:`PoolBroken`: then every worker with work outstanding is stopped)."""
        with self._lock:
            while any(number not in self._answers for number in job.numbers):
                self._receive()
            return [outcome for number in job.numbers for outcome in self._answers.pop(number)]

    def discard(self, job: Job) -> None:
        """Drop a submitted job's outcomes (the workers still compute them; a later call
        reads and forgets them)."""
        with self._lock:
            for number in job.numbers:
                if self._answers.pop(number, None) is None:
                    self._forgotten.add(number)

    def _drain(self) -> None:
        """Wait until no worker has submitted work outstanding (its answers kept or dropped)."""
        while any(worker.waiting for worker in self._workers):
            self._receive()

    def _receive(self) -> None:
        """Read one answer to submitted work, from whichever worker answers first."""
        busy = {w.conn: w for w in self._workers if w.waiting}
        if not busy:
            raise PoolBroken("no work outstanding: a worker that had some went away")
        ready = wait(list(busy), timeout=self.timeout)
        try:
            if not ready:
                raise PoolBroken(f"no answer from the pool's workers in {self.timeout:.0f} s")
            worker = busy[cast(Connection, ready[0])]
            try:
                answered, outcomes = worker.conn.recv()
            except (EOFError, OSError) as exc:
                raise PoolBroken(
                    f"a worker process died (exit code {worker.process.poll()})"
                ) from exc
            if answered != worker.waiting.popleft():
                raise PoolBroken("a worker answered out of turn")
        except PoolBroken:
            for gone in busy.values():  # their queues are lost: start afresh
                self._drop(gone)
            self._answers.clear()
            self._forgotten.clear()
            raise
        if answered in self._forgotten:
            self._forgotten.discard(answered)
        else:
            self._answers[answered] = outcomes

    def _send(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        try:
            worker.conn.send(message)
        except (OSError, ValueError) as exc:
            self._drop(worker)
            raise PoolBroken(f"a worker went away ({exc})") from exc

    def _send_bytes(self, worker: _Worker, payload: bytes | memoryview) -> None:
        """:meth:`_send` of a message pickled already (the worker's ``recv`` reads either)."""
        try:
            worker.conn.send_bytes(payload)
        except (OSError, ValueError) as exc:
            self._drop(worker)
            raise PoolBroken(f"a worker went away ({exc})") from exc

    def _collect(
        self,
        busy: dict[Connection, tuple[_Worker, int, int]],
        answers: dict[int, list[Outcome[R]]],
    ) -> _Worker:
        """Wait for one busy worker's answer; returns that worker, idle again."""
        ready = wait(list(busy), timeout=self.timeout)
        if not ready:
            for worker, _index, _number in busy.values():
                self._drop(worker)
            busy.clear()
            raise PoolBroken(f"no answer from the pool's workers in {self.timeout:.0f} s")
        conn = cast(Connection, ready[0])  # only connections are waited on
        worker, index, number = busy.pop(conn)
        try:
            answered, outcomes = conn.recv()
        except (EOFError, OSError) as exc:
            self._drop(worker)
            raise PoolBroken(
                f"a worker process died (exit code {worker.process.returncode})"
            ) from exc
        if answered != number:  # cannot happen: one request at a time per worker
            self._drop(worker)
            raise PoolBroken("a worker answered out of turn")
        answers[index] = outcomes
        return worker

    def _drop(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.stop()
        if worker in self._workers:
            self._workers.remove(worker)

    def close(self) -> None:
        """Stop the workers (each exits when its pipe closes)."""
        with self._lock:
            self._closed = True
            for worker in self._workers:
                worker.stop()
            self._workers.clear()
