"""CSV batch issuance: one credential per row, all rows checked first, issued in the background.

The file's format, limits and row checks are in :mod:`issuer.batches.batch_csv`. The steps:

1. :func:`create_batch` checks the whole file (:func:`issuer.batches.batch_csv.parse_csv`: one
   :class:`~issuer.batches.batch_csv.BatchRejected` lists every bad row, nothing is written), then
   stores the batch (state ``running``) and all its rows in one transaction.
2. :func:`run_batch` issues the pending rows in order, in groups (:func:`issue_group`: up to
   :data:`GROUP_ROWS` rows or :data:`GROUP_SECONDS` of work per transaction). Each row's
   credential and the row's "issued" mark are committed in the SAME transaction (the batch's
   ``done`` count too), and a row can be marked only once (``UNIQUE(batch_id, row_number)``
   and ``credential_id IS NULL``): a row is reported done only once its credential is
   committed, a crash loses no issued credential, and running the batch again
   (:func:`running_batches` at startup) issues no row twice. A row that cannot be issued
   stops the batch (state ``failed``, the row named; the rows before it are kept). The
   group's credentials are built and signed in the issuer's signing pool when it has one
   (:mod:`issuer.batches.signing`, ``LER_ISSUER_BATCH_WORKERS``): this process still takes
   their status positions and commits them, so all of the above holds whoever signs (the
   next group's credentials are made while a group commits, and used only when they carry
   the positions the next group takes: :mod:`issuer.batches.signing`). Its
   transactions are background ones (:meth:`servicekit.db.Database.transaction`): on SQLite a
   single write (an issue, a revocation, a sign-in) waiting for the write lock goes in before
   the next group, so it waits about one group, not the whole batch.
3. :class:`BatchWorker` is the one background thread that runs batches in the order given.
   With several issuer processes on one database, a batch runs in the one process holding
   its lease (:class:`servicekit.worker.Lease`); one that dies mid-batch leaves the batch to
   another process once the lease has run out (its rows go on from where they stopped).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime
from typing import Any

from issuer import store
from issuer.batches import signing as signing_pool
from issuer.batches.batch_csv import (
    COLUMNS,
    MAX_REPORTED,
    BatchRejected,
    BatchTooLarge,
    Limits,
    RowProblem,
    parse_csv,
)
from issuer.errors import InvalidRequestError, IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import issuance, securing
from issuer.status import lists as status_lists
from servicekit.db import ConflictError as DbConflict
from servicekit.db import Tx
from servicekit.process_pool import PoolBroken, ProcessPool
from servicekit.worker import Lease, QueueWorker

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
GROUP_ROWS = 50
"""The most rows one transaction issues (:func:`issue_group`)."""
GROUP_SECONDS = 0.1
"""After this much work a group commits, whatever its size: other writers wait no longer."""

__all__ = [  # the web layer's whole batch API; the CSV names come from issuer.batches.batch_csv
    "COLUMNS",
    "DONE",
    "FAILED",
    "MAX_REPORTED",
    "RUNNING",
    "BatchRejected",
    "BatchTooLarge",
    "BatchWorker",
    "Limits",
    "RowProblem",
    "create_batch",
    "get_batch",
    "issue_row",
    "list_batches",
    "run_batch",
    "running_batches",
    "status_json",
]


def request_for(batch: store.BatchRecord, row: dict[str, Any]) -> issuance.IssueRequest:
    """The issue request of a stored row."""
    until = row.get("valid_until")
    return issuance.IssueRequest(
        issuer=batch.issuer,
        achievement=batch.achievement,
        recipient_did=row.get("recipient_did"),
        recipient_email=row.get("email"),
        format=batch.format,
        suspension=bool(row.get("suspension")),
        valid_until=None if until is None else datetime.fromisoformat(until),
        recipient_name=row.get("recipient_name"),
        date_of_birth=row.get("date_of_birth"),
        grade=row.get("grade"),
    )


# --- 1. check and store the batch ---------------------------------------------------------


def create_batch(
    inst: Installation,
    issuer: str,
    achievement: str,
    data: bytes,
    *,
    format: str = "eddsa-rdfc-2022",
    limits: Limits | None = None,
) -> store.BatchRecord:
    """Check the whole file, then store the batch and its rows (one transaction).

    Raises :class:`NotFoundError` (unknown issuer), :class:`InvalidRequestError` (unknown
    achievement or format), :class:`BatchTooLarge`, :class:`BatchRejected`."""
    if format not in securing.FORMATS:
        raise InvalidRequestError(f"format {format!r}: use one of {', '.join(securing.FORMATS)}")
    with inst.db.transaction() as tx:
        if store.get_issuer(tx, issuer) is None:
            raise NotFoundError(f"no issuer {issuer!r}")
        found = store.get_achievement(tx, issuer, achievement)
    if found is None:
        raise InvalidRequestError(f"issuer {issuer!r} has no achievement {achievement[:100]!r}")
    rows = parse_csv(
        inst,
        data,
        achievement=found.id,
        format=format,
        limits=limits,
        achievement_document=found.achievement,
    )
    record = store.BatchRecord(
        id=str(uuid.uuid4()),
        issuer=issuer,
        achievement=found.id,
        format=format,
        total=len(rows),
        done=0,
        state=RUNNING,
        error=None,
        created=inst.stamp(),
    )
    with inst.db.transaction() as tx:
        store.add_batch(tx, record)
        for row in rows:
            store.add_batch_row(tx, record.id, row.row, row.to_json())
    return record


def get_batch(inst: Installation, issuer: str, batch_id: str) -> store.BatchRecord:
    """The batch, if it is this issuer's (a read that never waits for the running batch's
    writes: :meth:`servicekit.db.Database.reading`)."""
    with inst.db.reading() as tx:
        record = store.get_batch(tx, batch_id)
    if record is None or record.issuer != issuer:
        raise NotFoundError(f"issuer {issuer!r} has no batch {batch_id[:80]!r}")
    return record


def list_batches(inst: Installation, issuer: str) -> list[store.BatchRecord]:
    """The issuer's batches, newest first (read as :func:`get_batch` reads)."""
    with inst.db.reading() as tx:
        if store.get_issuer(tx, issuer) is None:
            raise NotFoundError(f"no issuer {issuer!r}")
        return store.list_batches(tx, issuer)


