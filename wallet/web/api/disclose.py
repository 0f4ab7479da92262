"""JSON routes for selective disclosure (the signed-in learner's session; problem+json).

=======================================  ======================================================
``GET /api/credentials/{id}/fields``     the credential's fields: ``{"id", "format", "kind",
                                         "selective", "note", "fields": [{"pointer", "label",
                                         "value", "mandatory", "why"}]}``
``POST /api/credentials/{id}/preview``   ``{"disclose": [pointers]}`` (what goes) or
                                         ``{"hide": [pointers]}``; neither (or no body):
                                         everything. Answers
                                         ``{"credential": <exactly the JSON the verifier
                                         sees>, "shown", "hidden", "kept"}``
``POST /api/answers``                    ``{"request": "<openid4vp:// link, request_uri link
                                         or VC-API request JSON>", "credentials": [{"id",
                                         "disclose"?: [pointers], "hide"?: [pointers]}]}``:
                                         opens the request, puts each credential to the query
                                         it matches, sends once; answers ``{"request_id",
                                         "kind", "status", "accepted", "redirect_uri", "sent":
                                         {query id: [presentations as sent]}, "credentials":
                                         {id: {"shown", "hidden", "kept"}}}``
=======================================  ======================================================

``kind`` is ``ecdsa-sd-2023``, ``dc+sd-jwt`` or ``plain`` (every field locked: "this
credential's format cannot hide fields"). A pointer that names no field is 422
(``unknown-field``); a mandatory field asked to be hidden is shared anyway and listed in
``kept``; a credential id that is not the learner's is 404. A verifier that refuses the
answer is 502 with the same body.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from servicekit.json_route import api_router
from wallet.answering.at_once import Wanted, answer_at_once
from wallet.receiving import kept
from wallet.sharing import disclose, present
from wallet.sharing.disclose import MAX_POINTERS, Choice
from wallet.web.deps import CurrentAccount, InstallationDep

router = api_router(prefix="/api", tags=["selective disclosure"])

Pointers = list[str] | None

HELD_ID = "3f9c2a7e5b1d4c8e9a0b6f2d1e7c4a95"  # a credential id, as the wallet makes them
CHOICE_EXAMPLE: dict[str, Any] = {"disclose": ["/credentialSubject/achievement/name", "/validFrom"]}


class ChoiceIn(BaseModel):
    """The fields to share (``disclose``) or to keep back (``hide``), as JSON pointers;
    neither: every field."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [CHOICE_EXAMPLE, {"hide": ["/credentialSubject/result"]}]}
    )

    disclose: Pointers = Field(None, max_length=MAX_POINTERS, description="what goes")
    hide: Pointers = Field(None, max_length=MAX_POINTERS, description="what stays")


class WantedIn(ChoiceIn):
    """One of the learner's credentials for the answer, with its choice of fields."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": HELD_ID, **CHOICE_EXAMPLE}]})

    id: str = Field(min_length=1, max_length=64)


class AnswerIn(BaseModel):
    """A verifier's request and the credentials (with their fields) that answer it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "request": "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fverifier"
                    ".example%2Fopenid4vp%2Fresponse&request_uri=https%3A%2F%2Fverifier.example"
                    "%2Fopenid4vp%2Frequests%2F5d1c",
                    "credentials": [
                        {"id": HELD_ID, **CHOICE_EXAMPLE},
                    ],
                }
            ]
        }
    )

    request: str = Field(min_length=1, max_length=100_000)
    credentials: list[WantedIn] = Field(min_length=1, max_length=present.MAX_CREDENTIALS)


def _choice_json(choice: Choice) -> dict[str, Any]:
    return {"shown": list(choice.shown), "hidden": list(choice.hidden), "kept": list(choice.kept)}


@router.get("/credentials/{credential_id}/fields", summary="The fields of a credential")
def fields(credential_id: str, inst: InstallationDep, account: CurrentAccount) -> dict[str, Any]:
    record = kept.get(inst, account.id, credential_id)
    choice = disclose.choose(record)
    return {
        "id": record.id,
        "format": record.format,
        "kind": choice.kind,
        "selective": choice.selective,
        "note": choice.note,
        "fields": [
            {
                "pointer": f.pointer,
                "label": f.label,
                "value": f.value,
                "mandatory": f.mandatory,
                "why": f.why,
            }
            for f in choice.fields
        ],
    }


@router.post("/credentials/{credential_id}/preview", summary="What a verifier would see")
def preview(
    credential_id: str,
    inst: InstallationDep,
    account: CurrentAccount,
    body: Annotated[ChoiceIn | None, Body(examples=[CHOICE_EXAMPLE])] = None,
) -> dict[str, Any]:
    record = kept.get(inst, account.id, credential_id)
    body = body or ChoiceIn(disclose=None, hide=None)
    choice = disclose.choose(record, show=body.disclose, hide=body.hide)
    return {"credential": disclose.preview(choice), **_choice_json(choice)}


@router.post("/answers", summary="Answer a verifier's request with chosen fields")
def answers(body: AnswerIn, inst: InstallationDep, account: CurrentAccount) -> Response:
    wanted = [Wanted(c.id, show=c.disclose, hide=c.hide) for c in body.credentials]
    done = answer_at_once(inst, account, body.request, wanted)
    out = {
        "request_id": done.request_id,
        "kind": done.kind,
        "status": done.status,
        "accepted": done.accepted,
        "redirect_uri": done.redirect_uri,
        "sent": done.sent,
        "credentials": {i: _choice_json(c) for i, c in done.choices.items()},
    }
    return JSONResponse(out, status_code=200 if done.accepted else 502)
