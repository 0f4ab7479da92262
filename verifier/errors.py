"""The verifier's use-case errors; ``app.py`` maps each to an HTTP status (``ErrorRules``).

::

    VerifierError               code
    ├── NotFoundError           not-found            404: no such job, request or result
    │   └── UnknownJobError     not-found            404: a webhook for a job that is not there
    ├── InvalidRequestError     invalid-request      400: OpenID4VP §8.2 / RFC 6749 §5.2
    │                                                     ``invalid_request``: an answer refused
    ├── TooManyAnswersError     rate-limited         429: too many answers (Retry-After)
    └── WebhookUrlRefusedError  webhook-url-refused  422: a webhook the fetch policy refuses

Input that cannot be verified is :class:`vckit.errors.InputError` (422, its own ``code``).
"""

from __future__ import annotations


class VerifierError(Exception):
    code = "verifier-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(VerifierError):
    code = "not-found"


class UnknownJobError(NotFoundError):
    """The webhook routes' "no job" (its own title: "No such job")."""


class InvalidRequestError(VerifierError):
    """OpenID4VP §8.2 / RFC 6749 §5.2 ``invalid_request``: the answer is refused (HTTP 400).
    A refused answer is not a result: it is counted and logged (``refused_answers``)."""

    code = "invalid-request"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class TooManyAnswersError(VerifierError):
    """More answers than :mod:`verifier.jobs.answer_limits` allows; ``retry_after`` seconds
    until one more would be read (HTTP 429, ``Retry-After``)."""

    code = "rate-limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WebhookUrlRefusedError(VerifierError):
    """The webhook's URL does not pass the verifier's fetch policy (or its secret is short)."""

    code = "webhook-url-refused"
