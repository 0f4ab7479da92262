"""Endorsements: an issuer endorses another issuer's profile or achievement (API token).

The use case is :mod:`issuer.issuing.endorse`; the answer has the shape of
``POST /issuers/{slug}/credentials``. The endorsements an issuer received are listed on its
public page (``/issuers/{slug}``) and embedded in the credentials issued afterwards.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.issuing import endorse
from issuer.web.api.credentials import credential_json
from issuer.web.deps import InstallationDep, TokenDep
from servicekit.json_route import api_router

router = api_router(tags=["Credentials"])


class NewEndorsement(BaseModel):
    """What the issuer ``{slug}`` endorses: another issuer's profile (``issuer``), or one of its
    achievements (``issuer`` and ``achievement``), with a comment."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "issuer": "community-college",
                    "achievement": "practical-nursing-programme",
                    "comment": "Approved practical nursing programme under Board rule 12.4.",
                }
            ]
        },
    )
    issuer: str = Field(min_length=1, max_length=100)
    achievement: str | None = Field(default=None, min_length=1, max_length=300)
    comment: str = Field(min_length=1, max_length=endorse.MAX_COMMENT)
    format: str = Field(
        default=endorse.FORMAT,
        max_length=40,
        description="eddsa-rdfc-2022 (Data Integrity) or ob3-jwt (VC-JWT, embedded as "
        "endorsementJwt in credentials issued as JWTs)",
    )


@router.post(
    "/issuers/{slug}/endorsements",
    status_code=201,
    summary="Endorse another issuer's profile or achievement (an OB 3.0 EndorsementCredential)",
)
def create(slug: str, body: NewEndorsement, inst: InstallationDep, _: TokenDep) -> Response:
    record = endorse.endorse(
        inst,
        endorse.EndorseRequest(
            endorser=slug,
            issuer=body.issuer,
            achievement=body.achievement,
            comment=body.comment,
            format=body.format,
        ),
    )
    return JSONResponse(credential_json(record, inst), status_code=201)
