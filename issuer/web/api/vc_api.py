"""The issuer's JSON routes: W3C VC-API issue and status, per-issuer DIDs, catalogue,
credential issue and download, status lists, key rotation.

Write routes need the API token (``TokenDep``: 401 without, 403 wrong); DID documents,
status lists, achievements and the capability-URL download are public. Routes parse,
call one use-case function, and answer; use-case errors become problem+json
(:func:`issuer.web.problems.from_error`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal, cast

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from issuer.errors import IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import baking, issuance
from issuer.issuing import vc_api as vc_api_issue
from issuer.organisations import catalogue, identity
from issuer.status import lists as status
from issuer.store import CredentialRecord
from issuer.web.deps import InstallationDep, TokenDep, check_token
from issuer.web.problems import from_error, problem
from vckit.document import MAX_DEPTH, check_depth
from vckit.errors import BakingError, InputError

router = APIRouter()
JSON_LD = "application/ld+json"
SD_JWT = "application/dc+sd-jwt"


async def _json_object(request: Request) -> dict[str, Any] | Response:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        check_depth(text, MAX_DEPTH)
        body = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return problem(400, "Malformed request", "the body is not JSON", "malformed-json")
    except InputError as exc:
        return problem(400, "Malformed request", str(exc), exc.code)
    if not isinstance(body, dict):
        return problem(400, "Malformed request", "the body must be a JSON object", "bad-input")
    return body


def _invalid(exc: ValidationError) -> Response:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    first = errors[0]
    detail = f"{first['field']}: {first['message']}" if errors else "invalid request"
    return problem(422, "Invalid request", detail, "invalid-request", errors=errors)


def _credential_json(record: CredentialRecord, inst: Installation) -> dict[str, Any]:
    return {
        "id": record.id,
        "issuer": record.issuer,
        "achievement": record.achievement,
        "format": record.format,
        "issued": record.issued,
        "revoked": record.revoked,
        "download": f"{inst.base_url}/credentials/{record.token}",
        "credential": record.document,
    }


# --- W3C VC-API ------------------------------------------------------------------------------


class IssueOptions(BaseModel):
    """VC-API IssueCredentialOptions (``mandatoryPointers`` with the ``ecdsa-sd-2023``
    ``cryptosuite``), plus this issuer's ``format`` and ``suspension``."""

    model_config = ConfigDict(extra="forbid")
    credentialId: str | None = None
    mandatoryPointers: list[str] | None = None
    cryptosuite: Literal["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "ecdsa-sd-2023"] | None = None
    format: Literal["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt", "ecdsa-sd-2023"] = (
        "eddsa-rdfc-2022"
    )
    suspension: bool = False


def _enveloped(record: CredentialRecord) -> dict[str, Any] | str:
    """A JWT goes back as an EnvelopedVerifiableCredential (VC 2.0 §4.13)."""
    if isinstance(record.document, dict):
        return record.document
    media = "application/vc+jwt" if record.format == "vc-jwt" else "application/jwt"
    return {
        "@context": vc_api_issue.VC_V2,
        "id": f"data:{media},{record.document}",
        "type": "EnvelopedVerifiableCredential",
    }


@router.post(
    "/credentials/issue",
    status_code=201,
    tags=["VC-API"],
    summary="Issue a credential (W3C VC-API); the issuer is credential.issuer",
)
async def credentials_issue(request: Request, inst: InstallationDep, _: TokenDep) -> Response:
    body = await _json_object(request)
    if isinstance(body, Response):
        return body
    credential = body.get("credential")
    if not isinstance(credential, dict):
        return problem(400, "Malformed request", "'credential' must be an object", "bad-input")
    unknown = set(body) - {"credential", "options"}
    if unknown:
        return problem(400, "Malformed request", f"unknown members {sorted(unknown)}", "bad-input")
    try:
        options = IssueOptions.model_validate(body.get("options") or {})
    except ValidationError as exc:
        return _invalid(exc)
    chosen = options.cryptosuite or options.format
    if options.cryptosuite and "format" in options.model_fields_set and options.format != chosen:
        return problem(422, "Invalid request", "format and cryptosuite differ", "bad-input")
    if options.mandatoryPointers is not None and chosen != "ecdsa-sd-2023":
        return problem(
            422,
            "Invalid request",
            "mandatoryPointers: use the ecdsa-sd-2023 cryptosuite for selective disclosure",
            "bad-input",
        )
    try:
        record = vc_api_issue.issue_document(
            inst,
            credential,
            format=chosen,
            credential_id=options.credentialId,
            suspension=options.suspension,
            mandatory_pointers=options.mandatoryPointers,
        )
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse({"verifiableCredential": _enveloped(record)}, status_code=201)


_STATUS_WORDS: dict[str, tuple[str, bool]] = {
    "revoked": ("revocation", True),
    "suspended": ("suspension", True),
    "unsuspended": ("suspension", False),
    "active": ("suspension", False),
}


def _status_changes(body: dict[str, Any]) -> list[tuple[str, bool]] | str:
    """Both VC-API shapes: ``credentialStatus: [{type, status: "revoked"|"suspended"|
    "unsuspended"}]`` and ``credentialStatus: {type, statusPurpose}, status: bool``."""
    entries = body.get("credentialStatus")
    if isinstance(entries, dict):
        purpose, value = entries.get("statusPurpose"), body.get("status")
        if purpose not in status.PURPOSES or not isinstance(value, bool):
            return "give credentialStatus.statusPurpose (revocation|suspension) and status: bool"
        if entries.get("type") not in ("BitstringStatusListEntry", "BitstringStatusList"):
            return "credentialStatus.type must be BitstringStatusListEntry"
        return [(purpose, value)]
    if not isinstance(entries, list) or not entries:
        return "credentialStatus must be a non-empty list of {type, status}"
    changes = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return "each credentialStatus item needs type BitstringStatusListEntry"
        word = entry.get("status")
        if word not in _STATUS_WORDS:
            return f"status must be one of {', '.join(_STATUS_WORDS)}"
        changes.append(_STATUS_WORDS[word])
    return changes


@router.post(
    "/credentials/status",
    tags=["VC-API"],
    summary="Revoke, suspend or unsuspend a credential (W3C VC-API)",
)
async def credentials_status(request: Request, inst: InstallationDep, _: TokenDep) -> Response:
    body = await _json_object(request)
    if isinstance(body, Response):
        return body
    credential_id = body.get("credentialId")
    if not isinstance(credential_id, str) or not credential_id:
        return problem(400, "Malformed request", "credentialId must be a string", "bad-input")
    changes = _status_changes(body)
    if isinstance(changes, str):
        return problem(400, "Malformed request", changes, "bad-input")
    try:
        changed = [status.set_status(inst, credential_id, p, v) for p, v in changes]
        now = status.status_of(inst, credential_id)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse({"credentialId": credential_id, "changed": any(changed), "status": now})


# --- issuers, keys, DIDs -------------------------------------------------------------------


@router.get("/issuers", tags=["Issuers"], summary="The issuers of this installation")
def issuers(inst: InstallationDep) -> list[dict[str, Any]]:
    return [
        {"slug": i.slug, "did": i.did, "profile": i.profile} for i in catalogue.list_issuers(inst)
    ]


@router.get("/issuers/{slug}/did.json", tags=["Issuers"], summary="An issuer's did:web document")
def issuer_did_document(slug: str, inst: InstallationDep) -> Response:
    try:
        document = identity.issuer_did_document(inst, slug)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse(document, media_type="application/did+json")


@router.post(
    "/issuers/{slug}/keys/rotate",
    tags=["Issuers"],
    summary="Rotate the issuer's keys (old ones stay for assertionMethod)",
)
def rotate(slug: str, inst: InstallationDep, _: TokenDep) -> Response:
    try:
        new = identity.rotate_keys(inst, slug)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse({"keys": new})


# --- catalogue --------------------------------------------------------------------------------


@router.get("/issuers/{slug}/achievements", tags=["Catalogue"], summary="The issuer's catalogue")
def achievements(slug: str, inst: InstallationDep) -> Response:
    try:
        found = catalogue.list_achievements(inst, slug)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse([{"slug": a.slug, **a.achievement} for a in found])


@router.get("/issuers/{slug}/achievements/{achievement}", tags=["Catalogue"])
def achievement(slug: str, achievement: str, inst: InstallationDep) -> Response:
    try:
        found = catalogue.get_achievement(inst, slug, achievement)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse(found.achievement)


class NewAchievement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str
    achievement: dict[str, Any]


@router.post("/issuers/{slug}/achievements", status_code=201, tags=["Catalogue"])
async def create_achievement(
    slug: str, request: Request, inst: InstallationDep, _: TokenDep
) -> Response:
    body = await _json_object(request)
    if isinstance(body, Response):
        return body
    try:
        new = NewAchievement.model_validate(body)
        record = catalogue.create_achievement(inst, slug, new.slug, new.achievement)
    except ValidationError as exc:
        return _invalid(exc)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse(record.achievement, status_code=201)


# --- issue, list, download ------------------------------------------------------------------


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    did: str | None = None
    email: str | None = None


class NewCredential(BaseModel):
    model_config = ConfigDict(extra="forbid")
    achievement: str = Field(min_length=1)
    recipient: Recipient
    format: str = "eddsa-rdfc-2022"
    suspension: bool = False
    valid_until: datetime | None = None
    recipient_name: str | None = Field(default=None, max_length=200)
    date_of_birth: str | None = Field(default=None, max_length=10)
    grade: str | None = Field(default=None, min_length=1, max_length=100)


@router.post(
    "/issuers/{slug}/credentials",
    status_code=201,
    tags=["Credentials"],
    summary="Issue an OB 3.0 credential of a catalogue achievement",
)
async def issue(slug: str, request: Request, inst: InstallationDep, _: TokenDep) -> Response:
    body = await _json_object(request)
    if isinstance(body, Response):
        return body
    try:
        new = NewCredential.model_validate(body)
        record = issuance.issue_credential(
            inst,
            issuance.IssueRequest(
                issuer=slug,
                achievement=new.achievement,
                recipient_did=new.recipient.did,
                recipient_email=new.recipient.email,
                format=new.format,
                suspension=new.suspension,
                valid_until=new.valid_until,
                recipient_name=new.recipient_name,
                date_of_birth=new.date_of_birth,
                grade=new.grade,
            ),
        )
    except ValidationError as exc:
        return _invalid(exc)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse(_credential_json(record, inst), status_code=201)


@router.get("/issuers/{slug}/credentials", tags=["Credentials"], summary="Issued credentials")
def issued(
    slug: str, inst: InstallationDep, _: TokenDep, limit: int = 50, offset: int = 0
) -> Response:
    try:
        catalogue.get_issuer(inst, slug)
        records = issuance.list_issued(inst, slug, limit=min(max(limit, 1), 500), offset=offset)
    except IssuerError as exc:
        return from_error(exc)
    return JSONResponse([_credential_json(r, inst) for r in records])


@router.get(
    "/credentials/{key}",
    tags=["Credentials"],
    summary="Download a credential: by its download token (public, the URL is the "
    "capability) or by its id, e.g. urn:uuid:... (needs the API token)",
)
async def download(key: str, request: Request, inst: InstallationDep) -> Response:
    try:
        if ":" in key:  # a credential id; tokens are base64url, without ':'
            await check_token(request)
            record = issuance.by_id(inst, key)
        else:
            record = issuance.by_token(inst, key)
    except IssuerError as exc:
        return from_error(exc)
    name = record.id.rpartition(":")[2]
    if record.format == "sd-jwt-vc" and isinstance(record.document, str):
        return Response(
            record.document,
            media_type=SD_JWT,
            headers={"Content-Disposition": f'attachment; filename="{name}.sd-jwt"'},
        )
    if isinstance(record.document, str):
        return Response(
            record.document,
            media_type="application/jwt",
            headers={"Content-Disposition": f'attachment; filename="{name}.jwt"'},
        )
    return JSONResponse(
        record.document,
        media_type=JSON_LD,
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


@router.get(
    "/credentials/{token}/baked.{kind}",
    tags=["Credentials"],
    summary="Download a credential baked into a badge image (OB 3.0 §5.3): png or svg",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def download_baked(token: str, kind: str, inst: InstallationDep) -> Response:
    if kind not in baking.MEDIA_TYPES:
        return problem(404, "Not found", f"a baked badge is .png or .svg, not .{kind}", "not-found")
    try:
        record = issuance.by_token(inst, token)
        if record.format == "sd-jwt-vc":
            detail = "an SD-JWT VC is not baked (OB 3.0 bakes JSON-LD or a VC-JWT); download it"
            return problem(422, "Cannot bake", detail, "not-bakeable")
        data, media_type, filename = baking.baked_download(
            record.document, None, cast(baking.Kind, kind)
        )
    except IssuerError as exc:
        return from_error(exc)
    except BakingError as exc:
        return problem(422, "Cannot bake", str(exc), exc.code)
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


# --- status lists -------------------------------------------------------------------------


@router.get(
    "/issuers/{slug}/status/{name}",
    tags=["Status"],
    summary="A signed Bitstring Status List credential",
)
def status_list(slug: str, name: str, inst: InstallationDep) -> Response:
    try:
        document = status.list_credential(inst, f"{inst.base_url}/issuers/{slug}/status/{name}")
    except NotFoundError as exc:
        return from_error(exc)
    return JSONResponse(document, media_type=JSON_LD, headers={"Cache-Control": "no-cache"})
