"""HTML pages for the employer: open a job, ask a candidate for credentials, read results.

=================================  ======  ===================================================
``/jobs``                          GET     the jobs, and a form to open one
``/jobs``                          POST    open a job (title, types, skills, accredited only,
                                           issued within N years)
``/jobs/{id}``                     GET     the job, its requirements and every answer received
``/jobs/{id}/requests``            POST    a new request (``kind``: openid4vp or vc-api)
``/jobs/{id}/requests/{rid}``      GET     the request: link and QR code, or the VC-API request
``/jobs/{id}/results/{response}``  GET     one answer's report (the hiring manager's page)
=================================  ======  ===================================================
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vckit.errors import InputError
from verifier.jobs import oid4vp_request, vc_api_request
from verifier.jobs import requests as use
from verifier.jobs.stored_report import report_from_json
from verifier.views import report_view
from verifier.web.api.oid4vp import RequestsDep

router = APIRouter(include_in_schema=False)
MAX_FIELDS = 10


def _render(request: Request, name: str, status: int = 200, **context: object) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def _not_found(request: Request, what: str) -> Response:
    return _render(request, "jobs.html", 404, jobs=[], error=f"No such {what}.", form={})


async def _form(request: Request) -> dict[str, str]:
    try:
        pairs = parse_qs(
            (await request.body()).decode("utf-8", "replace"), max_num_fields=MAX_FIELDS
        )
    except ValueError:
        return {}
    return {name: values[0] for name, values in pairs.items()}


def requirements_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The form's fields as requirements JSON (``policy.Requirements`` reads it)."""
    types = [t.strip() for t in form.get("types", "").replace(",", " ").split() if t.strip()]
    skills = [s.strip() for s in form.get("skills", "").splitlines() if s.strip()]
    out: dict[str, Any] = {"types": types, "skills": skills}
    out["accreditedOnly"] = form.get("accredited_only") == "on"
    years = form.get("issued_within_years", "").strip()
    if years:
        out["issuedWithinYears"] = int(years) if years.isdigit() else years
    return out


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, ctx: RequestsDep) -> Response:
    return _render(request, "jobs.html", jobs=use.list_jobs(ctx), form={})


@router.post("/jobs", response_class=HTMLResponse)
async def open_job(request: Request, ctx: RequestsDep) -> Response:
    form = await _form(request)
    try:
        job = use.create_job(ctx, form.get("title", ""), requirements_from_form(form))
    except InputError as exc:  # a RequirementsError names the bad field
        listed = use.list_jobs(ctx)
        return _render(request, "jobs.html", 400, jobs=listed, error=str(exc), form=form)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(job_id: str, request: Request, ctx: RequestsDep) -> Response:
    try:
        found = use.get_job(ctx, job_id)
    except use.NotFound:
        return _not_found(request, "job")
    answers = use.list_responses(ctx, job_id)
    return _render(request, "job.html", job=found, answers=answers)


@router.post("/jobs/{job_id}/requests", response_class=HTMLResponse)
async def new_request(job_id: str, request: Request, ctx: RequestsDep) -> Response:
    kind = (await _form(request)).get("kind", use.OID4VP)
    if kind not in (use.OID4VP, use.VC_API):
        kind = use.OID4VP
    try:
        record = use.new_request(ctx, job_id, kind)
    except use.NotFound:
        return _not_found(request, "job")
    return RedirectResponse(f"/jobs/{job_id}/requests/{record.id}", status_code=303)


@router.get("/jobs/{job_id}/requests/{request_id}", response_class=HTMLResponse)
def show_request(job_id: str, request_id: str, request: Request, ctx: RequestsDep) -> Response:
    try:
        record = use.get_request(ctx, request_id)
        found = use.get_job(ctx, job_id)
    except use.NotFound:
        return _not_found(request, "request")
    if record.job_id != job_id:
        return _not_found(request, "request")
    context: dict[str, Any] = {"job": found, "record": record}
    if record.kind == use.OID4VP:
        links = oid4vp_request.links(ctx, record)
        context.update(links=links, qr=oid4vp_request.qr_svg(links["by_reference"]))
    else:
        vpr = vc_api_request.vc_api_request(ctx, record)
        context.update(vpr=json.dumps(vpr, indent=2), answer_at=f"/api/vc-api/requests/{record.id}")
    return _render(request, "job_request.html", **context)


@router.get("/jobs/{job_id}/results/{response_id}", response_class=HTMLResponse)
def result(job_id: str, response_id: str, request: Request, ctx: RequestsDep) -> Response:
    try:
        answer = use.get_response(ctx, response_id)
    except use.NotFound:
        return _not_found(request, "result")
    if answer.job_id != job_id:
        return _not_found(request, "result")
    report = report_from_json(answer.report)
    source = f"a candidate's wallet, received {answer.received}"
    return _render(
        request, "report.html", report=report, view=report_view.view(report), source=source
    )
