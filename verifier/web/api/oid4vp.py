"""OpenID4VP routes (JSON and the wallet's form post): the Request Object and the Response URI.

* ``GET  /oid4vp/requests/{id}``  the Request Object (RFC 9101 §5.2, ``request_uri``)
* ``POST /oid4vp/response``       the Response URI (OpenID4VP §8.2 ``direct_post``):
  ``application/x-www-form-urlencoded`` ``vp_token`` and ``state``; a post refused answers
  an OAuth error body (RFC 6749 §5.2 ``invalid_request``, HTTP 400), not a problem; too many
  answers (per client address, per request: :mod:`verifier.jobs.answer_limits`) a 429
  problem with ``Retry-After``
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from servicekit.json_route import api_router, declared_body
from servicekit.problems import Problem
from servicekit.ratelimit import retry_after_header
from vckit.protocols.oid4vp import REQUEST_OBJECT_MEDIA_TYPE
from verifier.errors import InvalidRequestError, TooManyAnswersError
from verifier.jobs import answers, oid4vp_request
from verifier.web.deps import InstallationDep

router = api_router(tags=["OpenID4VP"])
FORM = "application/x-www-form-urlencoded"

DIRECT_POST = declared_body(
    {
        FORM: {
            "schema": {
                "type": "object",
                "required": ["vp_token", "state"],
                "properties": {
                    "vp_token": {
                        "type": "string",
                        "description": "JSON: each credential query id -> an array of "
                        "presentations (OpenID4VP §8.1)",
                    },
                    "state": {"type": "string", "description": "the request's id"},
                },
            },
            "example": {
                "vp_token": '{"learning_records": [{"type": "VerifiablePresentation"}]}',
                "state": "Wm9xY2x1ZGVkLXN0YXRl",
            },
        }
    }
)


class _Unreadable(Exception):
    """The post is not a form this endpoint can read."""


def _oauth_error(description: str) -> JSONResponse:
    """RFC 6749 §5.2 error body (OpenID4VP §8.2: invalid_request, HTTP 400)."""
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})


async def _direct_post_form(request: Request) -> dict[str, str]:
    """The form as OAuth reads one: UTF-8, well-formed, no parameter repeated."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        raise _Unreadable(f"the response must be posted as {FORM}")
    try:
        pairs = parse_qs((await request.body()).decode("utf-8"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        raise _Unreadable("the form cannot be read") from None
    repeated = sorted(name for name, values in pairs.items() if len(values) > 1)
    if repeated:
        raise _Unreadable(f"parameters must not repeat: {', '.join(repeated)}")
    return {name: values[0] for name, values in pairs.items()}


@router.get("/oid4vp/requests/{request_id}", summary="Request Object (request_uri)")
def request_object(request_id: str, inst: InstallationDep) -> Response:
    token = oid4vp_request.request_object(inst, request_id)
    return Response(token, media_type=REQUEST_OBJECT_MEDIA_TYPE)


@router.post(
    "/oid4vp/response", summary="Response URI (OpenID4VP direct_post)", openapi_extra=DIRECT_POST
)
async def direct_post(request: Request, inst: InstallationDep) -> Response:
    try:
        form = await _direct_post_form(request)
        address = request.client.host if request.client else "unknown"
        # verification fetches and is CPU-bound: off the event loop, or every request waits
        await run_in_threadpool(answers.receive_direct_post, inst, form, address)
    except _Unreadable as exc:
        return _oauth_error(str(exc))
    except InvalidRequestError as exc:
        return _oauth_error(exc.description)
    except TooManyAnswersError as exc:
        headers = retry_after_header(exc.retry_after)
        raise Problem(429, "Too many answers", str(exc), exc.code, headers=headers) from None
    return JSONResponse({}, headers={"Cache-Control": "no-store"})
