"""The landing service's web app: ``create_app(settings)``; nothing runs at import.

``transport``, when given, carries the landing page's requests for the other services'
``/stats`` (tests route it to in-process apps); by default they go over the network to
the configured service URLs, and nowhere else.

Like every service, it answers a body over its limit with 413 and every error (an unknown
path, a method it does not take) with problem+json (:mod:`servicekit.app`'s one handler).
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from landing import pages
from landing.settings import Settings
from servicekit.apidocs import docs_router
from servicekit.app import ErrorRules, install_error_handlers
from servicekit.health import health_router
from servicekit.limits import BodyLimit
from servicekit.logs import RequestLog
from servicekit.pages import templates_for

TEMPLATES = Path(__file__).parent / "templates"


def create_app(
    settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="LER landing",
        version="0.1.0",
        description="The LER Ecosystem Map made to run: ten stakeholders, four phases, "
        "a guided tour of the demo, and aggregate counts from every service.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.transport = transport
    app.state.templates = templates_for(TEMPLATES)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog, service="landing")
    app.include_router(pages.router)
    app.include_router(health_router(None))
    app.include_router(docs_router())
    install_error_handlers(app, ErrorRules())
    return app
