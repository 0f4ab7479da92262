"""RFC 9457 problem details: every error a client caused gets one, never a 500.

:class:`Problem` is the one exception a route (or a dependency) raises to answer with an
error; :mod:`servicekit.app` installs the one handler that turns it (and the services' own
use-case errors, and FastAPI's validation errors and 404s) into problem+json for the API,
or into the service's error page for a page route. :func:`problem` builds the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, code: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:ler:problem:{code}", "title": title, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status_code=status, media_type=PROBLEM)


class Problem(HTTPException):
    """An error answer: ``status``, a short ``title``, a ``detail`` for people, a stable
    ``code`` for machines (``urn:ler:problem:<code>``) and any ``extra`` members.

    A subclass of Starlette's ``HTTPException`` so FastAPI lets it through body parsing
    and dependencies unchanged."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        code: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status, detail, dict(headers) if headers else None)
        self.title = title
        self.code = code
        self.extra = extra

    def response(self) -> JSONResponse:
        answer = problem(self.status_code, self.title, str(self.detail), self.code, **self.extra)
        answer.headers.update(self.headers or {})
        return answer
