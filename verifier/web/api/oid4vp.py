"""OpenID4VP and job routes (JSON): the request object, the response endpoint, and the API
an applicant-tracking system uses to open jobs and requests and read results.

* ``GET  /oid4vp/requests/{id}``  the Request Object (RFC 9101 §5.2, ``request_uri``)
* ``POST /oid4vp/response``       the Response URI (OpenID4VP §8.2 ``direct_post``)
* ``POST /api/jobs``              ``{"title", "requirements"}`` -> the job
* ``POST /api/jobs/{id}/requests`` ``{"kind": "openid4vp" | "vc-api"}`` -> the request
* ``GET  /api/jobs/{id}/results`` every answer received for the job, newest first
* ``POST /api/vc-api/requests/{id}`` ``{"verifiablePresentation": ...}`` answers a VPR
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from servicekit.json_route import json_object
from servicekit.problems import problem
from vckit.errors import InputError
from vckit.protocols.oid4vp import REQUEST_OBJECT_MEDIA_TYPE
from verifier.jobs import answers, oid4vp_request, vc_api_request
from verifier.jobs import requests as use
from verifier.jobs.requests import InvalidRequest, NotFound, Requests
from verifier.store import RequestRecord, ResponseRecord

router = APIRouter(tags=["OpenID4VP and jobs"])


def _requests(request: Request) -> Requests:
    found: Requests = request.app.state.requests
    return found


RequestsDep = Annotated[Requests, Depends(_requests)]
FORM = "application/x-www-form-urlencoded"


def _oauth_error(description: str) -> JSONResponse:
    """RFC 6749 §5.2 error body (OpenID4VP §8.2: invalid_request, HTTP 400)."""
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})


@router.get("/oid4vp/requests/{request_id}", summary="Request Object (request_uri)")
def request_object(request_id: str, verifier: RequestsDep) -> Response:
    try:
        record = use.get_request(verifier, request_id)
    except NotFound:
        return problem(404, "Not found", "no such request", "not-found")
    if record.kind != use.OID4VP:
        return problem(404, "Not found", "no such OpenID4VP request", "not-found")
    token = oid4vp_request.request_object(verifier, record)
    return Response(token, media_type=REQUEST_OBJECT_MEDIA_TYPE)


@router.post("/oid4vp/response", summary="Response URI (OpenID4VP direct_post)")
async def direct_post(request: Request, verifier: RequestsDep) -> Response:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        return _oauth_error(f"the response must be posted as {FORM}")
    try:
        pairs = parse_qs((await request.body()).decode("utf-8"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return _oauth_error("the form cannot be read")
    repeated = sorted(name for name, values in pairs.items() if len(values) > 1)
    if repeated:
        return _oauth_error(f"parameters must not repeat: {', '.join(repeated)}")
    form = {name: values[0] for name, values in pairs.items()}
    try:
        answers.receive_direct_post(verifier, form)
    except InvalidRequest as exc:
        return _oauth_error(exc.description)
    return JSONResponse({}, headers={"Cache-Control": "no-store"})


def request_json(verifier: Requests, record: RequestRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": record.id,
        "job": record.job_id,
        "kind": record.kind,
        "nonce": record.nonce,
        "client_id": record.client_id,
        "created": record.created,
        "expires_at": record.expires_at,
        "used_at": record.used_at,
    }
    if record.kind == use.OID4VP:
        out["request_uri"] = oid4vp_request.request_uri(verifier, record)
        out["links"] = oid4vp_request.links(verifier, record)
        out["parameters"] = oid4vp_request.authorization_request(verifier, record)
    else:
        out["presentation_request"] = vc_api_request.vc_api_request(verifier, record)
        out["answer_at"] = f"{verifier.base_url.rstrip('/')}/api/vc-api/requests/{record.id}"
    return out


def response_json(response: ResponseRecord) -> dict[str, Any]:
    return {
        "id": response.id,
        "request": response.request_id,
        "job": response.job_id,
        "received": response.received,
        "verdict": response.verdict,
        "report": response.report,
    }


@router.post("/api/jobs", status_code=201, summary="Open a job with its requirements")
async def create_job(request: Request, verifier: RequestsDep) -> Response:
    body = await json_object(request)
    if isinstance(body, Response):
        return body
    requirements = body.get("requirements", {})
    if not isinstance(body.get("title"), str) or not isinstance(requirements, dict):
        detail = "'title' must be a string and 'requirements' an object"
        return problem(422, "Invalid job", detail, "bad-input")
    try:
        job = use.create_job(verifier, body["title"], requirements)
    except InputError as exc:
        return problem(422, "Invalid job", str(exc), exc.code)
    body = {"id": job.id, "title": job.title, "requirements": job.requirements}
    return JSONResponse({**body, "created": job.created}, status_code=201)


@router.post("/api/jobs/{job_id}/requests", status_code=201, summary="A presentation request")
async def create_request(job_id: str, request: Request, verifier: RequestsDep) -> Response:
    raw = await request.body()
    body = await json_object(request) if raw.strip() else {}
    if isinstance(body, Response):
        return body
    kind = body.get("kind", use.OID4VP)
    if kind not in (use.OID4VP, use.VC_API):
        return problem(422, "Invalid request", "'kind' is openid4vp or vc-api", "bad-input")
    try:
        record = use.new_request(verifier, job_id, kind)
    except NotFound:
        return problem(404, "Not found", "no such job", "not-found")
    return JSONResponse(request_json(verifier, record), status_code=201)


@router.get("/api/jobs/{job_id}/results", summary="The answers received for a job")
def results(job_id: str, verifier: RequestsDep) -> Response:
    try:
        use.get_job(verifier, job_id)
    except NotFound:
        return problem(404, "Not found", "no such job", "not-found")
    return JSONResponse([response_json(r) for r in use.list_responses(verifier, job_id)])


@router.post("/api/vc-api/requests/{request_id}", summary="Answer a VC-API presentation request")
async def vc_api_answer(request_id: str, request: Request, verifier: RequestsDep) -> Response:
    body = await json_object(request)
    if isinstance(body, Response):
        return body
    presentation = body.get("verifiablePresentation")
    if not isinstance(presentation, dict | str):
        detail = "'verifiablePresentation' must be an object or a JWT"
        return problem(422, "Invalid answer", detail, "bad-input")
    try:
        response = vc_api_request.receive_vc_api(verifier, request_id, presentation)
    except NotFound:
        return problem(404, "Not found", "no such request", "not-found")
    except InvalidRequest as exc:
        extra = {"result": response_json(exc.response)} if exc.response else {}
        return problem(400, "Request refused", exc.description, "invalid-request", **extra)
    return JSONResponse(response_json(response))
