"""The wallet's use-case errors as HTTP statuses: one table, for :class:`servicekit.app.ErrorRules`
(problem+json under ``/api/``, the error page elsewhere) and for the pages that show a
refusal in their own form (the receive page, the offer page)."""

from __future__ import annotations

from servicekit.app import ErrorRules
from wallet.errors import (
    ConflictError,
    NotFoundError,
    ShareLinkGone,
    SignInRefused,
    WalletError,
)

STATUSES: dict[type[Exception], tuple[int, str]] = {
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    SignInRefused: (401, "Sign-in refused"),
    ShareLinkGone: (410, "This link is no longer shared"),
    WalletError: (422, "Cannot do that"),  # any other use-case error: the input, refused
}
"""Use-case error class -> (status, title); the first class that matches wins."""


def status_of(exc: WalletError) -> tuple[int, str]:
    """The HTTP status and title of a use-case error: 404 not found, 409 conflict, 401
    sign-in refused, 410 a share link gone, else 422."""
    return ErrorRules(statuses=STATUSES).status_of(exc) or (422, "Cannot do that")
