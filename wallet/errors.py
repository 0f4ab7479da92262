"""The wallet's use-case errors; the web layer maps each to an HTTP status.

::

    WalletError             code
    ├── NotFoundError       not-found          404: no such record *of this learner*
    ├── InvalidInputError   invalid-input      422: input the wallet cannot use
    ├── ConflictError       conflict           409: already there (email, credential)
    └── SignInRefused       sign-in-refused    401: wrong email or password
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
