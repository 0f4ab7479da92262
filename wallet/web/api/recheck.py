"""JSON routes to verify all of the learner's credentials again, as a background job (use
cases in :mod:`wallet.receiving.recheck_job`). The session authenticates; errors are
problem+json.

=========================================  ======================================================
``POST /api/credentials/recheck``          start: 202 Accepted, the job and its ``Location``;
                                           while the learner's job is unfinished, 200 with
                                           that job and its ``Location`` (one at a time)
``GET  /api/credentials/recheck/{job_id}`` the job: ``state`` (queued, running, done, failed),
                                           ``total``, ``checked``, ``started``, ``finished``,
                                           ``counts`` by verdict once finished
=========================================  ======================================================

Another learner's job id is a 404. ``POST /api/credentials/{id}/recheck`` (one credential,
at once) is in :mod:`wallet.web.api.receive`. The app's one :class:`RecheckWorker` is kept in
``app.state``: :func:`worker_of` makes it on first use when the lifespan (which resumes
unfinished jobs, see ``app.py``) did not run.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from servicekit.json_route import api_router
from wallet.receiving import recheck_job
from wallet.receiving.recheck_job import RecheckWorker
from wallet.web.deps import CurrentAccount, InstallationDep

router = api_router(prefix="/api", tags=["receive"])

JOB_EXAMPLE = {
    "id": "5d0c3f1e9a8b4c7d8e6f5a4b3c2d1e0f",
    "state": "done",
    "total": 3,
    "checked": 3,
    "created": "2026-03-02T09:30:00+00:00",
    "started": "2026-03-02T09:30:00+00:00",
    "finished": "2026-03-02T09:30:01+00:00",
    "counts": {"verified": 2, "failed": 0, "revoked": 1, "suspended": 0, "unchecked": 0},
    "error": None,
}
JOB_RESPONSE: dict[str, Any] = {
    "description": "The re-check job (``counts`` is null until it is finished)",
    "content": {"application/json": {"example": JOB_EXAMPLE}},
}


def worker_of(app: FastAPI) -> RecheckWorker:
    """The app's re-check worker (made on first use when the lifespan did not run)."""
    worker: RecheckWorker | None = getattr(app.state, "recheck_worker", None)
    if worker is None:
        worker = RecheckWorker(app.state.inst)
        app.state.recheck_worker = worker
    return worker


def _worker(request: Request) -> RecheckWorker:
    return worker_of(request.app)


WorkerDep = Annotated[RecheckWorker, Depends(_worker)]


def job_path(job_id: str) -> str:
    return f"/api/credentials/recheck/{job_id}"


@router.post(
    "/credentials/recheck",
    status_code=202,
    summary="Verify all my credentials again (a background job)",
    responses={
        202: {**JOB_RESPONSE, "description": "Started: poll the job at its Location"},
        200: {**JOB_RESPONSE, "description": "A job of yours is unfinished: this is it"},
    },
)
def start_recheck(inst: InstallationDep, account: CurrentAccount, worker: WorkerDep) -> Response:
    job, created = recheck_job.start(inst, account.id)
    if created:
        worker.submit((account.id, job.id))
    return JSONResponse(
        recheck_job.job_json(job),
        status_code=202 if created else 200,
        headers={"Location": job_path(job.id), "Cache-Control": "no-store"},
    )


@router.get(
    "/credentials/recheck/{job_id}",
    summary="A re-check job's progress",
    responses={200: JOB_RESPONSE},
)
def recheck_progress(job_id: str, inst: InstallationDep, account: CurrentAccount) -> Response:
    job = recheck_job.get(inst, account.id, job_id)
    return JSONResponse(recheck_job.job_json(job), headers={"Cache-Control": "no-store"})
