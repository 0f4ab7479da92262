"""One background thread that works through a queue of jobs, in order: the shape shared by
the issuer's batch worker and the wallet's re-check worker.

A subclass says what one job is (:meth:`QueueWorker.work`) and what to record when it
raises (:meth:`QueueWorker.broke`); the thread starts at the first :meth:`submit`, outlives
any job that raises, and :meth:`close` stops it after the current job. One thread (not one
per job) keeps one database connection and lets jobs queue; the job's own code makes each
step durable, so a stop or a crash between steps loses nothing (the service resumes
unfinished jobs at its next start).

Several processes: given ``lease`` (:class:`Lease`: the database, a kind), a job runs only
in the process that claims its lease (:mod:`servicekit.leases`); another process's
:meth:`submit` of the same job finds it held and skips it. The lease is renewed every third
of its length while the job runs and let go when it ends, so a job whose process died is
free again once its lease has run out: every ``sweep`` seconds an idle worker calls
:meth:`QueueWorker.resume` (the subclass's "submit every unfinished job"), and a process
still running takes over the dead one's job.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from servicekit import leases
from servicekit.db import Database

log = logging.getLogger("servicekit.worker")

Job = TypeVar("Job")


@dataclass(frozen=True)
class Lease:
    """Claim each job in ``db`` as ``kind`` for ``seconds`` (renewed while it runs), and look
    for unfinished jobs (:meth:`QueueWorker.resume`) every ``sweep`` seconds when idle."""

    db: Database
    kind: str
    seconds: float = 15.0
    sweep: float = 5.0
    holder: str = field(default_factory=leases.holder_id)


class QueueWorker(Generic[Job]):
    """Runs the jobs given to :meth:`submit` one after another on a daemon thread."""

    def __init__(self, name: str, lease: Lease | None = None) -> None:
        self.name = name
        self.lease = lease
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def work(self, job: Job, stop: threading.Event) -> None:
        """Do one job; return early (its progress saved) once ``stop`` is set."""
        raise NotImplementedError

    def broke(self, job: Job, error: Exception) -> None:
        """Record that ``job`` raised ``error`` (the error is already logged)."""
        raise NotImplementedError

    def resume(self) -> list[str]:
        """Submit every unfinished job (the subclass knows where they are); their ids."""
        return []

    def key(self, job: Job) -> str:
        """The job's id in the ``leases`` table."""
        return str(job)

    def start(self) -> list[str]:
        """Submit every unfinished job (:meth:`resume`) and start the thread, which, with a
        lease, keeps looking for work a dead process left; the ids submitted."""
        found = self.resume()
        with self._lock:
            self._start_thread()
        return found

    def submit(self, job: Job) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self._queue.put(job)
            self._start_thread()

    def _start_thread(self) -> None:
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the current job's step (it is committed or rolled back)."""
        with self._lock:
            self._stop.set()
            thread = self._thread
        self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._queue.get(timeout=None if self.lease is None else self.lease.sweep)
            except queue.Empty:  # idle: take over what a process that died left
                self._sweep()
                continue
            if job is None:
                return
            try:
                self._run(job)
            except Exception as exc:  # the thread must outlive one broken job
                log.exception("%s: job %s stopped", self.name, job)
                try:
                    self.broke(job, exc)
                except Exception:  # the database itself is gone: the next start resumes it
                    log.exception("%s: cannot record the failure of job %s", self.name, job)

    def _sweep(self) -> None:
        try:
            self.resume()
        except Exception:  # a database hiccup: the next sweep tries again
            log.exception("%s: cannot look for unfinished jobs", self.name)

    def _run(self, job: Job) -> None:
        lease = self.lease
        if lease is None:
            self.work(job, self._stop)
            return
        key = self.key(job)
        now = time.time()
        with lease.db.transaction() as tx:
            if not leases.claim(
                tx, lease.kind, key, lease.holder, until=now + lease.seconds, now=now
            ):
                return  # another process runs it
        done = threading.Event()
        renewing = threading.Thread(
            target=self._renew, args=(lease, key, done), name=f"{self.name}-lease", daemon=True
        )
        renewing.start()
        try:
            self.work(job, self._stop)
        finally:
            done.set()
            renewing.join()
            with lease.db.transaction() as tx:
                leases.release(tx, lease.kind, key, lease.holder)

    def _renew(self, lease: Lease, key: str, done: threading.Event) -> None:
        while not done.wait(lease.seconds / 3):
            try:
                with lease.db.transaction() as tx:
                    until = time.time() + lease.seconds
                    if not leases.extend(tx, lease.kind, key, lease.holder, until=until):
                        log.warning("%s: lost the lease of job %s", self.name, key)
            except Exception:  # a database hiccup: the next renewal tries again
                log.exception("%s: cannot renew the lease of job %s", self.name, key)
