"""Credentials of the catalogue: issue one (API token), list the issued ones (API token),
and download one: by its download token (public: the URL is the capability), by its id
(API token), or baked into the badge image (OB 3.0 §5.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.installation import Installation
from issuer.issuing import baking, issuance
from issuer.organisations import catalogue
from issuer.web.deps import BearerDep, InstallationDep, TokenDep, require_token
from servicekit.json_route import api_router
from servicekit.paging import Limit, Offset
from servicekit.problems import Problem

router = api_router(tags=["Credentials"])
JSON_LD = "application/ld+json"
SD_JWT = "application/dc+sd-jwt"


def credential_json(record: issuance.CredentialRecord, inst: Installation) -> dict[str, Any]:
    return {
        "id": record.id,
        "issuer": record.issuer,
        "achievement": record.achievement,
        "format": record.format,
        "issued": record.issued,
        "revoked": record.revoked,
        "revokedReason": record.revoked_reason,
        "revokedReasonCode": record.revoked_code,
        "download": f"{inst.base_url}/credentials/{record.token}",
        "credential": record.document,
    }


class Recipient(BaseModel):
    """Who the credential is about: a DID (preferred), or an email address."""

    model_config = ConfigDict(extra="forbid")
    did: str | None = None
    email: str | None = None


class NewCredential(BaseModel):
    """An OB 3.0 credential of one of the issuer's achievements (slug or id). ``format``:
    eddsa-rdfc-2022 (default), ecdsa-rdfc-2019, vc-jwt, ob3-jwt, ecdsa-sd-2023 or sd-jwt-vc.
    The learner data (name, date of birth, grade) is optional."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "achievement": "fundamentals-of-nursing-1",
                    "recipient": {
                        "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
                    },
                    "format": "eddsa-rdfc-2022",
                    "suspension": False,
                    "valid_until": "2030-01-01T00:00:00Z",
                    "recipient_name": "Alex Rivera",
                }
            ]
        },
    )
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
    summary="Issue an OB 3.0 credential of a catalogue achievement",
)
def issue(slug: str, body: NewCredential, inst: InstallationDep, _: TokenDep) -> Response:
    record = issuance.issue_credential(
        inst,
        issuance.IssueRequest(
            issuer=slug,
            achievement=body.achievement,
            recipient_did=body.recipient.did,
            recipient_email=body.recipient.email,
            format=body.format,
            suspension=body.suspension,
            valid_until=body.valid_until,
            recipient_name=body.recipient_name,
            date_of_birth=body.date_of_birth,
            grade=body.grade,
        ),
    )
    return JSONResponse(credential_json(record, inst), status_code=201)


@router.get("/issuers/{slug}/credentials", summary="Issued credentials")
def issued(
    slug: str, inst: InstallationDep, _: TokenDep, limit: Limit = 50, offset: Offset = 0
) -> Response:
    catalogue.get_issuer(inst, slug)
    records = issuance.list_issued(inst, slug, limit=limit, offset=offset)
    return JSONResponse([credential_json(r, inst) for r in records])


@router.get(
    "/credentials/{key}",
    summary="Download a credential: by its download token (public, the URL is the "
    "capability) or by its id, e.g. urn:uuid:... (needs the API token)",
)
def download(key: str, request: Request, inst: InstallationDep, bearer: BearerDep) -> Response:
    if ":" in key:  # a credential id; tokens are base64url, without ':'
        require_token(request, bearer)
        record = issuance.by_id(inst, key)
    else:
        record = issuance.by_token(inst, key)
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
    summary="Download a credential baked into a badge image (OB 3.0 §5.3): png or svg",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def download_baked(token: str, kind: str, inst: InstallationDep) -> Response:
    if kind not in baking.MEDIA_TYPES:
        raise Problem(404, "Not found", f"a baked badge is .png or .svg, not .{kind}", "not-found")
    record = issuance.by_token(inst, token)
    if record.format == "sd-jwt-vc":
        detail = "an SD-JWT VC is not baked (OB 3.0 bakes JSON-LD or a VC-JWT); download it"
        raise Problem(422, "Cannot bake", detail, "not-bakeable")
    data, media_type, filename = baking.baked_download(
        record.document, None, cast(baking.Kind, kind)
    )
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