def running_batches(inst: Installation) -> list[str]:
    """Ids of every batch still ``running`` (oldest first): what a restart resumes."""
    with inst.db.reading() as tx:
        found = [b for i in store.list_issuers(tx) for b in store.list_batches(tx, i.slug)]
    return [b.id for b in sorted(found, key=lambda b: b.created) if b.state == RUNNING]


# --- 2. issue row by row --------------------------------------------------------------------


class _AlreadyIssued(Exception):
    """Another worker marked the row first: roll this credential back."""


def issue_row(
    inst: Installation, batch: store.BatchRecord, number: int, row: dict[str, Any]
) -> bool:
    """Issue one row: the credential and the row's mark in ONE transaction.
    False when the row had been issued already (nothing is written then)."""
    try:
        with inst.db.transaction(background=True) as tx:
            record = issuance.issue_credential(inst, request_for(batch, row), tx=tx)
            if not store.mark_batch_row_issued(tx, batch.id, number, record.id):
                raise _AlreadyIssued
            store.count_batch_done(tx, batch.id, 1)
    except _AlreadyIssued:
        return False
    return True


def _status_entries(
    tx: Tx, inst: Installation, issuing: issuance.Issuing, requests: list[issuance.IssueRequest]
) -> dict[str, list[tuple[dict[str, Any], str, int]]]:
    """The status entries of every request, taken ahead, a run per purpose
    (:func:`issuer.status.lists.allocate_many`); what a group closed early leaves unused goes
    back (:func:`issuer.status.lists.give_back`)."""
    wanted = issuance.purposes_wanted(requests)
    slug, signer = issuing.issuer.slug, issuing.status_signer
    return {
        purpose: status_lists.allocate_many(tx, inst, slug, purpose, count, signer)
        for purpose, count in wanted.items()
    }


