"""HTML pages for the employer: open a job, ask a candidate for credentials, read results.

=================================  ======  ===================================================
``/jobs``                          GET     the jobs, and a form to open one
``/jobs``                          POST    open a job (title, types, skills, accredited only,
                                           issued within N years)
``/jobs/{id}``                     GET     the job, its requirements, the answers accepted and
                                           how many were refused (the latest five, with why)
``/jobs/{id}/requests``            POST    a new request (``kind``: openid4vp or vc-api;
                                           ``applicant_reference``: the ATS's, optional)
``/jobs/{id}/requests/{rid}``      GET     the request: link and QR code, or the VC-API request
``/jobs/{id}/results/{response}``  GET     one answer's report (the hiring manager's page)
=================================  ======  ===================================================

Every page here is for the staff of the job's organisation (a stranger is sent to
``/sign-in``); the forms carry the session's CSRF token. A job, request or result that is
not there, or is another organisation's, is the error page, 404 (``app.py``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from servicekit.dates import human_datetime
from servicekit.forms import Form
from servicekit.pages import page_router, render
from vckit.errors import InputError
from verifier.jobs import oid4vp_request, vc_api_request
from verifier.jobs import requests as use
from verifier.jobs.refused import refused_of_job
from verifier.jobs.stored_report import report_from_json
from verifier.views import report_view
from verifier.views.candidate import OUTCOME_WORDS, candidate_name, outcome
from verifier.web.deps import (
    CheckedForm,
    InstallationDep,
    JobsReader,
    JobsWriter,
    ResultsReader,
    Visitor,
)

router = page_router()


def requirements_from_form(form: Form) -> dict[str, Any]:
    """The form's fields as requirements JSON (``policy.Requirements`` reads it)."""
    types = [t.strip() for t in form.get("types").replace(",", " ").split() if t.strip()]
    skills = [s.strip() for s in form.get("skills").splitlines() if s.strip()]
    out: dict[str, Any] = {"types": types, "skills": skills}
    out["accreditedOnly"] = form.get("accredited_only") == "on"
    years = form.get("issued_within_years")
    if years:
        out["issuedWithinYears"] = int(years) if years.isdigit() else years
    return out


@router.get("/jobs")
def jobs(request: Request, inst: InstallationDep, visitor: Visitor, caller: JobsReader) -> Response:
    listed = use.list_jobs(inst, caller.organisation_id)
    return render(request, visitor, "jobs.html", jobs=listed, form={})


@router.post("/jobs")
def open_job(
    request: Request, inst: InstallationDep, visitor: Visitor, caller: JobsWriter, form: CheckedForm
) -> Response:
    org = caller.organisation_id
    try:
        job = use.create_job(
            inst, form.get("title"), requirements_from_form(form), organisation=org
        )
    except InputError as exc:  # a RequirementsError names the bad field
        listed = use.list_jobs(inst, org)
        return render(
            request, visitor, "jobs.html", 400, jobs=listed, error=str(exc), form=form.fields
        )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job(
    job_id: str, request: Request, inst: InstallationDep, visitor: Visitor, caller: ResultsReader
) -> Response:
    found = use.get_job(inst, job_id, caller.organisation_id)
    answers = []
    for answer in use.list_responses(inst, job_id):
        report = report_from_json(answer.report)
        verdict = outcome(report)
        answers.append(
            {"id": answer.id, "received": answer.received, "candidate": candidate_name(report),
             "reference": answer.applicant_ref,
             "verdict": verdict, "verdict_text": OUTCOME_WORDS[verdict]}
        )  # fmt: skip
    refused = refused_of_job(inst, job_id, limit=5)
    return render(request, visitor, "job.html", job=found, answers=answers, refused=refused)


@router.post("/jobs/{job_id}/requests")
def new_request(
    job_id: str, inst: InstallationDep, caller: JobsWriter, form: CheckedForm
) -> Response:
    kind = form.get("kind", use.OID4VP)
    kind = kind if kind in use.KINDS else use.OID4VP
    record = use.new_request(
        inst, job_id, kind, organisation=caller.organisation_id,
        applicant_ref=form.get("applicant_reference") or None,
    )  # fmt: skip
    return RedirectResponse(f"/jobs/{job_id}/requests/{record.id}", status_code=303)


@router.get("/jobs/{job_id}/requests/{request_id}")
def show_request(
    job_id: str,
    request_id: str,
    request: Request,
    inst: InstallationDep,
    visitor: Visitor,
    caller: JobsReader,
) -> Response:
    found, record = use.request_of_job(inst, job_id, request_id, caller.organisation_id)
    context: dict[str, Any] = {"job": found, "record": record}
    if record.kind == use.OID4VP:
        links = oid4vp_request.links(inst, record)
        context.update(links=links, qr=oid4vp_request.qr_svg(links["by_reference"]))
    else:
        vpr = vc_api_request.vc_api_request(inst, record)
        context.update(vpr=json.dumps(vpr, indent=2), answer_at=f"/api/vc-api/requests/{record.id}")
    return render(request, visitor, "job_request.html", **context)


@router.get("/jobs/{job_id}/results/{response_id}")
def result(
    job_id: str,
    response_id: str,
    request: Request,
    inst: InstallationDep,
    visitor: Visitor,
    caller: ResultsReader,
) -> Response:
    use.get_job(inst, job_id, caller.organisation_id)
    answer = use.get_response(inst, response_id, job_id)
    report = report_from_json(answer.report)
    source = f"a candidate's wallet, received {human_datetime(answer.received)}"
    if answer.applicant_ref:
        source += f" (applicant reference {answer.applicant_ref})"
    return render(
        request, visitor, "report.html",
        report=report, view=report_view.view(report), source=source,
    )  # fmt: skip
