"""CLR 2.0: issue a learner's Comprehensive Learner Record of a programme (API token).

The use case is :func:`issuer.issuing.clr.issue_clr`; the answer has the same shape as
``POST /issuers/{slug}/credentials`` (id, format, download link, the credential).
"""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.errors import InvalidRequestError
from issuer.issuing import clr
from issuer.web.api.credentials import Recipient, credential_json
from issuer.web.deps import InstallationDep, TokenDep
from servicekit.json_route import api_router

router = api_router(tags=["Credentials"])


class NewClr(BaseModel):
    """A ClrCredential of one of the issuer's programmes (an achievement with courses) for a
    learner named by DID. ``format``: eddsa-rdfc-2022 (default) or clr-jwt."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "programme": "practical-nursing-programme",
                    "recipient": {
                        "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
                    },
                    "format": "eddsa-rdfc-2022",
                }
            ]
        },
    )
    programme: str = Field(min_length=1, max_length=300)
    recipient: Recipient
    format: str = "eddsa-rdfc-2022"


@router.post(
    "/issuers/{slug}/clrs",
    status_code=201,
    summary="Issue a CLR 2.0 ClrCredential of a programme: the learner's credentials of it, "
    "its achievements and their associations",
)
def issue_clr(slug: str, body: NewClr, inst: InstallationDep, _: TokenDep) -> Response:
    if body.recipient.did is None:
        raise InvalidRequestError("a CLR names the learner by DID: give recipient.did")
    record = clr.issue_clr(
        inst,
        clr.ClrRequest(
            issuer=slug,
            programme=body.programme,
            recipient_did=body.recipient.did,
            format=body.format,
        ),
    )
    return JSONResponse(credential_json(record, inst), status_code=201)
