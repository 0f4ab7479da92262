"""Use case: what staff see of the answers a job's requests refused.

Refused answers (:mod:`verifier.jobs.answers`: malformed, not bound to the request's nonce,
replayed, expired) are not results. Each request counts them and keeps the latest 50 with
their reasons (:mod:`verifier.store.refused`); :func:`refused_of_job` reads the job's total
and its latest logged ones, for the job's page and ``GET /api/jobs/{id}/refused-answers``.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier import store
from verifier.installation import Installation
from verifier.jobs.requests import get_job
from verifier.store import RefusedRecord


@dataclass(frozen=True)
class Refused:
    count: int
    """Every answer the job's requests refused."""
    latest: list[RefusedRecord]
    """The latest logged (newest first); at most 50 a request are kept."""


def refused_of_job(inst: Installation, job_id: str, *, limit: int, offset: int = 0) -> Refused:
    """The job's refused answers (an unknown job is not found)."""
    get_job(inst, job_id)
    with inst.db.transaction() as tx:
        count = store.refused_count(tx, job_id)
        latest = store.latest_refused(tx, job_id, limit=limit, offset=offset)
    return Refused(count, latest)
