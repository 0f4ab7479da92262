"""Status lists: each signed Bitstring Status List credential, public (W3C Bitstring Status
List v1.0 §2.2), and what the values of the revocation-reason ``message`` entries mean (their
``statusReference``, §2.1); revoking and suspending are the VC-API's ``/credentials/status``."""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response

from issuer.status import lists as status
from issuer.status import reasons
from issuer.web.deps import InstallationDep
from servicekit.json_route import api_router

router = api_router(tags=["Status"])
JSON_LD = "application/ld+json"


@router.get("/issuers/{slug}/status/{name}", summary="A signed Bitstring Status List credential")
def status_list(slug: str, name: str, inst: InstallationDep) -> Response:
    document = status.list_credential(inst, f"{inst.base_url}/issuers/{slug}/status/{name}")
    return JSONResponse(document, media_type=JSON_LD, headers={"Cache-Control": "no-cache"})


@router.get(
    reasons.REFERENCE_PATH,
    summary="What the values of a revocation-reason message status entry mean (statusReference)",
)
def revocation_reasons() -> Response:
    return JSONResponse(reasons.described())
