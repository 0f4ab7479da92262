"""The wallet's use-case errors (no HTTP here); ``wallet.web.problems`` maps each to an HTTP
status, answered as problem+json under ``/api/`` and as the error page elsewhere.

::

    WalletError             code
    ├── NotFoundError       not-found          404: no such record *of this learner*
    ├── InvalidInputError   invalid-input      422: input the wallet cannot use
    │                                          (and its kinds: unknown-field, offer errors)
    ├── ConflictError       conflict           409: already there (email, credential)
    ├── SignInRefused       sign-in-refused    401: wrong email or password
    └── ShareLinkGone       share-link-gone    410: a share link withdrawn or expired
"""

from __future__ import annotations


class WalletError(Exception):
    code = "wallet-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(WalletError):
    code = "not-found"


class InvalidInputError(WalletError):
    code = "invalid-input"


class ConflictError(WalletError):
    code = "conflict"


class SignInRefused(WalletError):
    code = "sign-in-refused"


class ShareLinkGone(WalletError):
    """The link was withdrawn or has expired (410 Gone)."""

    code = "share-link-gone"
