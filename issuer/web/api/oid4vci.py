"""OpenID4VCI 1.0 endpoints of every issuer. The protocol lives in :mod:`issuer.offers.oid4vci`
(metadata, offers), :mod:`issuer.offers.token` (token) and :mod:`issuer.offers.credential`
(nonce, credential).

For the issuer ``<base>/issuers/<slug>`` (its Credential Issuer Identifier, §12.2.1):

==========================================================  ===================================
``GET  /.well-known/openid-credential-issuer/issuers/<slug>``   §12.2.2 Credential Issuer Metadata
``GET  /.well-known/oauth-authorization-server/issuers/<slug>`` RFC 8414 §3 AS Metadata (§12.3)
``POST /issuers/<slug>/offers``   (API token)               make an offer (pre-authorized code)
``GET  /issuers/<slug>/offers/<id>``                        §4.1.3 the offer, by reference
``POST /issuers/<slug>/token``                              §6 Token Endpoint (form-encoded)
``POST /issuers/<slug>/nonce``                              §7 Nonce Endpoint
``POST /issuers/<slug>/credential``  (Bearer access token)  §8 Credential Endpoint
==========================================================  ===================================

Protocol errors (:class:`issuer.offers.oid4vci.OAuthError`) are the protocol's JSON
(``{"error", "error_description"}``, RFC 6749 §5.2, RFC 6750 §3, §8.3.1), answered by
:func:`oauth_error` (``app.py`` installs it); operator errors are problem+json like the rest
of the API. The Token and Credential Endpoints read their bodies themselves, so that a bad
one is answered in the protocol's terms; ``openapi_extra`` declares them.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.offers import credential as oid4vci_credential
from issuer.offers import oid4vci
from issuer.offers import token as token_endpoint
from issuer.web.deps import InstallationDep as InstDep
from issuer.web.deps import TokenDep
from servicekit.api_tokens import bearer
from servicekit.json_route import RawBody, api_router, declared_body, declared_json
from vckit.document import parse_json
from vckit.errors import InputError

MAX_FORM_BYTES = 16_384
MAX_REQUEST_BYTES = 65_536
NO_STORE = {"Cache-Control": "no-store"}
FORM = "application/x-www-form-urlencoded"

router = api_router(tags=["OpenID4VCI"])


def _nonces(request: Request) -> oid4vci_credential.Nonces:
    """The c_nonce key, derived from the installation's nonce secret, the same in every
    process (:class:`oid4vci_credential.Nonces`, :mod:`issuer.organisations.access`)."""
    return oid4vci_credential.Nonces.from_secret(request.app.state.nonce_secret)


NoncesDep = Annotated[oid4vci_credential.Nonces, Depends(_nonces)]


def oauth_error(error: oid4vci.OAuthError) -> Response:
    """The protocol's error response (``app.py`` answers every :class:`oid4vci.OAuthError`
    with it)."""
    headers = dict(NO_STORE)
    if error.status in (401, 403):  # RFC 6750 §3
        headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


# --- metadata ------------------------------------------------------------------------------


@router.get(
    "/.well-known/openid-credential-issuer/issuers/{slug}",
    summary="Credential Issuer Metadata (OID4VCI §12.2)",
)
def issuer_metadata(slug: str, inst: InstDep) -> Response:
    return JSONResponse(oid4vci.issuer_metadata(inst, slug))


@router.get(
    "/.well-known/oauth-authorization-server/issuers/{slug}",
    summary="OAuth 2.0 Authorization Server Metadata (RFC 8414, OID4VCI §12.3)",
)
def authorization_server_metadata(slug: str, inst: InstDep) -> Response:
    return JSONResponse(oid4vci.authorization_server_metadata(inst, slug))


# --- offers ----------------------------------------------------------------------------------


class OfferIn(BaseModel):
    """An offer of one achievement, redeemed with a pre-authorized code (§4.1.1)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "achievement": "fundamentals-of-nursing-1",
                    "tx_code": True,
                    "configuration_ids": ["OpenBadgeCredential_ldp_vc_ecdsa_sd"],
                    "recipient_name": "Alex Rivera",
                    "date_of_birth": "2001-04-17",
                }
            ]
        }
    )
    achievement: str = Field(min_length=1, max_length=500, description="slug or id")
    tx_code: bool = Field(False, description="require a Transaction Code, shown once")
    configuration_ids: list[str] | None = Field(
        None, description="offer only these credential configurations (default: all)"
    )
    recipient_name: str | None = Field(None, max_length=200, description="put in the credential")
    date_of_birth: str | None = Field(None, max_length=10, description="YYYY-MM-DD")
    grade: str | None = Field(None, min_length=1, max_length=100, description="an allowedValue")


