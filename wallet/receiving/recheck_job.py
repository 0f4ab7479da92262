"""Verifying all of a learner's credentials again, as a background job with progress.

Verifying one credential fetches its issuer's DID document and status list (about 0.2 s), so
"verify all again" for 170 credentials took 30 s inside one request (issue 13, finding 7).
Now the request only starts a job; one worker thread runs it; the learner polls it.

1. :func:`start` fixes the ids of the learner's credentials (newest first, as listed) in a
   new job (state ``queued``) and returns it. A learner has at most one unfinished job (a
   unique index): while one is queued or running, :func:`start` returns that one, with
   ``created`` False.
2. :func:`run` checks the credentials one by one from the job's position. Each credential's
   new report and the job's step (``checked`` + 1, its verdict counted) are committed in ONE
   transaction, and a step is taken only from the position read
   (:func:`wallet.store.advance_recheck_job`): the job's progress is exactly what the
   database holds, a crash loses at most the credential being checked (checked again after
   the restart), and two runs of one job never count a credential twice. A credential
   deleted meanwhile is passed over (counted in ``checked``, not in ``counts``). At the end the
   job is ``done``; an error it cannot get past (not a failed check: that is a verdict) ends it
   ``failed`` with the error kept.
3. :class:`RecheckWorker` is the one daemon thread that runs jobs, in the order submitted;
   :meth:`RecheckWorker.resume` (at startup) submits every job a crash or a stop left
   unfinished. ``app.py`` runs it for the app's lifetime with :func:`working`. With several
   wallet processes, a job runs in the one holding its lease; a job whose process died is
   taken over by another once the lease has run out.

::

    job, created = recheck_job.start(inst, account.id)     # RecheckJobRecord, bool
    worker.submit(job.id)
    recheck_job.get(inst, account.id, job.id)              # NotFoundError for anyone else's
    recheck_job.job_json(job)                              # what the API and page show
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from servicekit.db import ConflictError as DuplicateKey
from servicekit.worker import Lease, QueueWorker
from wallet import store
from wallet.errors import NotFoundError
from wallet.installation import Installation
from wallet.receiving import kept
from wallet.receiving.check import VERDICTS, check_again
from wallet.store import RecheckJobRecord

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
NO_SUCH_JOB = "no such re-check in your wallet"

__all__ = [
    "DONE",
    "FAILED",
    "NO_SUCH_JOB",
    "QUEUED",
    "RUNNING",
    "STATES",
    "RecheckJobRecord",
    "RecheckWorker",
    "get",
    "job_json",
    "run",
    "start",
    "unfinished",
    "working",
]


# --- 1. starting and reading --------------------------------------------------------------


def start(inst: Installation, account_id: str) -> tuple[RecheckJobRecord, bool]:
    """A new job over every credential the learner holds, or the learner's unfinished one:
    (the job, whether it was made now)."""
    ids = [record.id for record in kept.all_of(inst, account_id)]
    try:
        with inst.db.transaction() as tx:
            running = store.unfinished_recheck_job(tx, account_id)
            if running is not None:
                return running, False
            return (
                store.add_recheck_job(tx, account_id, ids, state=QUEUED, created=inst.stamp()),
                True,
            )
    except DuplicateKey:  # another request started one at the same moment
        with inst.db.transaction() as tx:
            running = store.unfinished_recheck_job(tx, account_id)
        if running is None:
            raise
        return running, False


def get(inst: Installation, account_id: str, job_id: str) -> RecheckJobRecord:
    """The learner's job of this id; NotFoundError for another learner's, or none."""
    with inst.db.transaction() as tx:
        job = store.get_recheck_job(tx, account_id, job_id)
    if job is None:
        raise NotFoundError(NO_SUCH_JOB)
    return job


def unfinished(inst: Installation) -> list[tuple[str, str]]:
    """(account id, job id) of every job still queued or running, oldest first: what a
    restart resumes."""
    with inst.db.transaction() as tx:
        return store.unfinished_recheck_jobs(tx)


def job_json(job: RecheckJobRecord) -> dict[str, Any]:
    """The job as the API answers it: progress always, the counts by verdict when done."""
    finished = job.state in (DONE, FAILED)
    return {
        "id": job.id,
        "state": job.state,
        "total": job.total,
        "checked": job.checked,
        "created": job.created,
        "started": job.started,
        "finished": job.finished,
        "counts": {verdict: job.counts.get(verdict, 0) for verdict in VERDICTS}
        if finished
        else None,
        "error": job.error,
    }


# --- 2. running -----------------------------------------------------------------------------


def _step(inst: Installation, job: RecheckJobRecord, position: int) -> None:
    """Check the credential at ``position`` and record it with the job's step, in one
    transaction; :class:`_Overtaken` when another run took this step first, or the job is
    gone (nothing is written then)."""
    credential_id = job.credential_ids[position]
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, job.account_id, credential_id)
    result = None if record is None else check_again(inst, record)
    with inst.db.transaction() as tx:
        verdict = None
        if result is not None:
            report, verdict = result
            stored = store.update_check(
                tx,
                job.account_id,
                credential_id,
                report=report,
                verdict=verdict,
                checked_at=inst.stamp(),
            )
            verdict = verdict if stored else None  # deleted while it was being checked
        if not store.advance_recheck_job(
            tx, job.account_id, job.id, position=position, verdict=verdict
        ):
            raise _Overtaken


class _Overtaken(Exception):
    """Another run recorded this step first: roll this one back."""


def run(
    inst: Installation, account_id: str, job_id: str, *, stop: threading.Event | None = None
) -> RecheckJobRecord | None:
    """Check the job's credentials from its position on, until done or ``stop`` is set; the
    job as it stands then (None when it is gone, with its account)."""
    with inst.db.transaction() as tx:
        job = store.get_recheck_job(tx, account_id, job_id)
        if job is None or job.finished is not None:
            return job
        store.start_recheck_job(tx, account_id, job_id, state=RUNNING, started=inst.stamp())
    for position in range(job.checked, job.total):
        if stop is not None and stop.is_set():
            break
        try:
            _step(inst, job, position)
        except _Overtaken:  # another run has this job, or it is gone with its account
            break
    else:
        with inst.db.transaction() as tx:
            store.finish_recheck_job(tx, account_id, job_id, state=DONE, finished=inst.stamp())
    with inst.db.transaction() as tx:
        return store.get_recheck_job(tx, account_id, job_id)


def _fail(inst: Installation, account_id: str, job_id: str, error: str) -> None:
    with inst.db.transaction() as tx:
        store.finish_recheck_job(
            tx, account_id, job_id, state=FAILED, finished=inst.stamp(), error=error[:500]
        )


# --- 3. the worker ----------------------------------------------------------------------------


class RecheckWorker(QueueWorker[tuple[str, str]]):
    """One daemon thread that runs the jobs given to :meth:`submit`, in order
    (:class:`servicekit.worker.QueueWorker`; a job is ``(account id, job id)``).

    A job that raises is ended ``failed`` with the error; when even that cannot be written
    (the database is gone) it stays unfinished and the next start resumes it."""

    def __init__(self, inst: Installation) -> None:
        super().__init__("wallet-recheck-jobs", Lease(inst.db, "recheck-job"))
        self.inst = inst

    def key(self, job: tuple[str, str]) -> str:
        return job[1]  # the job id: one process runs it (servicekit.worker.Lease)

    def resume(self) -> list[str]:
        """Submit every job left unfinished (by a crash or a stop); their ids."""
        found = unfinished(self.inst)
        for job in found:
            self.submit(job)
        return [job_id for _, job_id in found]

    def work(self, job: tuple[str, str], stop: threading.Event) -> None:
        run(self.inst, *job, stop=stop)

    def broke(self, job: tuple[str, str], error: Exception) -> None:
        _fail(self.inst, *job, f"{type(error).__name__}: {error}")


@contextmanager
def working(worker: RecheckWorker) -> Iterator[RecheckWorker]:
    """The worker runs inside the ``with``, having resumed every unfinished job; it is
    stopped and joined on the way out."""
    worker.start()  # resumes, then takes over what a dead process leaves
    try:
        yield worker
    finally:
        worker.close()