def issue_group(
    inst: Installation,
    batch: store.BatchRecord,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    stop: threading.Event | None = None,
    budget: float = GROUP_SECONDS,
    pipeline: signing_pool.Pipeline | None = None,
) -> int:
    """Issue the first rows of ``rows`` in ONE transaction: each credential with its row's
    mark, committed together (a group commit); returns how many were committed. The group
    closes after ``budget`` seconds of work or when ``stop`` is set, so a writer waits at
    most that long behind it. What every row shares (issuer, achievement, their endorsements,
    the signing key) is looked up once, and the group's credentials, status entries and row
    marks are written together at its end (one statement run for each row: on PostgreSQL,
    pipelined). Raises what :func:`issuance.issue_credential` raises, and
    :class:`_AlreadyIssued` (a row marked by another worker, a credential id taken): then
    nothing of the group is written. With a signing pool, ``pipeline`` carries the next
    group, made ahead while this one commits (:mod:`issuer.batches.signing`); while the
    pool's workers are starting, the group is made in this process."""
    pool = signing_pool.pool_of(inst.batch_workers)
    if pool is not None and not pool.start(wait=False):  # before the write transaction
        pool = None  # the workers are starting (a second or so): this group is made here
    if pool is None and pipeline is not None:
        pipeline.drop()  # a group made here uses nothing made ahead
    ahead = None if pipeline is None else pipeline.take()
    try:
        return _issue_group(inst, batch, rows, pool, stop, budget, pipeline, ahead)
    except BaseException:
        if pipeline is not None:
            pipeline.drop()  # made ahead for a group that did not commit
        raise


def _issue_group(
    inst: Installation,
    batch: store.BatchRecord,
    rows: list[tuple[int, dict[str, Any]]],
    pool: ProcessPool | None,
    stop: threading.Event | None,
    budget: float,
    pipeline: signing_pool.Pipeline | None,
    ahead: signing_pool.Ahead | None,
) -> int:
    start = time.monotonic()
    with inst.db.transaction(background=True) as tx:  # the writers waiting go first
        issuing = issuance.prepare(tx, inst, batch.issuer, batch.achievement, batch.format)
        named = {"issuer": issuing.profile}  # every row's credential names this issuer
        signing = securing.signing_for(tx, inst, issuing.issuer, named, batch.format)
        requests = [(number, request_for(batch, row)) for number, row in rows]
        entries = _status_entries(tx, inst, issuing, [request for _, request in requests])
        drafted: list[tuple[int, store.CredentialRecord, issuance.Allocated]] = []
        given: list[bool] = []  # whether the next group went to the pool

        def give_next(made: set[int]) -> None:  # once the rows ``made`` have their positions
            if pool is None or pipeline is None or (stop is not None and stop.is_set()):
                return
            following = store.pending_batch_rows(tx, batch.id, limit=2 * len(rows))
            nexts = [(n, request_for(batch, row)) for n, row in following if n not in made]
            pipeline.ahead = signing_pool.make_ahead(
                tx, inst, pool, issuing, signing, nexts[: len(rows)]
            )
            given.append(True)

        if pool is None:
            for number, request in requests:
                record, allocated = issuance.draft(
                    tx, inst, issuing, request, signing=signing, entries=entries
                )
                drafted.append((number, record, allocated))
                if time.monotonic() - start > budget or (stop is not None and stop.is_set()):
                    break
        else:
            closes = start + budget
            drafted = signing_pool.draft_in_pool(
                tx,
                inst,
                pool,
                issuing,
                signing,
                requests,
                entries,
                stop,
                closes,
                ahead,
                lambda: give_next({number for number, _row in rows}),
            )
        status_lists.give_back(tx, [entry for left in entries.values() for entry in left])
        try:
            store.add_credentials(tx, [record for _, record, _ in drafted])
        except DbConflict as exc:
            raise _AlreadyIssued from exc
        recorded = [
            (list_id, index, record.id, purpose)
            for _, record, allocated in drafted
            for purpose, (_entry, list_id, index) in allocated
        ]
        store.add_status_entries(tx, recorded)
        marks = [(number, record.id) for number, record, _ in drafted]
        if store.mark_batch_rows_issued(tx, batch.id, marks) != len(marks):
            raise _AlreadyIssued
        store.count_batch_done(tx, batch.id, len(marks))  # once for the group
        if not given:
            give_next({number for number, _record, _allocated in drafted})
    return len(drafted)


