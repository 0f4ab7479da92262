"""The skeleton every service's app shares: :func:`service_app`, and the one error handler.

::

    app = service_app(
        Service("wallet", "LER wallet", "A learner's wallet: ..."),
        templates=TEMPLATES, db=db, stats=lambda: wallet_stats(db),
        body_limit=settings.max_body_bytes,
        errors=ErrorRules(statuses={WalletError: ..., ...}, error_page=..., pages_at=...),
    )
    app.include_router(...)   # the service's own web/api and web/pages routers

It makes the FastAPI app (its own offline ``/docs``), the body limit and the request log,
the security headers on every answer (:mod:`servicekit.headers`), the pages' stylesheets
(``/assets/*.css``, :mod:`servicekit.assets`), ``/healthz`` and ``/readyz``, ``/stats``, and
one way to answer every error:

- a :class:`~servicekit.problems.Problem` raised anywhere, a service's use-case error (its
  class in ``ErrorRules.statuses``), a database conflict, text the database cannot store (a
  NUL character: 422), a database that stayed busy with other writes (503 with
  ``Retry-After``, nothing written), a request body that does not match
  the route's model (422) and an unknown path or method (404, 405) all become the same
  answer: problem+json for an API route, the service's error page for a page route
  (:class:`~servicekit.pages.PageRoute`) or, where no route matched, for a path
  ``ErrorRules.pages_at`` says is a page or a browser asking for HTML (``Accept:
  text/html``, content negotiation: an API client keeps problem+json).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from servicekit.apidocs import docs_router
from servicekit.assets import assets_router
from servicekit.db import RETRY_AFTER_SECONDS, ConflictError, Database, NulTextError, WriteBusy
from servicekit.headers import SecurityHeaders
from servicekit.health import health_router
from servicekit.limits import BodyLimit
from servicekit.logs import RequestLog
from servicekit.pages import PageRoute, templates_for
from servicekit.problems import Problem, problem
from servicekit.stats_api import stats_router

ErrorPage = Callable[[Request, int, str, str], Response]
"""The service's HTML error page: (request, status, title, detail) -> the page."""


@dataclass(frozen=True)
class Service:
    name: str  # the role: issuer, wallet, verifier, landing (the logs' "service")
    title: str
    description: str


SHARED_PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/stats"),  # aggregate counts only
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/assets/{name}"),  # the stylesheets
    }
)
"""The routes :func:`service_app` adds that anyone may call, as ``(method, path template)``:
each service's own ``PUBLIC`` list adds its public routes to these."""


def _never(request: Request) -> bool:
    return False


@dataclass(frozen=True)
class ErrorRules:
    """How a service's errors are answered."""

    statuses: Mapping[type[Exception], tuple[int, str]] = field(default_factory=dict)
    """A use-case error class -> (HTTP status, title); the detail is the error's message and
    the problem code its ``code`` attribute. The first class that matches wins."""
    error_page: ErrorPage | None = None
    """The service's error page; None: every error is problem+json."""
    pages_at: Callable[[Request], bool] = _never
    """For a request no route matched (404, 405): is its path one of the pages?"""

    def status_of(self, exc: Exception) -> tuple[int, str] | None:
        return next((found for cls, found in self.statuses.items() if isinstance(exc, cls)), None)


def wants_html(request: Request) -> bool:
    """A browser asking for a page: its ``Accept`` names ``text/html`` (an API client sends
    ``application/json``, ``*/*`` or nothing, and keeps problem+json)."""
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == "text/html" for part in accept.split(","))


def is_page(request: Request, rules: ErrorRules) -> bool:
    route = request.scope.get("route")
    if route is None:
        return rules.pages_at(request) or wants_html(request)
    return isinstance(route, PageRoute)


