"""Staff pages for CSV batch issuance: the upload form, and the batch's progress bar.

The progress page is a ``<progress>`` element that refreshes itself (``<meta http-equiv=
refresh>``) while the batch runs; where JavaScript runs, a tiny script
(``/issuer-pages/progress.js``) polls the batch's JSON (``GET /issuers/<slug>/batches/<id>``,
:mod:`issuer.web.api.batches`) instead and reloads once the batch has finished.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from issuer.batches import batch
from issuer.errors import IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.organisations import catalogue
from issuer.web.api.batches import limits_of, worker_of
from issuer.web.deps import InstallationDep, Visitor, VisitorDep
from issuer.web.pages.base import FORMAT_NAMES, check_form, issuer_page, sign_in_first
from servicekit.forms import PostedForm
from servicekit.pages import page_router, render

router = page_router()

RECENT = 10
REFRESH_SECONDS = 2
PROGRESS_JS = """\
// Optional: move the batch's <progress> bar without reloading the page.
const bar = document.getElementById("progress");
async function poll() {
  const response = await fetch(bar.dataset.url, {headers: {Accept: "application/json"}});
  if (!response.ok) return;
  const batch = await response.json();
  bar.max = Math.max(batch.total, 1);
  bar.value = batch.done;
  document.getElementById("count").textContent = `${batch.done} of ${batch.total}`;
  if (batch.state === "running") setTimeout(poll, 1000); else location.reload();
}
if (bar && bar.dataset.url) {
  document.querySelector('meta[http-equiv="refresh"]')?.remove();
  setTimeout(poll, 1000);
}
"""


def _form_page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    batches = batch.list_batches(inst, slug)[:RECENT]
    return issuer_page(
        request,
        inst,
        visitor,
        slug,
        "batch.html",
        status_code,
        formats=FORMAT_NAMES,
        batches=batches,
        columns=batch.COLUMNS,
        limits=limits_of(request.app),
        **context,
    )


@router.get("/issuers/{slug}/upload")
def batch_page(slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    return _form_page(request, inst, visitor, slug)


@router.post("/issuers/{slug}/upload")
def upload(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    """Check every row first (nothing is issued when one is bad), then issue in the background."""
    multipart = request.headers.get("content-type", "").lower().startswith("multipart/form-data")
    form, data = (posted.fields, posted.file) if multipart else ({}, None)  # only the upload form
    check_form(request, visitor, form)
    if not form.get("achievement") or not data:
        error = "Choose an achievement and a CSV file (a header row and one row a learner)."
        return _form_page(request, inst, visitor, slug, 422, error=error, values=form)
    try:
        record = batch.create_batch(
            inst,
            slug,
            form["achievement"],
            data,
            format=form.get("format") or "eddsa-rdfc-2022",
            limits=limits_of(request.app),
        )
    except batch.BatchTooLarge as exc:
        return _form_page(request, inst, visitor, slug, 413, error=str(exc), values=form)
    except batch.BatchRejected as exc:
        return _form_page(
            request, inst, visitor, slug, 422, error=str(exc), problems=exc.problems, values=form
        )
    except NotFoundError:
        raise  # no such issuer or achievement: the error page
    except IssuerError as exc:
        return _form_page(request, inst, visitor, slug, 422, error=str(exc), values=form)
    worker_of(request.app).submit(record.id)
    return RedirectResponse(f"/issuers/{slug}/upload/{quote(record.id)}", status_code=303)


@router.get("/issuers/{slug}/upload/{batch_id}")
def batch_progress(
    slug: str, batch_id: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    issuer = catalogue.get_issuer(inst, slug)
    record = batch.get_batch(inst, slug, batch_id)
    achievement = next(
        (a for a in catalogue.list_achievements(inst, slug) if a.id == record.achievement),
        None,
    )
    return render(
        request,
        visitor,
        "progress.html",
        issuer=issuer,
        batch=record,
        achievement=achievement,
        refresh=REFRESH_SECONDS if record.state == batch.RUNNING else None,
        poll=f"/issuers/{slug}/batches/{quote(record.id)}",
    )


@router.get("/issuer-pages/progress.js")
def progress_script() -> Response:
    headers = {"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"}
    return PlainTextResponse(PROGRESS_JS, media_type="text/javascript", headers=headers)
