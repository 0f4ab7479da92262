"""Server-rendered pages: one way to render a template for a visitor, and the error page.

Each service has its own visitor (staff or learner sessions) and its own templates, looked
up before the shared ones here (``templates_for``). What they share: the visitor and its
CSRF token go into every template, no caching of a page seen inside a session, and one
small stylesheet (``templates/_pages.css``, served as ``/assets/pages.css``). The security
headers are on every answer, pages too (:mod:`servicekit.headers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from servicekit.dates import human_date, human_datetime
from servicekit.headers import SECURITY_HEADERS

TEMPLATES = Path(__file__).parent / "templates"
"""Templates every service's pages share (``_pages.css``, the one small stylesheet)."""

__all__ = [
    "ANONYMOUS",
    "SECURITY_HEADERS",
    "TEMPLATES",
    "Anonymous",
    "PageRoute",
    "PageVisitor",
    "error_page",
    "page_router",
    "render",
    "templates_for",
]


class PageVisitor(Protocol):
    """What rendering needs of a visitor: its session (or None) and its CSRF token."""

    @property
    def session(self) -> object: ...

    @property
    def csrf(self) -> str | None: ...


@dataclass(frozen=True)
class Anonymous:
    """A visitor of a service without sessions (the verifier's public pages)."""

    session: None = None
    csrf: None = None


ANONYMOUS = Anonymous()


class PageRoute(APIRoute):
    """A route that answers a page: its errors become the service's error page
    (:mod:`servicekit.app`), not problem+json."""


def page_router(**options: Any) -> APIRouter:
    """A router for HTML pages (not in the OpenAPI document)."""
    return APIRouter(route_class=PageRoute, include_in_schema=False, **options)


def render(
    request: Request, visitor: PageVisitor, name: str, status_code: int = 200, **context: Any
) -> Response:
    """The template with the visitor and its CSRF token; never cached once in a session."""
    templates = request.app.state.templates
    context.update(visitor=visitor, csrf=visitor.csrf, path=request.url.path)
    response: Response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if visitor.session is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(
    request: Request, visitor: PageVisitor, status_code: int, title: str, detail: str
) -> Response:
    return render(request, visitor, "error.html", status_code, title=title, detail=detail)


def templates_for(service_templates: Path) -> Jinja2Templates:
    """A service's templates, falling back to the shared ones in ``TEMPLATES``, with the
    human-date filters ``when`` (date and time) and ``day`` (:mod:`servicekit.dates`)."""
    templates = Jinja2Templates(directory=[str(service_templates), str(TEMPLATES)])
    templates.env.filters["when"] = human_datetime
    templates.env.filters["day"] = human_date
    return templates
