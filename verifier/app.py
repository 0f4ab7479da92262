"""The verifier's web app: ``create_app(settings)`` wires everything; nothing runs at import.

``fetch`` (url -> bytes), when given, replaces the network fetcher (``verifier.checking.fetch``) for
did:web documents and status lists: tests pass one that reaches an issuer app in-process.
``clock`` replaces the wall clock for validity periods and the policy's "issued within".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from servicekit.apidocs import docs_router
from servicekit.db import Database
from servicekit.health import health_router
from servicekit.limits import BodyLimit
from servicekit.logs import RequestLog
from servicekit.stats_api import stats_router
from verifier.checking.verification import Verifier, load_registry
from verifier.jobs import demo_job
from verifier.jobs.requests import Requests
from verifier.migrations import migrate
from verifier.settings import Settings
from verifier.views.stats import verifier_stats
from verifier.web.api import oid4vp as oid4vp_api
from verifier.web.api import registry as registry_api
from verifier.web.api import vc_api as api
from verifier.web.api import webhooks as webhook_api
from verifier.web.pages import jobs as job_pages
from verifier.web.pages import registry as registry_pages
from verifier.web.pages import verify as pages

TEMPLATES = Path(__file__).parent / "templates"


def create_app(
    settings: Settings | None = None,
    *,
    fetch: Callable[[str], bytes] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="LER verifier",
        description="Verifies credentials and presentations (W3C VC-API) and explains them.",
        version="0.1.0",
        docs_url=None,  # servicekit.apidocs serves /docs offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.verifier = Verifier(settings, load_registry(settings), fetch, clock)
    db = Database.connect(settings.database)
    migrate(db)
    lifetime = timedelta(seconds=settings.request_lifetime_seconds)
    app.state.db = db
    app.state.requests = Requests(db, settings.base_url, lifetime, app.state.verifier)
    if clock is not None:
        app.state.requests = replace(app.state.requests, clock=clock)
    if settings.demo_seed:
        demo_job.seed(app.state.requests)  # idempotent: one demo job however often it starts
    app.state.templates = Jinja2Templates(directory=str(TEMPLATES))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog, service="verifier")  # outermost: logs every request
    app.include_router(api.router)
    app.include_router(oid4vp_api.router)
    app.include_router(job_pages.router)
    app.include_router(pages.router)
    app.include_router(registry_api.router)
    app.include_router(registry_pages.router)
    app.include_router(webhook_api.router)
    app.include_router(health_router(db))  # /healthz, /readyz
    app.include_router(stats_router(lambda: verifier_stats(db)))  # /stats
    app.include_router(docs_router())  # /docs, offline

    return app
