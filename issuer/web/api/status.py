"""Status lists: each signed Bitstring Status List credential, public (W3C Bitstring Status
List v1.0 §2.2), and what the values of the revocation-reason ``message`` entries mean (their
``statusReference``, §2.1); revoking and suspending are the VC-API's ``/credentials/status``.

A status list is served with ``Cache-Control: public, max-age=N``, ``N`` the installation's
``LER_ISSUER_STATUS_MAX_AGE`` (60 s by default; 0: ``no-cache``): whoever caches it is told
how long a revocation may go unseen (:func:`status_cache_control`)."""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response

from issuer.status import lists as status
from issuer.status import reasons
from issuer.web.deps import InstallationDep, SettingsDep
from servicekit.json_route import api_router

router = api_router(tags=["Status"])
JSON_LD = "application/ld+json"


@router.get("/issuers/{slug}/status/{name}", summary="A signed Bitstring Status List credential")
def status_list(slug: str, name: str, inst: InstallationDep, settings: SettingsDep) -> Response:
    document = status.list_credential(inst, f"{inst.base_url}/issuers/{slug}/status/{name}")
    headers = {"Cache-Control": status_cache_control(settings.status_max_age)}
    return JSONResponse(document, media_type=JSON_LD, headers=headers)


def status_cache_control(max_age: int) -> str:
    """The ``Cache-Control`` of a status list: public for ``max_age`` seconds (0: revalidate
    every time, ``no-cache``)."""
    return f"public, max-age={max_age}" if max_age > 0 else "no-cache"


@router.get(
    reasons.REFERENCE_PATH,
    summary="What the values of a revocation-reason message status entry mean (statusReference)",
)
def revocation_reasons() -> Response:
    return JSONResponse(reasons.described())
