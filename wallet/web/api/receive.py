"""JSON routes to receive credentials and re-check them (use cases in
:mod:`wallet.receiving.receive`). The signed-in learner's session authenticates; errors are
problem+json.

======================================  ========================================================
``POST /api/receive/offer``             ``{"offer": link | QR text | JSON, "tx_code"?}``; the same
                                        offer again goes on from where it stopped
``GET  /api/receive/offers``            my offers, each with its state (and error)
``GET  /api/receive/offers/{id}``       one offer's state
``POST /api/receive/offers/{id}``       ``{"tx_code"?}``: retry it from its recorded step
``DELETE /api/receive/offers/{id}``     remove a waiting or failed offer (409 once it is
                                        being received or taken)
``POST /api/receive/credential``        the credential as the body: ``application/json``,
                                        ``application/jwt``, ``application/dc+sd-jwt``,
                                        ``image/png``, ``image/svg+xml``
``POST /api/credentials/{id}/recheck``  verify one credential again
======================================  ========================================================

Verifying all of them again is a background job: :mod:`wallet.web.api.recheck`.

The raw-body route takes only those media types: a cross-site page can send ``text/plain`` or
a form without asking, never these (CORS preflight), so it cannot plant a credential.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from servicekit.json_route import api_router, declared_body
from servicekit.problems import Problem
from wallet.receiving import receive
from wallet.receiving.kept import CredentialRecord
from wallet.receiving.offer_words import offer_words
from wallet.web.deps import CurrentAccount, InstallationDep

router = api_router(prefix="/api", tags=["receive"])

JSON_TYPES = ("application/json", "application/ld+json", "application/vc+ld+json")
TEXT_TYPES = ("application/jwt", "application/vc+jwt", "application/dc+sd-jwt")
IMAGE_TYPES = ("image/png", "image/svg+xml")
BODY_TYPES = {*JSON_TYPES, *TEXT_TYPES, *IMAGE_TYPES}

EXAMPLE_CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example College"},
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:key:z6Mk...", "type": ["AchievementSubject"]},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
}
CREDENTIAL_BODY = declared_body(
    {
        **{
            media: {"schema": {"type": "object"}, "example": EXAMPLE_CREDENTIAL}
            for media in JSON_TYPES
        },
        **{media: {"schema": {"type": "string"}} for media in TEXT_TYPES},
        **{media: {"schema": {"type": "string", "format": "binary"}} for media in IMAGE_TYPES},
    },
    description="The credential itself: its JSON, a VC-JWT or SD-JWT, or a baked badge.",
)


def credential_json(record: CredentialRecord) -> dict[str, Any]:
    """A held credential with its last report and verdict."""
    report = record.report or {}
    return {
        "id": record.id,
        "format": record.format,
        "source": record.source,
        "received_at": record.received_at,
        "checked_at": record.checked_at,
        "verdict": record.verdict,
        "recipient": report.get("recipient"),
        "report": report,
        "credential": record.document,
    }


class OfferIn(BaseModel):
    """An OpenID4VCI credential offer to redeem (Pre-Authorized Code Flow)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "offer": "openid-credential-offer://?credential_offer_uri="
                    "https%3A%2F%2Fissuer.example%2Fissuers%2Fcollege%2Foffers%2F7f3a",
                    "tx_code": "493536",
                }
            ]
        }
    )

    offer: str = Field(min_length=1, max_length=20_000, description="link, QR text or JSON")
    tx_code: str | None = Field(None, max_length=100, description="the Transaction Code")


@router.post("/receive/offer", status_code=201, summary="Redeem an OpenID4VCI offer")
def receive_offer(body: OfferIn, inst: InstallationDep, account: CurrentAccount) -> Response:
    offer = receive.start_offer(inst, account, body.offer)
    got = receive.redeem_offer(inst, account, offer.id, tx_code=body.tx_code or None)
    return JSONResponse(credential_json(got.record), status_code=201)


