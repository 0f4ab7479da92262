"""HTML pages for people: hand the verifier a credential, read the report.

========  ======  ================================================================
``/``     GET     three ways in: paste, upload a file (JSON, VC-JWT, baked PNG/SVG),
                  or a link (fetched under the verifier's fetch policy); with
                  ``?link=<url>`` (a wallet share page's "verify it" button) the link
                  is verified at once and the report shown
``/``     POST    urlencoded (``document`` or ``link``) or multipart (``file``);
                  optional ``challenge`` and ``domain``; answers the report page
========  ======  ================================================================

Forms are read by :func:`servicekit.forms.read_form`; a file field sent empty (no file
chosen) counts as no file. Signed-in staff get their organisation's own trust in issuers
added to the registry (:mod:`verifier.checking.trust`).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from servicekit.forms import read_form
from servicekit.pages import page_router, render
from vckit.errors import InputError
from vckit.report import CHECK_TITLES, Report
from verifier.checking import intake, trust
from verifier.checking.verification import network_fetch
from verifier.views import report_view
from verifier.web.deps import InstallationDep, VerifierDep, Visitor

router = page_router()


def _home(request: Request, visitor: Visitor, status: int = 200, **context: object) -> Response:
    return render(request, visitor, "index.html", status, checks=CHECK_TITLES, **context)


@router.get("/")
def home(request: Request, verification: VerifierDep, visitor: Visitor) -> Response:
    link = request.query_params.get("link", "").strip()
    if not link:
        return _home(request, visitor)
    try:
        submission = intake.from_link(
            link, verification.fetch or network_fetch(verification.settings)
        )
        report = verification.verify(submission)
    except InputError as exc:
        return _home(request, visitor, 400, error=str(exc), road="link", link=link)
    return render(
        request, visitor, "report.html",
        report=report, view=report_view.view(report), source=link,
    )  # fmt: skip


@router.post("/")
async def verify_submitted(
    request: Request, verification: VerifierDep, visitor: Visitor, inst: InstallationDep
) -> Response:
    form = await read_form(request)
    upload = form.file or None
    pasted = form.get("document")
    link = form.get("link")
    challenge = form.get("challenge") or None
    domain = form.get("domain") or None
    road = "upload" if upload is not None else "link" if link else "paste"

    def check() -> Report:
        if road == "upload":
            submission = intake.from_file(upload or b"")
        elif road == "link":
            submission = intake.from_link(
                link, verification.fetch or network_fetch(verification.settings)
            )
        else:
            submission = intake.from_paste(pasted)
        org = visitor.staff.organisation_id if visitor.staff else None  # their own trust too
        registry = trust.registry_for(inst, org)
        return verification.verify(
            submission, challenge=challenge, domain=domain, registry=registry
        )

    try:
        # fetches and CPU-bound verification: off the event loop, or every request waits
        report = await run_in_threadpool(check)
    except InputError as exc:
        return _home(request, visitor, 400, error=str(exc), road=road, pasted=pasted, link=link)
    source = {"upload": "an uploaded file", "link": link, "paste": "pasted text"}[road]
    return render(
        request, visitor, "report.html",
        report=report, view=report_view.view(report), source=source,
    )  # fmt: skip
