"""The installation's issuers and their identities: the list, each issuer's did:web
document, key rotation (API token), and the installation's own DID document."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response

from issuer.organisations import catalogue, identity
from issuer.web.deps import IdentityDep, InstallationDep, TokenDep
from servicekit.json_route import api_router

router = api_router(tags=["Issuers"])


@router.get("/issuers", summary="The issuers of this installation")
def issuers(inst: InstallationDep) -> list[dict[str, Any]]:
    """Each issuer's slug, did:web DID, profile, ``identity`` (did:web or did:key) and, for
    did:key, ``didKeys``: the DID of each active key by kind (Ed25519, P-256, P-384)."""
    listed = []
    for i in catalogue.list_issuers(inst):
        entry = {"slug": i.slug, "did": i.did, "profile": i.profile, "identity": i.identity}
        if i.identity == "did:key":
            entry["didKeys"] = dict(identity.did_key_signers(inst, i.slug))
        listed.append(entry)
    return listed


@router.get("/issuers/{slug}/did.json", summary="An issuer's did:web document")
def issuer_did_document(slug: str, inst: InstallationDep) -> Response:
    document = identity.issuer_did_document(inst, slug)
    return JSONResponse(document, media_type="application/did+json")


@router.post(
    "/issuers/{slug}/keys/rotate",
    summary="Rotate the issuer's keys (old ones stay for assertionMethod)",
)
def rotate(slug: str, inst: InstallationDep, _: TokenDep) -> Response:
    return JSONResponse({"keys": identity.rotate_keys(inst, slug)})


@router.get("/.well-known/did.json", summary="The installation's DID document (did:web)")
def did_json(installation: IdentityDep) -> dict[str, Any]:
    return installation.did_document()
