"""The host's two kinds of refusal.

:class:`HostError` is the Open Badges API's error answer: an ``Imsx_StatusInfo`` body (OB 3.0
§6.2, the ``Imsx_StatusInfo`` schema of the official OpenAPI file) with the HTTP status.

::

    raise HostError(403, "forbidden", "this token was not granted credential.upsert")

answers ``{"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": ...,
"imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem",
"imsx_codeMinorFieldValue": "forbidden"}]}}``. The minor codes are the spec's enumeration.

:class:`OAuthError` is the authorization server's: ``{"error": ..., "error_description": ...}``
(RFC 6749 §5.2 at the token endpoint, RFC 7591 §3.2.2 at registration, RFC 7009 §2.2.1 at
revocation), 400 unless the client failed to authenticate (401, RFC 6749 §5.2).
"""

from __future__ import annotations

from typing import Any

MINOR_CODES = frozenset(
    {
        "forbidden", "fullsuccess", "internal_server_error", "invalid_data",
        "invalid_query_parameter", "misdirected_request", "not_acceptable", "not_allowed",
        "not_found", "not_modified", "server_busy", "unauthorizedrequest", "unknown",
    }
)  # fmt: skip


class HostError(Exception):
    """An Open Badges API refusal: its status, minor code, description and extra headers."""

    def __init__(
        self, status: int, minor: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        assert minor in MINOR_CODES, minor
        super().__init__(description)
        self.status = status
        self.minor = minor
        self.description = description
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return status_info(self.minor, self.description)


def status_info(minor: str, description: str) -> dict[str, Any]:
    """An ``Imsx_StatusInfo`` for a failure with one minor code."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


class OAuthError(Exception):
    """An OAuth 2.0 error answer (``error`` is the RFC's code)."""

    def __init__(
        self, error: str, description: str, status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}
