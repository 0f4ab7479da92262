"""W3C VC-API verification routes: parse the body, call the use case, answer JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from servicekit.json_route import json_object
from servicekit.problems import problem
from vckit.credential import types_of
from vckit.errors import InputError
from vckit.verification.jwt import enveloped_token
from verifier.checking.verification import Verifier
from verifier.web.deps import VerifierDep

router = APIRouter(tags=["VC-API"])


async def _verify(request: Request, verifier: Verifier, field: str) -> Response:
    body = await json_object(request)
    if isinstance(body, Response):
        return body
    item = body.get(field)
    if not isinstance(item, dict | str):
        detail = f"'{field}' must be an object, a JWT or an SD-JWT"
        return problem(422, "Missing input", detail, "bad-input")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        return problem(422, "Bad options", "'options' must be an object", "bad-input")
    try:
        if field == "verifiableCredential" and isinstance(item, dict):
            # VC-API VerifyEnvelopedCredentialRequest: verified as the JWT / SD-JWT inside
            item = _enveloped(item)
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


def _enveloped(item: dict[str, Any]) -> dict[str, Any] | str:
    if "EnvelopedVerifiableCredential" in types_of(item):
        return enveloped_token(item)
    return item


def _first_failure(result: dict[str, Any]) -> str:
    errors = result["errors"]
    return f"{errors[0]['id']}: {errors[0]['detail']}" if errors else "verification failed"


@router.post("/credentials/verify", summary="Verify a credential (W3C VC-API)")
async def credentials_verify(request: Request, verifier: VerifierDep) -> Response:
    return await _verify(request, verifier, "verifiableCredential")


@router.post("/presentations/verify", summary="Verify a presentation (W3C VC-API)")
async def presentations_verify(request: Request, verifier: VerifierDep) -> Response:
    return await _verify(request, verifier, "verifiablePresentation")
