"""W3C VC-API verification routes: the body is a declared model, the use case verifies, the
answer is JSON.

* ``POST /credentials/verify``    ``{"verifiableCredential", "options"?}`` (an object, a JWT,
  an SD-JWT, or a VC-API ``EnvelopedVerifiableCredential``)
* ``POST /presentations/verify``  ``{"verifiablePresentation", "options"?}``

A credential that fails verification is a 422 problem carrying the whole result; input
that cannot be verified (:class:`vckit.errors.InputError`) is a 422 problem (``app.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from servicekit.json_route import api_router
from servicekit.problems import Problem
from vckit.credential import types_of
from vckit.verification.jwt import enveloped_token
from verifier.checking.verification import Verifier
from verifier.web.deps import VerifierDep

router = api_router(tags=["VC-API"])

_CREDENTIAL_EXAMPLE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:issuer.example:issuers:college", "type": ["Profile"]},
    "validFrom": "2025-09-01T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"...": "..."}},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "...": "..."},
}


class VerifyOptions(BaseModel):
    """What a presentation must be bound to (VC-API ``options``); other members are ignored."""

    challenge: str | None = None
    domain: str | None = None


class VerifyCredential(BaseModel):
    """VC-API ``VerifyCredentialRequest`` (or ``VerifyEnvelopedCredentialRequest``)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"verifiableCredential": _CREDENTIAL_EXAMPLE}]}
    )

    verifiableCredential: dict[str, Any] | str
    """The credential as an object, or a VC-JWT / SD-JWT string."""
    options: VerifyOptions | None = None


class VerifyPresentation(BaseModel):
    """VC-API ``VerifyPresentationRequest``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verifiablePresentation": {
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": ["VerifiablePresentation"],
                        "holder": "did:key:z6MkoDQNanR9CqdMUuBNJ5Xgps4wSWT8ccjQtpoyXtKmZNEH",
                        "verifiableCredential": [_CREDENTIAL_EXAMPLE],
                        "proof": {"type": "DataIntegrityProof", "...": "..."},
                    },
                    "options": {"challenge": "3fa85f64", "domain": "verifier.example"},
                }
            ]
        }
    )

    verifiablePresentation: dict[str, Any] | str
    """The presentation as an object, or a JWT / SD-JWT+KB string."""
    options: VerifyOptions | None = None


async def _verify(
    verifier: Verifier, item: dict[str, Any] | str, options: VerifyOptions | None
) -> Response:
    options = options or VerifyOptions()
    # CPU-bound (and may fetch): off the event loop, so one request does not stall the rest
    report = await run_in_threadpool(
        verifier.verify, item, challenge=options.challenge, domain=options.domain
    )
    result: dict[str, Any] = {
        "verified": report.verdict == "pass",
        "checks": [c.id for c in report.all_checks() if c.status == "pass"],
        "warnings": [c.to_json() for c in report.all_checks() if c.status == "could-not-check"],
        "errors": [c.to_json() for c in report.all_checks() if c.status == "fail"],
        "report": report.to_json(),
    }
    if report.verdict == "fail":
        raise Problem(
            422, "Verification failed", _first_failure(result), "verification-failed", **result
        )
    return JSONResponse(result)


def _first_failure(result: dict[str, Any]) -> str:
    errors = result["errors"]
    return f"{errors[0]['id']}: {errors[0]['detail']}" if errors else "verification failed"


@router.post("/credentials/verify", summary="Verify a credential (W3C VC-API)")
async def credentials_verify(body: VerifyCredential, verifier: VerifierDep) -> Response:
    item = body.verifiableCredential
    if isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item):
        # VC-API VerifyEnvelopedCredentialRequest: verified as the JWT / SD-JWT inside
        item = enveloped_token(item)
    return await _verify(verifier, item, body.options)


@router.post("/presentations/verify", summary="Verify a presentation (W3C VC-API)")
async def presentations_verify(body: VerifyPresentation, verifier: VerifierDep) -> Response:
    return await _verify(verifier, body.verifiablePresentation, body.options)
