"""One translation of pyld's failures into vckit's error tree, used at every call into pyld.

pyld reports a broken document with its own ``JsonLdError`` carrying a JSON-LD 1.1 API error
code (§ 9.4.2 ``JsonLdErrorCode``), some malformed input with a bare ``ValueError`` or
``TypeError``, and wraps what our loader raises. What matters to a verifier is whose fault it
is: a document that breaks JSON-LD fails its proof; a context we could not load means the
check could not be made.

=================================  ================================  ==========================
what pyld met                      vckit error                       a proof over the document
=================================  ================================  ==========================
an error of ours raised inside it  that error (UnknownContextError,  as that error says
                                   ProtectedTermError, ...)
a context it could not load        UnknownContextError               could not check
``protected term redefinition``    ProtectedTermError                fails
any other JSON-LD error code       JsonLdSyntaxError (with the code) fails
a relative IRI (a bare ValueError) RelativeIriError                  fails
anything else                      JsonLdSyntaxError                 fails
=================================  ================================  ==========================

A bare exception from pyld comes from input it did not expect (an ``@context`` of ``""``,
a number where a string belongs); the sealed contexts never cause one, so the document does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pyld import jsonld as pyld_jsonld

from vckit.errors import (
    JsonLdError,
    JsonLdSyntaxError,
    ProtectedTermError,
    RelativeIriError,
    UnknownContextError,
)

LOADING_CODES = frozenset(
    {
        "loading document failed",
        "loading remote context failed",
        "invalid remote context",
        "no default document loader",
    }
)
"""JSON-LD error codes that mean a context could not be obtained, not that the document is bad."""

BARE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)
"""What pyld lets out, unwrapped, on input it did not expect."""


def translate(error: BaseException, what: str = "JSON-LD processing") -> JsonLdError:
    """The vckit error for an exception raised by pyld (see the module docstring)."""
    cause: BaseException | None = error
    while cause is not None:  # ours, raised inside pyld and wrapped by it
        if isinstance(cause, JsonLdError):
            return cause
        cause = cause.__cause__ or getattr(cause, "cause", None)
    if isinstance(error, pyld_jsonld.JsonLdError):
        code = error.code
        message = f"{what} failed: {error.args[0] if error.args else error.type}"
        if code in LOADING_CODES:
            return UnknownContextError(f"{message} ({code})")
        if code == "protected term redefinition":
            return ProtectedTermError(f"{message} ({code})")
        return JsonLdSyntaxError(f"{message} ({code or error.type})", code)
    if isinstance(error, ValueError) and "IRI" in str(error):
        return RelativeIriError(f"{what} failed: {error}")
    return JsonLdSyntaxError(f"{what} failed: {type(error).__name__}: {error}")


@contextmanager
def pyld_errors(what: str = "JSON-LD processing") -> Iterator[None]:
    """Run a call into pyld, raising whatever it raises as a vckit :class:`JsonLdError`."""
    try:
        yield
    except JsonLdError:
        raise
    except (pyld_jsonld.JsonLdError, *BARE_ERRORS) as error:
        raise translate(error, what) from error
