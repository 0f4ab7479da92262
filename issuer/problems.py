"""RFC 9457 problem details: every error a client caused gets one, never a 500."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from issuer.errors import ConflictError, IssuerError, MalformedCredentialError, NotFoundError

PROBLEM = "application/problem+json"
_STATUS = {NotFoundError: 404, ConflictError: 409, MalformedCredentialError: 400}


def problem(status: int, title: str, detail: str, code: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:ler:problem:{code}", "title": title, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status_code=status, media_type=PROBLEM)


def from_error(exc: IssuerError) -> JSONResponse:
    """The problem for a use-case error: 400 malformed credential, 404 not found,
    409 conflict, else 422."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 422)
    titles = {400: "Malformed credential", 404: "Not found", 409: "Conflict", 422: "Cannot issue"}
    return problem(status, titles[status], str(exc), exc.code)
