"""The wallet's web app: ``create_app(settings)`` wires everything; nothing runs at import.

Routes under ``/api/`` are JSON (errors as problem+json); every other route is a page
(errors as the error page): :func:`servicekit.app.service_app` answers both, from the
wallet's table of use-case errors (:mod:`wallet.web.problems`). Only the sign-in rule is the
wallet's own: a page that needs a learner redirects to the sign-in page, an API route
answers 401. Each web module adds its router below with one line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response

from servicekit.app import SHARED_PUBLIC, ErrorRules, Service, service_app
from servicekit.db import Database
from servicekit.kek import load_keyring, seal_at_start
from servicekit.migrations import STARTUP_LOCK
from servicekit.problems import problem
from servicekit.sessions import Sessions, session_secret
from servicekit.shared_ratelimit import SharedFailureLimiter
from vckit.keys.keypair import KeyKind, KeyPair
from wallet.accounts import demo_learner
from wallet.installation import Installation
from wallet.migrations import migrate
from wallet.outbound import Outbound, Policy
from wallet.receiving import background, recheck_job
from wallet.settings import Settings
from wallet.store.sealed import SEALED
from wallet.views.stats import wallet_stats
from wallet.web.api import disclose as disclose_api
from wallet.web.api import host as host_api
from wallet.web.api import oauth as oauth_api
from wallet.web.api import present as present_api
from wallet.web.api import receive as receive_api
from wallet.web.api import recheck as recheck_api
from wallet.web.deps import COOKIE, NotSignedIn
from wallet.web.pages import account as account_pages
from wallet.web.pages import clr as clr_pages
from wallet.web.pages import connections as connections_pages
from wallet.web.pages import credentials as credentials_pages
from wallet.web.pages import disclose as disclose_pages
from wallet.web.pages import present as present_pages
from wallet.web.pages import receive as receive_pages
from wallet.web.pages import recheck as recheck_pages
from wallet.web.pages import requests as requests_pages
from wallet.web.pages.base import error_page, sign_in_first
from wallet.web.problems import STATUSES

PUBLIC: frozenset[tuple[str, str]] = SHARED_PUBLIC | frozenset(
    {
        ("GET", "/"),
        ("GET", "/sign-up"),
        ("POST", "/sign-up"),
        ("GET", "/sign-in"),
        ("POST", "/sign-in"),
        ("GET", "/s/{token}"),  # a share link: the token in the URL is the capability
        ("GET", "/privacy"),
        # the Open Badges host (OB 3.0 §6.3, §7): discovery and registration are open; the
        # token and revocation endpoints authenticate the client themselves
        ("GET", "/ims/ob/v3p0/discovery"),
        *(  # any other path or method there: the API's own 404 / 405, nothing behind it
            (method, "/ims/ob/v3p0/{rest:path}")
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        ),
        ("GET", "/.well-known/oauth-authorization-server"),
        ("POST", "/oauth/register"),
        ("POST", "/oauth/token"),
        ("POST", "/oauth/revoke"),
    }
)
"""The routes anyone may call, as ``(method, path template)``; every other route needs a
learner's session (``tests/test_doors.py`` walks them all as a stranger)."""

TEMPLATES = Path(__file__).parent / "templates"
SERVICE = Service(
    "wallet",
    "LER wallet",
    "A learner's wallet: keep, understand, curate and share one's own records.",
)


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/ims/")) and path not in MACHINE_OAUTH


MACHINE_OAUTH = frozenset({"/oauth/register", "/oauth/token", "/oauth/revoke"})
"""The OAuth endpoints clients call (JSON answers); ``/oauth/authorize`` is the learner's page."""


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
    db = Database.connect(settings.database, keyring=load_keyring(settings.kek_source))
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
    with db.exclusive(STARTUP_LOCK):  # processes started together take turns
        migrate(db)
        seal_at_start(db, SEALED)  # legacy plaintext secrets sealed; a wrong KEK stops here
        if settings.demo_seed:
            demo_learner.seed(inst)  # idempotent: the same account and password on every start
        secret = session_secret(db, settings.data_dir)  # in the database: every process

    @asynccontextmanager
    async def rechecking(app: FastAPI) -> AsyncIterator[None]:
        # the background re-check and the resume of interrupted offers, while the app is up
        with background.rechecking(inst), background.resuming(inst):
            app.state.recheck_worker = recheck_job.RecheckWorker(inst)  # "verify all again"
            with recheck_job.working(app.state.recheck_worker):  # resumes unfinished jobs
                yield

    app = service_app(
        SERVICE,
        templates=TEMPLATES,
        db=db,
        stats=lambda: wallet_stats(db),
        body_limit=settings.max_body_bytes,
        errors=ErrorRules(statuses=STATUSES, error_page=error_page, pages_at=_is_page),
        lifespan=rechecking,
        stylesheets={name: TEMPLATES / name for name in ("wallet.css", "cards.css")},
    )
    app.state.settings = settings
    app.state.inst = inst
    app.state.limiter = SharedFailureLimiter(db)  # one count for every process
    app.state.sessions = Sessions(secret, cookie=COOKIE)

    # --- routers: one line per module (re-read this file right before editing) -------------
    app.include_router(credentials_pages.router)  # before the account pages
    app.include_router(account_pages.router)
    app.include_router(receive_api.router)
    app.include_router(receive_pages.router)
    app.include_router(present_pages.router)
    app.include_router(requests_pages.router)
    app.include_router(present_api.router)
    app.include_router(disclose_pages.router)
    app.include_router(disclose_api.router)
    app.include_router(recheck_api.router)
    app.include_router(recheck_pages.router)
    app.include_router(oauth_api.router)
    app.include_router(connections_pages.router)
    app.include_router(clr_pages.router)
    host_api.install(app)  # /ims/ob/v3p0: its routes, its Imsx errors, its OpenAPI components

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if not _is_page(request):
            return problem(401, "Sign in first", "this route needs a signed-in learner", "sign-in")
        return sign_in_first(request)

    return app
