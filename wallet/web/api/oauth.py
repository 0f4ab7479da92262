"""The authorization server's machine endpoints (OB 3.0 §7; the consent page is in
:mod:`wallet.web.pages.connections`).

=====================================  ======  ======================================
``/.well-known/oauth-authorization-server``  GET  RFC 8414 metadata (endpoints, scopes)
``/oauth/register``    POST    RFC 7591 dynamic client registration (JSON) -> 201
``/oauth/token``       POST    RFC 6749 §4.1.3 code exchange, §6 refresh (form)
``/oauth/revoke``      POST    RFC 7009 token revocation (form) -> 200
=====================  ======  =====================================================

All four are public doors: registration is open, as OB 3.0 requires (at most
:data:`REGISTRATIONS_PER_MINUTE` per address); the other two authenticate the client
themselves. Errors are RFC JSON (``{"error": ..., "error_description": ...}``), never cached.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from servicekit.ratelimit import SlidingWindowLimiter
from wallet.host import clients, discovery, oauth, scopes
from wallet.host.bodies import json_value
from wallet.host.errors import OAuthError
from wallet.installation import Installation
from wallet.web.deps import InstallationDep

router = APIRouter(tags=["Open Badges host: OAuth 2.0"])
REGISTRATIONS_PER_MINUTE = 20
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _form_body(fields: dict[str, str], example: dict[str, str]) -> dict[str, Any]:
    """The OpenAPI request body of a form endpoint (the route reads the form itself)."""
    schema = {"type": "object", "properties": {name: {"type": "string", "description": text}
                                               for name, text in fields.items()}}  # fmt: skip
    return {"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": schema, "example": example}}}}  # fmt: skip


REGISTER_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["redirect_uris"], "properties": {
        "client_name": {"type": "string"}, "client_uri": {"type": "string"},
        "redirect_uris": {"type": "array", "items": {"type": "string"}},
        "grant_types": {"type": "array", "items": {"type": "string"}},
        "response_types": {"type": "array", "items": {"type": "string"}},
        "token_endpoint_auth_method": {"type": "string"}, "scope": {"type": "string"}}},
    "example": {
        "client_name": "Example Badge Platform", "client_uri": "https://platform.example/",
        "redirect_uris": ["https://platform.example/callback"],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"},
}}}}  # fmt: skip
TOKEN_BODY = _form_body(
    {"grant_type": "authorization_code or refresh_token", "code": "the authorization code",
     "redirect_uri": "as in the authorization request", "code_verifier": "the PKCE verifier",
     "refresh_token": "for grant_type refresh_token", "scope": "optional: narrower scope",
     "client_id": "a public client", "client_secret": "client_secret_post"},
    {"grant_type": "authorization_code", "code": "…", "redirect_uri":
     "https://platform.example/callback", "code_verifier": "…"},
)  # fmt: skip
REVOKE_BODY = _form_body(
    {"token": "the access or refresh token", "token_type_hint": "access_token or refresh_token"},
    {"token": "…", "token_type_hint": "refresh_token"},
)


def _registrations(request: Request) -> SlidingWindowLimiter:
    """The app's registration limiter (per app, made on first use)."""
    state = request.app.state
    if not hasattr(state, "registrations"):
        state.registrations = SlidingWindowLimiter(REGISTRATIONS_PER_MINUTE, 60)
    limiter: SlidingWindowLimiter = state.registrations
    return limiter


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; a parameter sent twice is refused
    (RFC 6749 §3.1, §3.2)."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "send the parameters as a form (x-www-form-urlencoded)")
    try:
        pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True,
                          strict_parsing=False, max_num_fields=50)  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "the form cannot be read") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise OAuthError("invalid_request", f"{name[:40]} is sent more than once")
        form[name] = value
    return form


@router.get("/.well-known/oauth-authorization-server")
def metadata(inst: InstallationDep) -> JSONResponse:
    """RFC 8414 §2: where the endpoints are and what this server supports (OB 3.0 names them
    in the Service Description Document; this is the same, for generic OAuth clients)."""
    base = inst.base_url
    return JSONResponse(
        {
            "issuer": base,
            "authorization_endpoint": base + discovery.AUTHORIZE,
            "token_endpoint": base + discovery.TOKEN,
            "registration_endpoint": base + discovery.REGISTER,
            "revocation_endpoint": base + discovery.REVOKE,
            "scopes_supported": sorted(scopes.KNOWN),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": list(clients.AUTH_METHODS),
            "revocation_endpoint_auth_methods_supported": list(clients.AUTH_METHODS),
            "code_challenge_methods_supported": ["S256"],
            "service_documentation": base + "/docs",
        }
    )


@router.post(discovery.REGISTER, status_code=201, openapi_extra=REGISTER_BODY)
async def register(request: Request, inst: InstallationDep) -> JSONResponse:
    address = request.client.host if request.client else "unknown"
    wait = _registrations(request).hit(address)
    if wait is not None:
        raise OAuthError("slow_down", "too many registrations from this address", 429,
                         {"Retry-After": str(math.ceil(wait))})  # fmt: skip
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/json":
        raise OAuthError("invalid_client_metadata", "send the client metadata as application/json")
    try:
        metadata = json_value(await request.body())
    except ValueError as exc:
        raise OAuthError("invalid_client_metadata", str(exc)) from None
    registered = await run_in_threadpool(clients.register, inst, metadata)
    return JSONResponse(registered, status_code=201, headers=NO_STORE)


def _exchange(
    inst: Installation, authorization: str | None, form: dict[str, str]
) -> dict[str, Any]:
    """The token request, off the event loop: the client, then the grant (database work)."""
    return oauth.exchange(inst, clients.authenticate(inst, authorization, form), form)


def _revoke(inst: Installation, authorization: str | None, form: dict[str, str]) -> None:
    oauth.revoke(inst, clients.authenticate(inst, authorization, form), form)


@router.post(discovery.TOKEN, openapi_extra=TOKEN_BODY)
async def token(request: Request, inst: InstallationDep) -> JSONResponse:
    form = await _form(request)
    authorization = request.headers.get("authorization")
    answer = await run_in_threadpool(_exchange, inst, authorization, form)
    return JSONResponse(answer, headers=NO_STORE)


@router.post(discovery.REVOKE, openapi_extra=REVOKE_BODY)
async def revoke(request: Request, inst: InstallationDep) -> Response:
    form = await _form(request)
    await run_in_threadpool(_revoke, inst, request.headers.get("authorization"), form)
    return Response(status_code=200, headers=NO_STORE)
