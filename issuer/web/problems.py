"""The issuer's use-case errors as RFC 9457 problem details (see servicekit.problems)."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from issuer.errors import ConflictError, IssuerError, MalformedCredentialError, NotFoundError
from servicekit.problems import PROBLEM, problem

__all__ = ["PROBLEM", "from_error", "problem"]

_STATUS = {NotFoundError: 404, ConflictError: 409, MalformedCredentialError: 400}


def from_error(exc: IssuerError) -> JSONResponse:
    """The problem for a use-case error: 400 malformed credential, 404 not found,
    409 conflict, else 422."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 422)
    titles = {400: "Malformed credential", 404: "Not found", 409: "Conflict", 422: "Cannot issue"}
    return problem(status, titles[status], str(exc), exc.code)
