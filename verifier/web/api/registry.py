"""The governance registry, read-only, as JSON: ``GET /registry/issuers`` (public)."""

from __future__ import annotations

from typing import Any

from servicekit.json_route import api_router
from verifier.checking.registry import Registry
from verifier.web.deps import VerifierDep

router = api_router(tags=["Registry"])


def registry_json(registry: Registry | None) -> dict[str, Any]:
    """The registry as the API shows it (issuer DIDs and achievement ids fully spelled out)."""
    if registry is None:
        return {"name": None, "description": "no governance registry is configured", "issuers": []}
    return {
        "name": registry.name,
        "description": registry.description,
        "issuers": [
            {
                "did": entry.did,
                "name": entry.name,
                "accreditor": entry.accreditor,
                "achievements": list(entry.achievements),
                "alwaysDiscloses": sorted(entry.always_discloses),
            }
            for entry in registry.issuers
        ],
    }


@router.get("/registry/issuers", summary="The accredited issuers this verifier trusts")
def registry_issuers(verification: VerifierDep) -> dict[str, Any]:
    return registry_json(verification.registry)
