"""The wallet's web app: ``create_app(settings)`` wires everything; nothing runs at import.

Routes under ``/api/`` are JSON (errors as problem+json); every other route is a page
(errors as error pages). Each module adds its router below with one line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from servicekit.apidocs import docs_router
from servicekit.db import ConflictError, Database
from servicekit.health import health_router
from servicekit.limits import BodyLimit
from servicekit.logs import RequestLog
from servicekit.pages import templates_for
from servicekit.sessions import Sessions, load_or_create_secret
from servicekit.stats_api import stats_router
from vckit.keys.keypair import KeyKind, KeyPair
from wallet.accounts import demo_learner
from wallet.errors import WalletError
from wallet.installation import Installation
from wallet.migrations import migrate
from wallet.outbound import Outbound, Policy
from wallet.settings import Settings
from wallet.views.stats import wallet_stats
from wallet.web.api import disclose as disclose_api
from wallet.web.api import present as present_api
from wallet.web.api import receive as receive_api
from wallet.web.deps import COOKIE, NotSignedIn, visitor_of
from wallet.web.pages import account as pages
from wallet.web.pages import credentials as credentials_pages
from wallet.web.pages import disclose as disclose_pages
from wallet.web.pages import present as present_pages
from wallet.web.pages import receive as receive_pages
from wallet.web.pages.base import FormRefused, error_page, from_error, local_path
from wallet.web.problems import from_error as problem_from_error
from wallet.web.problems import problem

TEMPLATES = Path(__file__).parent / "templates"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    new_key: Callable[[KeyKind], KeyPair] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The wallet app. Tests pass a frozen ``clock``, fixed keys (``new_key``) and an httpx
    ``transport`` that routes outbound requests to in-process apps."""
    settings = settings or Settings.from_env()
    db = Database.connect(settings.database)
    migrate(db)
    policy = Policy(
        allow_http_localhost=settings.allow_http_localhost,
        allow_private=settings.allow_private,
        max_bytes=settings.fetch_max_bytes,
        timeout=settings.fetch_timeout,
    )
    extra: dict[str, Any] = {}
    if clock is not None:
        extra["clock"] = clock
    if new_key is not None:
        extra["new_key"] = new_key
    inst = Installation(db=db, settings=settings, http=Outbound(policy, transport), **extra)
    if settings.demo_seed:
        demo_learner.seed(inst)  # idempotent: the same account and password on every start
    app = FastAPI(
        title="LER wallet",
        version="0.1.0",
        description="A learner's wallet: keep, understand, curate and share one's own records.",
        docs_url=None,  # servicekit.apidocs serves /docs offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.inst = inst
    app.state.templates = templates_for(TEMPLATES)
    app.state.sessions = Sessions(load_or_create_secret(settings.data_dir), cookie=COOKIE)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog, service="wallet")  # outermost: logs every request

    # --- routers: one line per module (re-read this file right before editing) -------------
    app.include_router(credentials_pages.router)  # before pages: its /credentials wins
    app.include_router(pages.router)
    app.include_router(receive_api.router)
    app.include_router(receive_pages.router)  # + its lifespan: the background re-check
    app.include_router(present_pages.router)
    app.include_router(present_api.router)
    app.include_router(disclose_pages.router)
    app.include_router(disclose_api.router)
    app.include_router(health_router(db))  # /healthz, /readyz
    app.include_router(stats_router(lambda: wallet_stats(db)))  # /stats
    app.include_router(docs_router())  # /docs, offline

    @app.exception_handler(NotSignedIn)
    def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return problem(401, "Sign in first", "this route needs a signed-in learner", "sign-in")
        target = "/sign-in?" + urlencode({"next": local_path(request.url.path)})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(FormRefused)
    def form_refused(request: Request, exc: FormRefused) -> Response:
        detail = "The form's security token is missing or out of date. Reload the page and retry."
        visitor = visitor_of(request, inst)
        return error_page(request, visitor, 403, "Form refused", detail)

    @app.exception_handler(WalletError)
    def wallet_error(request: Request, exc: WalletError) -> Response:
        if _is_api(request):
            return problem_from_error(exc)
        return from_error(request, visitor_of(request, inst), exc)

    @app.exception_handler(ConflictError)
    def conflict(request: Request, exc: ConflictError) -> Response:
        detail = "a record with this key exists already"
        if _is_api(request):
            return problem(409, "Conflict", detail, "conflict")
        return error_page(request, visitor_of(request, inst), 409, "Already there", detail)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg')}"
        if _is_api(request):
            return problem(422, "Invalid request", detail, "invalid-request")
        return error_page(request, visitor_of(request, inst), 422, "Invalid request", detail)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        """Unknown paths and wrong methods: problem+json under /api/, else an error page."""
        title = "Not found" if exc.status_code == 404 else "Cannot do that"
        detail = "there is no such page" if exc.status_code == 404 else str(exc.detail)
        if _is_api(request):
            response: Response = problem(exc.status_code, title, detail, "http-error")
        else:
            visitor = visitor_of(request, inst)
            response = error_page(request, visitor, exc.status_code, title, detail)
        response.headers.update(exc.headers or {})
        return response

    return app
