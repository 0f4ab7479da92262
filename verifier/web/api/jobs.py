"""The API an applicant-tracking system uses: open jobs and presentation requests, read the
answers, and answer a VC-API presentation request.

* ``GET  /api/jobs``                  the organisation's jobs, newest first
* ``POST /api/jobs``                  ``{"title", "requirements"}`` -> the job
* ``POST /api/jobs/{id}/requests``    ``{"kind": "openid4vp" | "vc-api",
  "applicantReference": "ATS-123"}`` (or no body) -> the request; the applicant reference
  (optional, at most 200 characters) comes back with its answer, in the results and the
  webhook
* ``GET  /api/jobs/{id}/results``     the answers accepted for the job, newest first
  (``limit`` 1..500, default 100; ``offset``): each with its ``applicantReference``, a flat
  ``summary`` (candidate, verdict, requirements met, skills) and the full ``report``
* ``GET  /api/jobs/{id}/refused-answers``  how many answers the job's requests refused, and
  the latest logged with their reasons (``limit``, ``offset``)
* ``POST /api/vc-api/requests/{id}``  ``{"verifiablePresentation": ...}`` answers a VPR

Every route but the last needs a caller of the job's organisation (a staff session or an API
token with the scope named: ``jobs:read`` to list jobs, ``jobs:write`` to open jobs and
requests, ``results:read`` for the answers); another organisation's job answers 404. The
last is the holder's: public.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from servicekit.json_route import api_router
from servicekit.paging import Limit, Offset
from servicekit.problems import Problem
from servicekit.ratelimit import retry_after_header
from servicekit.text import utf8_text
from vckit.errors import InputError
from verifier.errors import InvalidRequestError, TooManyAnswersError
from verifier.jobs import requests as use
from verifier.jobs import vc_api_request
from verifier.jobs.refused import refused_of_job
from verifier.jobs.requests import MAX_REFERENCE, MAX_TITLE
from verifier.views.api_json import refused_json, request_json, response_json
from verifier.web.deps import InstallationDep, JobsReader, JobsWriter, ResultsReader

router = api_router(tags=["Jobs"])


class NewJob(BaseModel):
    """A job and what it requires (:class:`verifier.checking.policy.Requirements`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Care assistant",
                    "requirements": {
                        "types": ["OpenBadgeCredential"],
                        "skills": [{"name": "Patient data privacy"}],
                        "accreditedOnly": True,
                        "issuedWithinYears": 2,
                    },
                }
            ]
        }
    )

    title: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_TITLE), AfterValidator(utf8_text)
    ]
    requirements: dict[str, Any] = {}
    """Read by :class:`verifier.checking.policy.Requirements` (its bounds, named by field)."""


class NewRequest(BaseModel):
    """The protocol of a new presentation request (OpenID4VP unless said)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "openid4vp", "applicantReference": "ATS-1042"}]}
    )

    kind: Literal["openid4vp", "vc-api"] = "openid4vp"
    applicantReference: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=MAX_REFERENCE),
            AfterValidator(utf8_text),
        ]
        | None
    ) = None
    """The ATS's own reference for the applicant: returned with the answer."""


OptionalNewRequest = Annotated[NewRequest | None, Body(examples=[{"kind": "vc-api"}])]
"""No body at all asks for an OpenID4VP request too."""


class VcApiAnswer(BaseModel):
    """The presentation a wallet made for a VC-API presentation request: bound to its
    ``challenge`` and ``domain``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verifiablePresentation": {
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": ["VerifiablePresentation"],
                        "verifiableCredential": [{"...": "..."}],
                        "proof": {"challenge": "<the request's challenge>", "...": "..."},
                    }
                }
            ]
        }
    )

    verifiablePresentation: dict[str, Any] | str


@router.get("/api/jobs", summary="The organisation's jobs, newest first")
def list_jobs(inst: InstallationDep, caller: JobsReader) -> Response:
    listed = use.list_jobs(inst, caller.organisation_id)
    return JSONResponse(
        [
            {"id": j.id, "title": j.title, "requirements": j.requirements, "created": j.created}
            for j in listed
        ]
    )


@router.post(
    "/api/jobs",
    status_code=201,
    summary="Open a job with its requirements",
)
def create_job(body: NewJob, inst: InstallationDep, caller: JobsWriter) -> Response:
    try:
        job = use.create_job(
            inst, body.title, body.requirements, organisation=caller.organisation_id
        )
    except InputError as exc:  # a RequirementsError names the bad field
        raise Problem(422, "Invalid job", str(exc), exc.code) from None
    made = {"id": job.id, "title": job.title, "requirements": job.requirements}
    return JSONResponse({**made, "created": job.created}, status_code=201)


@router.post("/api/jobs/{job_id}/requests", status_code=201, summary="A presentation request")
def create_request(
    job_id: str, inst: InstallationDep, caller: JobsWriter, body: OptionalNewRequest = None
) -> Response:
    asked = body or NewRequest()
    try:
        record = use.new_request(
            inst, job_id, asked.kind, organisation=caller.organisation_id,
            applicant_ref=asked.applicantReference,
        )  # fmt: skip
    except InvalidRequestError as exc:
        raise Problem(422, "Invalid request", exc.description, exc.code) from None
    return JSONResponse(request_json(inst, record), status_code=201)


@router.get("/api/jobs/{job_id}/results", summary="The answers accepted for a job")
def results(
    job_id: str,
    inst: InstallationDep,
    caller: ResultsReader,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    org = caller.organisation_id
    found = use.responses_of_job(inst, job_id, org, limit=limit, offset=offset)
    return JSONResponse([response_json(r) for r in found])


@router.get("/api/jobs/{job_id}/refused-answers", summary="The answers a job's requests refused")
def refused_answers(
    job_id: str,
    inst: InstallationDep,
    caller: ResultsReader,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    use.get_job(inst, job_id, caller.organisation_id)
    return JSONResponse(refused_json(refused_of_job(inst, job_id, limit=limit, offset=offset)))


@router.post(
    "/api/vc-api/requests/{request_id}",
    summary="Answer a VC-API presentation request",
)
def vc_api_answer(
    request_id: str, body: VcApiAnswer, inst: InstallationDep, request: Request
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        response = vc_api_request.receive_vc_api(
            inst, request_id, body.verifiablePresentation, address
        )
    except InvalidRequestError as exc:  # refused: counted and logged, not a result
        raise Problem(400, "Request refused", exc.description, exc.code) from None
    except TooManyAnswersError as exc:
        headers = retry_after_header(exc.retry_after)
        raise Problem(429, "Too many answers", str(exc), exc.code, headers=headers) from None
    return JSONResponse(response_json(response))