def answer_error(
    request: Request,
    rules: ErrorRules,
    status: int,
    title: str,
    detail: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The one way an error is answered: the error page for a page, else problem+json."""
    if rules.error_page is not None and is_page(request, rules):
        response = rules.error_page(request, status, title, detail)
    else:
        response = problem(status, title, detail, code, **extra)
    response.headers.update(headers or {})
    return response


async def answer_error_async(
    request: Request,
    rules: ErrorRules,
    status: int,
    title: str,
    detail: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """:func:`answer_error` from the event loop: problem+json is made right there (no I/O);
    an error page, which may read the visitor's session from the database, in a thread."""
    if rules.error_page is not None and is_page(request, rules):
        return await run_in_threadpool(
            answer_error, request, rules, status, title, detail, code, headers=headers, **extra
        )
    return answer_error(request, rules, status, title, detail, code, headers=headers, **extra)


def install_error_handlers(app: FastAPI, rules: ErrorRules) -> None:
    """The handlers are ``async``: Starlette runs a plain ``def`` handler in its thread pool,
    and under load every error answer (a revoked credential's 422) then queued for a thread
    and for the interpreter lock behind the CPU-bound work."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc, Problem):
            return await answer_error_async(
                request, rules, exc.status_code, exc.title, str(exc.detail), exc.code,
                headers=exc.headers, **exc.extra,
            )  # fmt: skip
        title = "Not found" if exc.status_code == 404 else "Cannot do that"
        detail = "there is no such page" if exc.status_code == 404 else str(exc.detail)
        return await answer_error_async(
            request, rules, exc.status_code, title, detail, "http-error", headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        if tuple(first.get("loc", ())) == ("body",) and first.get("type") == "missing":
            # FastAPI does not read an empty body; the strict reader would refuse it (400)
            detail = "input is empty"
            return await answer_error_async(
                request, rules, 400, "Malformed request", detail, "unsupported-format"
            )
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg')}"
        return await answer_error_async(
            request, rules, 422, "Invalid request", detail, "invalid-request"
        )

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, exc: ConflictError) -> Response:
        detail = "a record with this key exists already"
        return await answer_error_async(request, rules, 409, "Conflict", detail, "conflict")

    @app.exception_handler(NulTextError)
    async def nul_text(request: Request, exc: NulTextError) -> Response:
        return await answer_error_async(
            request, rules, 422, "Invalid request", str(exc), "nul-character"
        )

    @app.exception_handler(WriteBusy)
    async def busy(request: Request, exc: WriteBusy) -> Response:  # nothing written: try again
        again = f"send the request again in {RETRY_AFTER_SECONDS} s"
        detail = f"{exc}; the write was not made: {again}"
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return await answer_error_async(request, rules, 503, "Busy", detail, "busy", headers=retry)

    for error_class in rules.statuses:

        @app.exception_handler(error_class)
        async def use_case_error(request: Request, exc: Exception) -> Response:
            status, title = rules.status_of(exc) or (422, "Cannot do that")
            code = str(getattr(exc, "code", "error"))
            return await answer_error_async(request, rules, status, title, str(exc), code)


def service_app(
    service: Service,
    *,
    templates: Path | None = None,
    db: Database | None = None,
    stats: Callable[[], dict[str, Any]] | None = None,
    body_limit: int | None = None,
    errors: ErrorRules | None = None,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    stylesheets: Mapping[str, Path] | None = None,
) -> FastAPI:
    """The service's app with everything every service has; add its own routers next.
    ``stylesheets``: the service's own, served at ``/assets/<name>``."""
    app = FastAPI(
        title=service.title,
        version="0.1.0",
        description=service.description,
        docs_url=None,  # servicekit.apidocs serves /docs offline
        redoc_url=None,
        lifespan=lifespan,
    )
    if templates is not None:
        app.state.templates = templates_for(templates)
    if body_limit is not None:
        app.add_middleware(BodyLimit, limit=body_limit)
    app.add_middleware(RequestLog, service=service.name)  # logs every request
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, errors too
    app.include_router(health_router(db))  # /healthz, /readyz
    if stats is not None:
        app.include_router(stats_router(stats))  # /stats
    app.include_router(docs_router())  # /docs, offline
    app.include_router(assets_router(stylesheets))  # /assets/pages.css and the service's own
    install_error_handlers(app, errors or ErrorRules())
    return app
