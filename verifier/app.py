"""The verifier's web app: ``create_app(settings)`` wires everything; nothing runs at import.

``fetch`` (url -> bytes), when given, replaces the network fetcher
(``verifier.checking.fetch``) for did:web documents and status lists: tests pass one that
reaches an issuer app in-process. ``clock`` replaces the wall clock for validity periods,
the policy's "issued within" and the requests' expiry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from servicekit.app import ErrorRules, Service, service_app
from servicekit.db import Database
from servicekit.kek import load_keyring, seal_at_start
from servicekit.pages import ANONYMOUS, error_page
from vckit.errors import InputError
from verifier.checking.verification import Verifier, load_registry
from verifier.delivery.deliverer import Deliverer
from verifier.errors import (
    InvalidRequestError,
    NotFoundError,
    UnknownJobError,
    WebhookUrlRefusedError,
)
from verifier.installation import Installation, utc_now
from verifier.jobs import demo_job
from verifier.jobs.answer_limits import AnswerLimits
from verifier.migrations import migrate
from verifier.settings import Settings
from verifier.store.sealed import SEALED
from verifier.views.stats import verifier_stats
from verifier.web.api import jobs as jobs_api
from verifier.web.api import oid4vp, registry, vc_api, webhooks
from verifier.web.pages import jobs as job_pages
from verifier.web.pages import registry as registry_pages
from verifier.web.pages import verify

TEMPLATES = Path(__file__).parent / "templates"
SERVICE = Service(
    "verifier",
    "LER verifier",
    "Verifies credentials and presentations (W3C VC-API) and explains them.",
)
STATUSES: dict[type[Exception], tuple[int, str]] = {
    UnknownJobError: (404, "No such job"),
    NotFoundError: (404, "Not found"),
    InvalidRequestError: (400, "Request refused"),
    WebhookUrlRefusedError: (422, "Webhook refused"),
    InputError: (422, "Unusable input"),
}


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return error_page(request, ANONYMOUS, status, title, detail)


def _is_page(request: Request) -> bool:
    """Unmatched paths under the pages' own (``/``, ``/jobs…``, ``/registry``) get the
    error page; every other one problem+json."""
    path = request.url.path
    return path in ("/", "/registry") or path == "/jobs" or path.startswith("/jobs/")


def create_app(
    settings: Settings | None = None,
    *,
    fetch: Callable[[str], bytes] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    db = Database.connect(settings.database, keyring=load_keyring(settings.kek_source))
    migrate(db)
    seal_at_start(db, SEALED)  # legacy plaintext secrets sealed; a wrong KEK stops here
    verification = Verifier(settings, load_registry(settings), fetch, clock)
    now = clock or utc_now
    limits = AnswerLimits.from_settings(settings, lambda: now().timestamp())
    inst = Installation(db, settings, verification, now, limits)
    if settings.demo_seed:
        demo_job.seed(inst)  # idempotent: one demo job however often it starts
    deliverer = Deliverer(
        db,
        inst.fetch_policy,
        base_delay=settings.webhook_base_delay,
        max_tries=settings.webhook_max_tries,
        poll_interval=settings.webhook_poll_interval,
    )

    @asynccontextmanager
    async def deliveries(app: FastAPI) -> AsyncIterator[None]:
        """The webhook deliverer runs while the app runs."""
        deliverer.start()
        try:
            yield
        finally:
            deliverer.stop()

    app = service_app(
        SERVICE,
        templates=TEMPLATES,
        db=db,
        stats=lambda: verifier_stats(db),
        body_limit=settings.max_body_bytes,
        errors=ErrorRules(statuses=STATUSES, error_page=_error_page, pages_at=_is_page),
        lifespan=deliveries,
        stylesheets={"verifier.css": TEMPLATES / "verifier.css"},
    )
    app.state.inst = inst
    app.state.deliverer = deliverer
    for router in (
        vc_api.router,
        oid4vp.router,
        jobs_api.router,
        registry.router,
        webhooks.router,
        verify.router,
        job_pages.router,
        registry_pages.router,
    ):
        app.include_router(router)
    return app