class KeepIn(BaseModel):
    """An OpenID4VCI credential offer to keep, waiting, until the learner takes it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "offer": "openid-credential-offer://?credential_offer_uri="
                    "https%3A%2F%2Fissuer.example%2Fissuers%2Fcollege%2Foffers%2F7f3a"
                }
            ]
        }
    )

    offer: str = Field(min_length=1, max_length=20_000, description="link, QR text or JSON")


@router.post("/receive/offers", status_code=201, summary="Keep an OpenID4VCI offer for later")
def keep_offer(body: KeepIn, inst: InstallationDep, account: CurrentAccount) -> Response:
    """The offer is read (fetched when by reference) and listed as waiting; nothing is
    spent at the issuer until the learner takes it (``POST /api/receive/offers/{id}``, or
    the offer's page). The same offer again is the one already kept."""
    kept = receive.start_offer(inst, account, body.offer, keep=True)
    return JSONResponse(offer_json(kept), 201)


def offer_json(offer: receive.OfferRecord) -> dict[str, Any]:
    """An offer as the learner sees it: never its access token or request."""
    words = offer_words(offer.offer)
    return {
        "id": offer.id,
        "name": words.what,
        "issuer_name": words.issuer,
        "credential_issuer": offer.offer.get("credential_issuer"),
        "state": offer.state,
        "error": offer.error,
        "credential_id": offer.credential_id,
        "created": offer.created,
        "updated": offer.updated,
    }


@router.get("/receive/offers", summary="My credential offers and how receiving each went")
def list_offers(inst: InstallationDep, account: CurrentAccount) -> list[dict[str, Any]]:
    return [offer_json(offer) for offer in receive.list_offers(inst, account.id)]


@router.get("/receive/offers/{offer_id}", summary="One credential offer's state")
def get_offer(offer_id: str, inst: InstallationDep, account: CurrentAccount) -> dict[str, Any]:
    return offer_json(receive.get_offer(inst, account.id, offer_id))


@router.delete(
    "/receive/offers/{offer_id}", status_code=204, summary="Remove a waiting or failed offer"
)
def drop_offer(offer_id: str, inst: InstallationDep, account: CurrentAccount) -> Response:
    receive.drop_offer(inst, account.id, offer_id)
    return Response(status_code=204)


class RetryIn(BaseModel):
    """A retry of an offer: the Transaction Code when its Token Request is still to be sent."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"tx_code": "493536"}, {}]})

    tx_code: str | None = Field(None, max_length=100, description="the Transaction Code")


@router.post(
    "/receive/offers/{offer_id}",
    status_code=201,
    summary="Retry an offer from the step it stopped at",
)
def retry_offer(
    offer_id: str,
    inst: InstallationDep,
    account: CurrentAccount,
    body: Annotated[RetryIn | None, Body(examples=[{"tx_code": "493536"}, {}])] = None,
) -> Response:
    tx_code = body.tx_code if body is not None else None
    got = receive.redeem_offer(inst, account, offer_id, tx_code=tx_code or None)
    return JSONResponse(credential_json(got.record), status_code=201)


@router.post(
    "/receive/credential",
    status_code=201,
    summary="Add a credential (file or text)",
    openapi_extra=CREDENTIAL_BODY,
)
async def receive_credential(
    request: Request, inst: InstallationDep, account: CurrentAccount
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        allowed = ", ".join(sorted(BODY_TYPES))
        raise Problem(415, "Unsupported media type", f"send one of {allowed}", "media-type")
    body = await request.body()
    got = await run_in_threadpool(receive.receive_file, inst, account, body)  # verifies
    return JSONResponse(credential_json(got.record), status_code=201)


@router.post("/credentials/{credential_id}/recheck", summary="Verify one credential again")
def recheck(credential_id: str, inst: InstallationDep, account: CurrentAccount) -> dict[str, Any]:
    return credential_json(receive.recheck(inst, account.id, credential_id))
