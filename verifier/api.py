"""W3C VC-API verification routes: parse the body, call the use case, answer JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from servicekit.json_body import json_object
from servicekit.problems import problem
from vckit.errors import InputError
from vckit.verify import ENVELOPED_MEDIA_TYPES
from verifier.deps import VerifierDep
from verifier.verification import Verifier

router = APIRouter(tags=["VC-API"])
VC_V2 = "https://www.w3.org/ns/credentials/v2"
SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"  # SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.1)


async def _verify(request: Request, verifier: Verifier, field: str) -> Response:
    body = await json_object(request)
    if isinstance(body, Response):
        return body
    item = body.get(field)
    if not isinstance(item, dict | str):
        detail = f"'{field}' must be an object, a JWT or an SD-JWT"
        return problem(422, "Missing input", detail, "bad-input")
    if field == "verifiableCredential" and isinstance(item, dict):
        item = _unwrap_enveloped(item)
        if isinstance(item, Response):
            return item
    options = body.get("options") or {}
    if not isinstance(options, dict):
        return problem(422, "Bad options", "'options' must be an object", "bad-input")
    try:
        # CPU-bound (and may fetch): off the event loop, so one request does not stall the rest
        report = await run_in_threadpool(
            verifier.verify, item, challenge=options.get("challenge"), domain=options.get("domain")
        )
    except InputError as exc:
        return problem(422, "Unusable input", str(exc), exc.code)
    result = {
        "verified": report.verdict == "pass",
        "checks": [c.id for c in report.all_checks() if c.status == "pass"],
        "warnings": [c.to_json() for c in report.all_checks() if c.status == "could-not-check"],
        "errors": [c.to_json() for c in report.all_checks() if c.status == "fail"],
        "report": report.to_json(),
    }
    if report.verdict == "fail":
        return problem(
            422, "Verification failed", _first_failure(result), "verification-failed", **result
        )
    return JSONResponse(result)


def _unwrap_enveloped(item: dict[str, Any]) -> dict[str, Any] | str | Response:
    """VC-API ``VerifyEnvelopedCredentialRequest``: an ``EnvelopedVerifiableCredential``
    (VC 2.0 §4.13.1: its ``@context`` MUST be present and include the base context; its
    ``id`` is ``data:application/vc+jwt,<JWT>``, ``data:application/jwt,<JWT>``, or
    ``data:application/dc+sd-jwt,<SD-JWT>``) is verified as that JWT or SD-JWT (the same as
    posting the string itself); other objects pass through."""
    kinds = item.get("type")
    if "EnvelopedVerifiableCredential" not in (kinds if isinstance(kinds, list) else [kinds]):
        return item
    context = item.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if VC_V2 not in contexts or not all(isinstance(c, str | dict) for c in contexts):
        detail = f"an EnvelopedVerifiableCredential's @context must include {VC_V2}"
        return problem(422, "Unusable input", detail, "bad-input")
    header, comma, token = str(item.get("id", "")).partition(",")
    media = header.removeprefix("data:") if header.startswith("data:") else None
    known = media in ENVELOPED_MEDIA_TYPES or media == SD_JWT_MEDIA_TYPE
    if not comma or not known or not token:
        detail = (
            "an EnvelopedVerifiableCredential id must be data:application/vc+jwt,<JWT> "
            "or data:application/dc+sd-jwt,<SD-JWT>"
        )
        return problem(422, "Unusable input", detail, "unsupported-format")
    return token


def _first_failure(result: dict[str, Any]) -> str:
    errors = result["errors"]
    return f"{errors[0]['id']}: {errors[0]['detail']}" if errors else "verification failed"


@router.post("/credentials/verify", summary="Verify a credential (W3C VC-API)")
async def credentials_verify(request: Request, verifier: VerifierDep) -> Response:
    return await _verify(request, verifier, "verifiableCredential")


@router.post("/presentations/verify", summary="Verify a presentation (W3C VC-API)")
async def presentations_verify(request: Request, verifier: VerifierDep) -> Response:
    return await _verify(request, verifier, "verifiablePresentation")
