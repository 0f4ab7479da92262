"""The API an applicant-tracking system uses: open jobs and presentation requests, read the
answers, and answer a VC-API presentation request.

* ``GET  /api/jobs``                  the organisation's jobs, newest first
* ``POST /api/jobs``                  ``{"title", "requirements"}`` -> the job
* ``POST /api/jobs/{id}/requests``    ``{"kind": "openid4vp" | "vc-api"}`` (or no body) ->
  the request
* ``GET  /api/jobs/{id}/results``     every answer received for the job, newest first
* ``POST /api/vc-api/requests/{id}``  ``{"verifiablePresentation": ...}`` answers a VPR

Every route but the last needs a caller of the job's organisation (a staff session or an API
token with the scope named: ``jobs:read`` to list jobs, ``jobs:write`` to open jobs and
requests, ``results:read`` for the answers); another organisation's job answers 404. The
last is the holder's: public.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from servicekit.json_route import api_router
from servicekit.problems import Problem
from vckit.errors import InputError
from verifier.errors import InvalidRequestError
from verifier.jobs import requests as use
from verifier.jobs import vc_api_request
from verifier.views.api_json import request_json, response_json
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

    title: str
    requirements: dict[str, Any] = {}


class NewRequest(BaseModel):
    """The protocol of a new presentation request (OpenID4VP unless said)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "openid4vp"}]})

    kind: Literal["openid4vp", "vc-api"] = "openid4vp"


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
    kind = (body or NewRequest()).kind
    record = use.new_request(inst, job_id, kind, organisation=caller.organisation_id)
    return JSONResponse(request_json(inst, record), status_code=201)


@router.get("/api/jobs/{job_id}/results", summary="The answers received for a job")
def results(job_id: str, inst: InstallationDep, caller: ResultsReader) -> Response:
    answers = use.responses_of_job(inst, job_id, caller.organisation_id)
    return JSONResponse([response_json(r) for r in answers])


@router.post(
    "/api/vc-api/requests/{request_id}",
    summary="Answer a VC-API presentation request",
)
def vc_api_answer(request_id: str, body: VcApiAnswer, inst: InstallationDep) -> Response:
    try:
        response = vc_api_request.receive_vc_api(inst, request_id, body.verifiablePresentation)
    except InvalidRequestError as exc:  # the refused answer, as stored, rides along
        extra = {"result": response_json(exc.response)} if exc.response else {}
        raise Problem(400, "Request refused", exc.description, exc.code, **extra) from None
    return JSONResponse(response_json(response))
