"""The issuer's web app: ``create_app(settings)`` wires everything; nothing runs at import.

It opens the database (SQLite file or PostgreSQL URL), applies migrations, loads the demo
issuers on an empty database, and reads (or creates once, mode 600) the API token.
Tests pass ``clock`` and ``new_key`` to freeze time and reuse fixed keys.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from issuer.errors import IssuerError
from issuer.installation import Installation
from issuer.migrations import migrate
from issuer.organisations import catalogue
from issuer.organisations.identity import load_or_create
from issuer.settings import Settings
from issuer.stats import issuer_stats
from issuer.web.api import batches as batch_api
from issuer.web.api import oid4vci as oid4vci_api
from issuer.web.api import vc_api as api
from issuer.web.deps import TokenRefused
from issuer.web.pages import home as pages
from issuer.web.problems import from_error, problem
from servicekit.apidocs import docs_router
from servicekit.db import ConflictError, Database
from servicekit.health import health_router
from servicekit.limits import BodyLimit
from servicekit.logs import RequestLog
from servicekit.pages import templates_for
from servicekit.stats_api import stats_router
from vckit.keys.keypair import KeyKind, KeyPair

TEMPLATES = Path(__file__).parent / "templates"


def api_token(settings: Settings) -> str:
    """The configured token, or the one in ``<data>/api-token`` (created once, mode 600)."""
    if settings.api_token:
        return settings.api_token
    path = settings.data_dir / "api-token"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    new_key: Callable[[KeyKind], KeyPair] | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    db = Database.connect(settings.database)
    migrate(db)
    extra: dict[str, Any] = {}
    if clock is not None:
        extra["clock"] = clock
    if new_key is not None:
        extra["new_key"] = new_key
    inst = Installation(db=db, base_url=settings.base_url.rstrip("/"), **extra)
    if settings.demo_file is not None and settings.demo_file.exists():
        catalogue.load_demo(inst, settings.demo_file)
    identity = load_or_create(settings.data_dir, settings.base_url)
    templates = templates_for(TEMPLATES)
    app = FastAPI(
        title="LER issuer",
        version="0.1.0",
        description="Credentialing organizations: their DIDs, catalogues and credentials "
        "(W3C VC-API issue and status, Bitstring Status List).",
        docs_url=None,  # servicekit.apidocs serves /docs offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.inst = inst
    app.state.api_token = api_token(settings)
    app.state.templates = templates
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog, service="issuer")  # outermost: logs every request
    app.include_router(api.router)
    app.include_router(oid4vci_api.router)
    app.include_router(batch_api.router)
    app.include_router(health_router(db))  # /healthz, /readyz
    app.include_router(stats_router(lambda: issuer_stats(db)))  # /stats
    app.include_router(docs_router())  # /docs, offline
    pages.install(app, settings)  # HTML pages (public, and staff behind the sign-in)

    @app.exception_handler(TokenRefused)
    def token_refused(request: Request, exc: TokenRefused) -> Response:
        code = "unauthorized" if exc.status == 401 else "forbidden"
        title = "Unauthorized" if exc.status == 401 else "Forbidden"
        response = problem(exc.status, title, exc.detail, code)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="issuer"'
        return response

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return problem(422, "Invalid request", f"{where}: {first.get('msg')}", "invalid-request")

    @app.exception_handler(ConflictError)
    def conflict(request: Request, exc: ConflictError) -> Response:
        return problem(409, "Conflict", "a record with this key exists already", "conflict")

    @app.exception_handler(IssuerError)
    def issuer_error(request: Request, exc: IssuerError) -> Response:
        return from_error(exc)

    @app.get("/.well-known/did.json", summary="The installation's DID document (did:web)")
    def did_json() -> dict[str, Any]:
        return identity.did_document()

    return app
