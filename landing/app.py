"""The landing service's web app: ``create_app(settings)``; nothing runs at import.

It is made by the one app factory every service shares (:func:`servicekit.app.service_app`:
request log, security headers, ``/healthz`` and ``/readyz``, offline ``/docs``, stylesheets,
problem+json errors, 413 for a body over its limit). ``transport``, when given, carries the
landing page's requests for the other services' ``/stats`` (tests route it to in-process
apps); by default they go over the network to the configured service URLs, and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from landing import pages, tour
from landing.settings import Settings
from servicekit.app import Service, service_app

TEMPLATES = Path(__file__).parent / "templates"
SERVICE = Service(
    "landing",
    "LER landing",
    "The LER Ecosystem Map made to run: ten stakeholders, four phases, "
    "a guided tour of the demo, and aggregate counts from every service.",
)


def create_app(
    settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
) -> FastAPI:
    settings = settings or Settings.from_env()
    app = service_app(
        SERVICE,
        templates=TEMPLATES,
        stylesheets={"landing.css": TEMPLATES / "landing.css"},
        body_limit=settings.max_body_bytes,
    )
    app.state.templates.env.filters["code_spans"] = tour.code_spans  # `x` shown as code
    app.state.settings = settings
    app.state.transport = transport
    app.include_router(pages.router)
    return app
