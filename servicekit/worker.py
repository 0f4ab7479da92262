"""One background thread that works through a queue of jobs, in order: the shape shared by
the issuer's batch worker and the wallet's re-check worker.

A subclass says what one job is (:meth:`QueueWorker.work`) and what to record when it
raises (:meth:`QueueWorker.broke`); the thread starts at the first :meth:`submit`, outlives
any job that raises, and :meth:`close` stops it after the current job. One thread (not one
per job) keeps one database connection and lets jobs queue; the job's own code makes each
step durable, so a stop or a crash between steps loses nothing (the service resumes
unfinished jobs at its next start).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Generic, TypeVar

log = logging.getLogger("servicekit.worker")

Job = TypeVar("Job")


class QueueWorker(Generic[Job]):
    """Runs the jobs given to :meth:`submit` one after another on a daemon thread."""

    def __init__(self, name: str) -> None:
        self.name = name
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

    def submit(self, job: Job) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self._queue.put(job)
            if self._thread is None:
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
            job = self._queue.get()
            if job is None:
                return
            try:
                self.work(job, self._stop)
            except Exception as exc:  # the thread must outlive one broken job
                log.exception("%s: job %s stopped", self.name, job)
                try:
                    self.broke(job, exc)
                except Exception:  # the database itself is gone: the next start resumes it
                    log.exception("%s: cannot record the failure of job %s", self.name, job)
