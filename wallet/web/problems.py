"""The wallet's use-case errors as RFC 9457 problem details (see servicekit.problems)."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from servicekit.problems import PROBLEM, problem
from wallet.errors import ConflictError, NotFoundError, SignInRefused, WalletError

__all__ = ["PROBLEM", "from_error", "problem", "status_of"]

_STATUS: dict[type[WalletError], tuple[int, str]] = {
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    SignInRefused: (401, "Sign-in refused"),
}


def status_of(exc: WalletError) -> tuple[int, str]:
    """The HTTP status and title of a use-case error: 404 not found, 409 conflict, 401
    sign-in refused, else 422."""
    return next(
        (found for cls, found in _STATUS.items() if isinstance(exc, cls)), (422, "Cannot do that")
    )


def from_error(exc: WalletError) -> JSONResponse:
    status, title = status_of(exc)
    return problem(status, title, str(exc), exc.code)
