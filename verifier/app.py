"""The verifier's web app: ``create_app(settings)`` wires everything; nothing runs at import.

``fetch`` (url -> bytes), when given, replaces the network fetcher
(``verifier.checking.fetch``) for did:web documents and status lists: tests pass one that
reaches an issuer app in-process. ``clock`` replaces the wall clock for validity periods,
the policy's "issued within" and the requests' expiry.

**Who may call what.** :data:`PUBLIC` is the one list of the routes anyone may call: the
holder's side of a presentation request (the OpenID4VP Request Object and ``direct_post``,
the VC-API answer), stateless verification (the paste-and-verify page, VC-API
``/credentials/verify`` and ``/presentations/verify``: nothing is stored), the staff
sign-in form, the governance registry (read-only), health, aggregate ``/stats`` and the API
documents. Every other route passes
:func:`verifier.web.deps.door` and needs a staff session or an organisation's API token;
``tests/test_doors.py`` walks every route as a stranger to keep this list the truth.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from servicekit.app import SHARED_PUBLIC, ErrorRules, Service, service_app
from servicekit.db import Database
from servicekit.kek import load_keyring, seal_at_start
from servicekit.migrations import STARTUP_LOCK
from servicekit.pages import error_page
from servicekit.problems import problem
from servicekit.sessions import Sessions, session_secret
from servicekit.shared_ratelimit import SharedFailureLimiter
from vckit.errors import DocumentTooLargeError, InputError
from verifier.accounts import demo as demo_accounts
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
from verifier.web.api import oid4vp, registry, tokens, vc_api, webhooks
from verifier.web.deps import COOKIE, NotSignedIn, door, visitor_of
from verifier.web.pages import jobs as job_pages
from verifier.web.pages import registry as registry_pages
from verifier.web.pages import staff as staff_pages
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
    DocumentTooLargeError: (413, "Credential too large"),
    InputError: (422, "Unusable input"),
}


PUBLIC: frozenset[tuple[str, str]] = SHARED_PUBLIC | frozenset(
    {
        ("GET", "/oid4vp/requests/{request_id}"),
        ("POST", "/oid4vp/response"),
        ("POST", "/api/vc-api/requests/{request_id}"),
        ("POST", "/credentials/verify"),
        ("POST", "/presentations/verify"),
        ("GET", "/"),
        ("POST", "/"),
        ("GET", "/sign-in"),
        ("POST", "/sign-in"),
        # the governance registry: the installation's published list of accredited issuers
        # (configuration, read-only, no organisation's data)
        ("GET", "/registry"),
        ("GET", "/registry/issuers"),
    }
)
"""The routes anyone may call, as ``(method, path template)``: nothing else is public."""


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return error_page(request, visitor_of(request), status, title, detail)


def _is_page(request: Request) -> bool:
    """Unmatched paths under the pages' own (``/``, ``/jobs…``, ``/registry``, ``/staff…``,
    sign-in and out) get the error page; every other one problem+json."""
    path = request.url.path
    pages = ("/", "/registry", "/jobs", "/sign-in", "/sign-out")
    return path in pages or path.startswith(("/jobs/", "/staff/"))


async def _sign_in_first(request: Request, exc: NotSignedIn) -> Response:
    """A stranger at a staff page goes to the sign-in page (and back); at the API, 401."""
    if _is_page(request):
        target = "/sign-in?" + urlencode({"next": request.url.path})
        return RedirectResponse(target, status_code=303)
    answer = problem(
        401, "Unauthorized",
        "this route needs a staff session or an organisation's API token (Authorization: Bearer)",
        "unauthorized",
    )  # fmt: skip
    answer.headers["WWW-Authenticate"] = 'Bearer realm="verifier"'
    return answer


def create_app(
    settings: Settings | None = None,
    *,
    fetch: Callable[[str], bytes] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    db = Database.connect(settings.database, keyring=load_keyring(settings.kek_source))
    verification = Verifier(settings, load_registry(settings), fetch, clock)
    now = clock or utc_now
    limits = AnswerLimits.from_settings(settings, lambda: now().timestamp(), db)
    inst = Installation(db, settings, verification, now, limits)
    with db.exclusive(STARTUP_LOCK):  # processes started together take turns
        migrate(db)
        seal_at_start(db, SEALED)  # legacy plaintext secrets sealed; a wrong KEK stops here
        if settings.demo_seed:  # idempotent: the employers, staff, token and one demo job
            demo_job.seed(inst, demo_accounts.seed(inst).id)
        secret = session_secret(db, settings.data_dir)  # in the database: every process
    deliverer = Deliverer(
        db,
        inst.fetch_policy,
        base_delay=settings.webhook_base_delay,
        max_tries=settings.webhook_max_tries,
        poll_interval=settings.webhook_poll_interval,
        lease=settings.webhook_lease,
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
        stats=lambda: verifier_stats(db, inst.verification.registry),
        body_limit=settings.max_body_bytes,
        errors=ErrorRules(statuses=STATUSES, error_page=_error_page, pages_at=_is_page),
        lifespan=deliveries,
        stylesheets={"verifier.css": TEMPLATES / "verifier.css"},
    )
    app.state.inst = inst
    app.state.limiter = SharedFailureLimiter(db)  # one count for every process
    app.state.deliverer = deliverer
    app.state.sessions = Sessions(secret, cookie=COOKIE)
    app.state.public = PUBLIC
    app.add_exception_handler(NotSignedIn, _sign_in_first)  # type: ignore[arg-type]
    for router in (
        tokens.router,
        staff_pages.router,
        vc_api.router,
        oid4vp.router,
        jobs_api.router,
        registry.router,
        webhooks.router,
        verify.router,
        job_pages.router,
        registry_pages.router,
    ):
        app.include_router(router, dependencies=[Depends(door)])
    return app
