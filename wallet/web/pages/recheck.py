"""Pages to verify all of the learner's credentials again, in the background (use cases in
:mod:`wallet.receiving.recheck_job`; the JSON routes and the app's worker are
:mod:`wallet.web.api.recheck`).

==================================  ==========  ==========================================
``/credentials/recheck``            learner     POST: start (or rejoin) the re-check
``/credentials/recheck/{job_id}``   learner     GET: its progress; the page reloads itself
                                                (``<meta http-equiv="refresh">``, no script)
                                                until the job is finished
==================================  ==========  ==========================================

Another learner's job id is the 404 page.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.pages import page_router, render
from wallet.receiving import recheck_job
from wallet.receiving.check import VERDICTS
from wallet.web.api.recheck import WorkerDep
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep

router = page_router()

REFRESH_SECONDS = 2


@router.post("/credentials/recheck", response_class=HTMLResponse)
def start_recheck(
    inst: InstallationDep, account: CurrentAccount, worker: WorkerDep, form: CheckedForm
) -> Response:
    job, created = recheck_job.start(inst, account.id)
    if created:
        worker.submit((account.id, job.id))
    return RedirectResponse(f"/credentials/recheck/{job.id}", status_code=303)


@router.get("/credentials/recheck/{job_id}", response_class=HTMLResponse)
def recheck_progress(
    job_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    job = recheck_job.get(inst, account.id, job_id)
    finished = job.state in (recheck_job.DONE, recheck_job.FAILED)
    return render(
        request,
        visitor,
        "recheck.html",
        job=job,
        finished=finished,
        verdicts=VERDICTS,
        refresh=None if finished else REFRESH_SECONDS,
    )
