"""Send to a learner's Open Badges host by the API (API token): ``POST /backpack/sends``
names an issued credential and the host; the answer's ``start`` link is for the learner's
browser (it goes to the host's consent page, and the host sends it back to the issuer's
callback, which upserts the credential). ``GET /backpack/sends/{id}``: the outcome."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from issuer.backpack import sending
from issuer.outbound import Outbound
from issuer.web.deps import InstallationDep, SettingsDep, TokenDep, TokenOrStaffDep
from servicekit.json_route import api_router

router = api_router(tags=["Backpack"])


class NewSend(BaseModel):
    """An issued credential (its id) and the learner's Open Badges host (its base URL)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"credential": "urn:uuid:1f0e…", "host": "https://wallet.example"}]
        },
    )
    credential: str = Field(min_length=1, max_length=200)
    host: str = Field(min_length=1, max_length=2000)


def outbound_of(request: Request) -> Outbound:
    http: Outbound = request.app.state.http
    return http


@router.post("/backpack/sends", status_code=201)
def new_send(
    body: NewSend, request: Request, inst: InstallationDep, settings: SettingsDep, _: TokenDep
) -> JSONResponse:
    """Discover and register at the host (once per host); the send and its start link."""
    started = sending.for_credential(
        inst, outbound_of(request), body.credential, body.host, settings.name
    )
    shown = sending.view(sending.get(inst, started.send_id)) | {"start": started.url}
    return JSONResponse(shown, status_code=201)


@router.get("/backpack/sends/{send_id}")
def get_send(send_id: str, inst: InstallationDep, _: TokenOrStaffDep) -> dict[str, Any]:
    """One send: its status (waiting, authorizing, sending, created, existing, refused,
    failed) and the host's answer."""
    return sending.view(sending.get(inst, send_id[:100]))
