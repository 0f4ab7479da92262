"""The issuer's use-case errors; the web layer maps each to an HTTP status.

::

    IssuerError             code
    ├── NotFoundError       not-found          404: unknown issuer, credential, list
    ├── InvalidRequestError invalid-request    422: well-formed JSON that cannot be issued
    │   ├── MalformedCredentialError  malformed-credential  400: not a credential's shape
    │   └── UnsignableCredentialError (the rule's code)    422: a JSON-LD rule refuses to sign
    └── ConflictError       conflict           409: a duplicate id or slug
"""

from __future__ import annotations


class IssuerError(Exception):
    code = "issuer-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(IssuerError):
    code = "not-found"


class InvalidRequestError(IssuerError):
    code = "invalid-request"


class MalformedCredentialError(InvalidRequestError):
    """A VC-API credential missing or mistyping a member the data model requires
    (the W3C VC-API issuer test suite expects 400 for these)."""

    code = "malformed-credential"


class ConflictError(IssuerError):
    code = "conflict"


class UnsignableCredentialError(InvalidRequestError):
    """A credential the issuer will not sign whatever the format (:mod:`vckit.jsonld.policy`):
    an inline ``@vocab``/``@base``, a protected term redefined, an ``@graph`` or too many
    objects. ``code`` is the rule's (``unsafe-context``, ``protected-term-redefinition``,
    ``graph-too-large``, ``jsonld-syntax``, ...), so the problem names it."""

    code = "unsignable-credential"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