def run_batch(
    inst: Installation,
    batch_id: str,
    *,
    stop: threading.Event | None = None,
    chunk: int = GROUP_ROWS,
) -> store.BatchRecord | None:
    """Issue the batch's pending rows in order, until done, failed or ``stop`` is set.

    Rows go in groups (:func:`issue_group`, at most ``chunk`` rows and
    :data:`GROUP_SECONDS`): one commit for many credentials, which is what made batches
    faster (one transaction per row spent its time in commits and their round trips). A
    group that fails (a row that cannot be issued, a row another worker marked first) is
    rolled back whole and its rows are issued again one by one (:func:`issue_row`), so the
    failing row is named and every row before it is kept."""
    pool = signing_pool.pool_of(inst.batch_workers)
    pipeline = None if pool is None else signing_pool.Pipeline(pool)
    try:
        return _run_batch(inst, batch_id, stop, chunk, pipeline)
    finally:
        if pipeline is not None:
            pipeline.drop()


def _run_batch(
    inst: Installation,
    batch_id: str,
    stop: threading.Event | None,
    chunk: int,
    pipeline: signing_pool.Pipeline | None,
) -> store.BatchRecord | None:
    while stop is None or not stop.is_set():
        with inst.db.transaction(background=True) as tx:
            batch = store.get_batch(tx, batch_id)
            if batch is None or batch.state != RUNNING:
                return batch
            pending = store.pending_batch_rows(tx, batch_id, limit=chunk)
            if not pending:
                store.update_batch(tx, batch_id, state=DONE)
                return store.get_batch(tx, batch_id)
        try:
            issue_group(inst, batch, pending, stop=stop, pipeline=pipeline)
            continue
        except (IssuerError, _AlreadyIssued):
            pass  # nothing of the group was written: row by row, to find the row
        except (signing_pool.RowNotSigned, PoolBroken) as exc:  # the same, in this process
            log.warning("batch %s: the signing pool failed (%s); row by row here", batch_id, exc)
        for number, row in pending:
            if stop is not None and stop.is_set():
                break
            try:
                issue_row(inst, batch, number, row)
            except IssuerError as exc:
                with inst.db.transaction() as tx:
                    store.update_batch(tx, batch_id, state=FAILED, error=f"row {number}: {exc}")
                    return store.get_batch(tx, batch_id)
    return None


# --- 3. the background worker -----------------------------------------------------------------


class BatchWorker(QueueWorker[str]):
    """One daemon thread that runs the batches given to :meth:`submit`, in order
    (:class:`servicekit.worker.QueueWorker`). An unexpected error (the database went away)
    leaves the batch ``running``, with the error noted: the next start resumes it."""

    def __init__(self, inst: Installation) -> None:
        super().__init__("batches", Lease(inst.db, "batch"))  # one process runs a batch
        self.inst = inst

    def resume(self) -> list[str]:
        """Queue every batch left ``running`` (by a crash or a stop); returns their ids."""
        ids = running_batches(self.inst)
        for batch_id in ids:
            self.submit(batch_id)
        return ids

    def work(self, job: str, stop: threading.Event) -> None:
        run_batch(self.inst, job, stop=stop)

    def broke(self, job: str, error: Exception) -> None:
        why = f"interrupted ({type(error).__name__}: {error}); resumes at the next start"
        with self.inst.db.transaction() as tx:
            store.update_batch(tx, job, state=RUNNING, error=why[:500])


def status_json(record: store.BatchRecord) -> dict[str, Any]:
    """The batch's progress: what the page's and the CLI's progress bars show."""
    return {
        "id": record.id,
        "issuer": record.issuer,
        "achievement": record.achievement,
        "format": record.format,
        "total": record.total,
        "done": record.done,
        "state": record.state,
        "errors": [] if record.error is None else [record.error],
        "created": record.created,
    }