def offer_json(offer: oid4vci.Offer) -> dict[str, Any]:
    body = {
        "id": offer.id,
        "credential_offer": offer.offer,
        "credential_offer_uri": offer.url,
        "offer_uri": offer.by_reference,
        "offer_uri_by_value": offer.by_value,
        "expires_at": offer.expires_at,
    }
    if offer.tx_code is not None:
        body["tx_code"] = offer.tx_code
    return body


@router.post(
    "/issuers/{slug}/offers",
    status_code=201,
    summary="Offer an achievement to a wallet (pre-authorized code)",
)
def create_offer(slug: str, body: OfferIn, inst: InstDep, _: TokenDep) -> Response:
    learner = {name: getattr(body, name) for name in oid4vci.LEARNER_FIELDS}
    offer = oid4vci.create_offer(
        inst,
        slug,
        body.achievement,
        tx_code=body.tx_code,
        configuration_ids=body.configuration_ids,
        learner=learner,
    )
    return JSONResponse(offer_json(offer), status_code=201, headers=NO_STORE)


@router.get("/issuers/{slug}/offers/{offer_id}", summary="Credential Offer by reference (§4.1.3)")
def offer_by_reference(slug: str, offer_id: str, inst: InstDep) -> Response:
    return JSONResponse(oid4vci.get_offer(inst, slug, offer_id).offer, headers=NO_STORE)


# --- Token, Nonce and Credential Endpoints -----------------------------------------------------

TOKEN_REQUEST = declared_body(
    {
        FORM: {
            "schema": {
                "type": "object",
                "required": ["grant_type", "pre-authorized_code"],
                "properties": {
                    "grant_type": {
                        "type": "string",
                        "enum": ["urn:ietf:params:oauth:grant-type:pre-authorized_code"],
                    },
                    "pre-authorized_code": {"type": "string"},
                    "tx_code": {"type": "string", "description": "when the offer asks for one"},
                },
            },
        }
    }
)


class KeyProofs(BaseModel):
    jwt: list[str] = Field(min_length=1, max_length=1, description="one key proof JWT (F.1)")


class CredentialRequest(BaseModel):
    """§8.2 Credential Request: the configuration wanted and one key proof of the holder's
    key, its ``nonce`` a c_nonce from the Nonce Endpoint. Checked as §8.3.1 says (errors in
    the protocol's terms) by :func:`issuer.offers.credential.issue`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
                    "proofs": {"jwt": ["eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6..."]},
                }
            ]
        }
    )
    credential_configuration_id: str
    proofs: KeyProofs


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@router.post(
    "/issuers/{slug}/token",
    summary="Token Endpoint (§6, pre-authorized code)",
    openapi_extra=TOKEN_REQUEST,
)
def token(slug: str, request: Request, inst: InstDep, raw: RawBody) -> Response:
    if _media_type(request) != FORM:
        raise oid4vci.OAuthError("invalid_request", f"the Token Request is {FORM}")
    if len(raw) > MAX_FORM_BYTES:
        raise oid4vci.OAuthError("invalid_request", "the Token Request is too large")
    try:
        form = parse_qs(raw.decode("ascii"), strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError) as exc:
        raise oid4vci.OAuthError("invalid_request", "the form is not URL-encoded") from exc
    return JSONResponse(token_endpoint.redeem(inst, slug, form), headers=NO_STORE)


@router.post("/issuers/{slug}/nonce", summary="Nonce Endpoint (§7)")
def nonce(slug: str, inst: InstDep, nonces: NoncesDep) -> Response:
    return JSONResponse(oid4vci_credential.new_nonce(inst, nonces, slug), headers=NO_STORE)


@router.post(
    "/issuers/{slug}/credential",
    summary="Credential Endpoint (§8)",
    openapi_extra=declared_json(CredentialRequest),
)
def credential(
    slug: str,
    request: Request,
    inst: InstDep,
    nonces: NoncesDep,
    raw: RawBody,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    body: object = None
    if _media_type(request) == "application/json" and len(raw) <= MAX_REQUEST_BYTES:
        try:
            body = parse_json(raw.decode("utf-8"))
        except (InputError, UnicodeDecodeError):
            body = None
    issued = oid4vci_credential.issue(inst, nonces, slug, bearer(authorization), body)
    return JSONResponse(issued, headers=NO_STORE)
