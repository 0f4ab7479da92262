"""The Open Badges 3.0 API of the wallet as a host, under ``/ims/ob/v3p0`` (OB 3.0 §6).

=====================  ======  ================================  =========================
``/discovery``         GET     the Service Description Document  public (§6.3)
``/credentials``       GET     getCredentials (paged)            ``credential.readonly``
``/credentials``       POST    upsertCredential (JSON or JWS)    ``credential.upsert``
``/profile``           GET     getProfile                        ``profile.readonly``
``/profile``           PUT     putProfile                        ``profile.update``
=====================  ======  ================================  =========================

Each operation is declared in ``/openapi.json`` with the official file's own operation object
(parameters, responses, security), and its components are added to the document. Every error
under ``/ims/ob/v3p0`` is an ``Imsx_StatusInfo`` body: 401/403 for the token, 400 for the input,
404 for a path the API does not have, 405 for a method it does not allow.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from servicekit.api_tokens import bearer
from vckit.ob.api import BASE_PATH, openapi
from wallet import accounts
from wallet.accounts import AccountRecord
from wallet.errors import NotFoundError
from wallet.host import credentials, discovery, oauth, profile, scopes
from wallet.host.bodies import json_value
from wallet.host.errors import HostError, OAuthError
from wallet.web.deps import InstallationDep

router = APIRouter(prefix=BASE_PATH, tags=["Open Badges host"])
OPERATIONS = {
    ("/discovery", "get"), ("/credentials", "get"), ("/credentials", "post"),
    ("/profile", "get"), ("/profile", "put"),
}  # fmt: skip
JSON_TYPES = ("application/json", "application/vc+ld+json", "application/ld+json")


EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("/credentials", "post"): {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "https://issuer.example/credentials/3732",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkLearner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.example/achievements/1",
                            "type": ["Achievement"], "name": "Example badge",
                            "description": "An example.", "criteria": {"narrative": "Do it."}},
        },
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "...": "..."},
    },
    ("/profile", "put"): {
        "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["Profile"], "id": "did:key:z6MkLearner", "name": "Sam Learner",
    },
}  # fmt: skip
"""A request body example per operation that takes JSON (the official file has none)."""


def _official(path: str, method: str) -> dict[str, Any]:
    """The official operation object (with a request example where it takes JSON)."""
    operation: dict[str, Any] = openapi()["paths"][path][method]
    example = EXAMPLES.get((path, method))
    for media, value in operation.get("requestBody", {}).get("content", {}).items():
        if example is not None and "json" in media:
            value["example"] = example
    return operation


def _authorized(request: Request, needed: str) -> tuple[AccountRecord, oauth.Token]:
    """The learner whose live access token, holding ``needed``, the request carries."""
    inst = request.app.state.inst
    token = oauth.access(inst, bearer(request.headers.get("authorization")), needed)
    try:
        return accounts.get(inst, token.account_id), token
    except NotFoundError:  # the account was deleted: its tokens went with it
        raise HostError(401, "unauthorizedrequest", "the access token is unknown") from None


def _account(request: Request, needed: str) -> AccountRecord:
    return _authorized(request, needed)[0]


@router.get("/discovery", openapi_extra=_official("/discovery", "get"))
def get_service_description(inst: InstallationDep) -> JSONResponse:
    return JSONResponse(discovery.service_description(inst))


@router.get("/credentials", openapi_extra=_official("/credentials", "get"))
def get_credentials(request: Request, inst: InstallationDep) -> JSONResponse:
    account = _account(request, scopes.CREDENTIAL_READ)
    found = credentials.page(inst, account, request.query_params)
    return JSONResponse(
        found.body, headers={"X-Total-Count": str(found.total), "Link": found.links}
    )


def _json(raw: bytes) -> Any:
    try:
        return json_value(raw)
    except ValueError as exc:
        raise HostError(400, "invalid_data", str(exc)) from None


async def _credential_body(request: Request) -> dict[str, Any] | str:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    raw = await request.body()
    if media == "text/plain":
        token = raw.decode("utf-8", "replace").strip()
        if token.count(".") != 2 or not token.isascii() or any(c.isspace() for c in token):
            raise HostError(400, "invalid_data", "a text/plain body must be one compact JWS")
        return token
    if media in JSON_TYPES:
        document = _json(raw)
        if not isinstance(document, dict):
            raise HostError(400, "invalid_data", "the body must be a credential (JSON object)")
        return document
    raise HostError(
        400, "invalid_data", "send the credential as application/json, or a JWS as text/plain"
    )


@router.post("/credentials", openapi_extra=_official("/credentials", "post"))
async def upsert_credential(request: Request, inst: InstallationDep) -> Response:
    account, token = await run_in_threadpool(_authorized, request, scopes.CREDENTIAL_UPSERT)
    document = await _credential_body(request)
    status = await run_in_threadpool(  # verifies
        credentials.upsert, inst, account, document, token.client_id
    )
    if isinstance(document, str):
        return PlainTextResponse(document, status_code=status)
    return JSONResponse(document, status_code=status)


@router.get("/profile", openapi_extra=_official("/profile", "get"))
def get_profile(request: Request, inst: InstallationDep) -> JSONResponse:
    return JSONResponse(profile.get(inst, _account(request, scopes.PROFILE_READ)))


@router.put("/profile", openapi_extra=_official("/profile", "put"))
async def put_profile(request: Request, inst: InstallationDep) -> JSONResponse:
    account = await run_in_threadpool(_account, request, scopes.PROFILE_UPDATE)
    document = _json(await request.body())
    return JSONResponse(await run_in_threadpool(profile.put, inst, account, document))


@router.api_route(
    "/{rest:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
def elsewhere(rest: str, request: Request) -> Response:
    """A path or a method the Open Badges API does not have, answered in its own terms."""
    path = "/" + rest
    allowed = sorted(m.upper() for p, m in OPERATIONS if p == path)
    if allowed:
        raise HostError(405, "not_allowed", f"{request.method} is not allowed here",
                        {"Allow": ", ".join(allowed)})  # fmt: skip
    raise HostError(404, "not_found", f"the Open Badges API has no {path[:100]}")


async def _host_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HostError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"} | exc.headers
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def install(app: FastAPI) -> None:
    """The routes, the two error answers, and the official components in ``/openapi.json``."""
    app.include_router(router)
    app.add_exception_handler(HostError, _host_error)
    app.add_exception_handler(OAuthError, _oauth_error)
    generated = app.openapi

    def with_official_components() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generated()
        components = document.setdefault("components", {})
        official = openapi()["components"]
        for section in ("schemas", "headers", "links", "securitySchemes"):
            mine = components.setdefault(section, {})
            for name, value in official.get(section, {}).items():
                mine.setdefault(name, value)
        scheme = discovery.service_description(app.state.inst)["components"]["securitySchemes"]
        components["securitySchemes"]["OAuth2ACG"] = scheme["OAuth2ACG"]
        return document

    app.openapi = with_official_components  # type: ignore[method-assign]
