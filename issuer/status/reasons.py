"""Why a credential was revoked: the issuer's reason codes, and the Bitstring Status List
``message`` entry that publishes them.

A revocation carries a reason: the issuer's own words (``reason``, stored with the credential
and shown to the learner) and, optionally, one of :data:`REASONS` (``reasonCode``; default
``withdrawn``). A credential issued over the VC-API with a ``message`` status entry
(``options.credentialStatus.statusPurpose`` including ``message``) also publishes the code in
a status list: Bitstring Status List v1.0 §2.1 lets the issuer "define an arbitrary number of
custom, descriptive messages about the status" through ``statusSize``, ``statusMessage`` and
``statusReference``, committed to at issuance. The entry has 2 bits; its values are
:func:`status_messages`, and ``statusReference`` is the issuer's page describing them
(``GET /status/revocation-reasons``). The free text is never in a list: a list is public.
"""

from __future__ import annotations

from typing import Any, Literal

ReasonCode = Literal["issued-in-error", "superseded", "withdrawn"]
REASONS: dict[str, tuple[int, str]] = {
    "issued-in-error": (1, "The credential was issued by mistake (wrong person or content)."),
    "superseded": (2, "A corrected or newer credential replaces this one."),
    "withdrawn": (3, "The issuer withdrew the credential (any other reason)."),
}
"""code -> (the ``message`` entry's status value, what it means)."""
DEFAULT_CODE: ReasonCode = "withdrawn"
MESSAGE_SIZE = 2
"""``statusSize`` of a ``message`` entry: 4 values, not revoked and the three codes."""
NOT_REVOKED = "not-revoked"
MAX_REASON_CHARS = 500
REFERENCE_PATH = "/status/revocation-reasons"


def status_messages() -> list[dict[str, str]]:
    """§2.1 ``statusMessage``: one ``{"status": "0x..", "message": ..}`` per value of the
    entry (``message`` is a code for software, not a sentence for people)."""
    values = {0: NOT_REVOKED} | {value: f"revoked:{code}" for code, (value, _) in REASONS.items()}
    return [{"status": hex(value), "message": values[value]} for value in sorted(values)]


def reference(base_url: str) -> str:
    """§2.1 ``statusReference``: where the values are described."""
    return f"{base_url}{REFERENCE_PATH}"


def value_of(code: str | None) -> int:
    """The ``message`` entry's value for a revocation with this code."""
    return REASONS[code or DEFAULT_CODE][0]


def described() -> dict[str, Any]:
    """The statusReference document: each value, its message and its meaning."""
    values = [{"status": "0x0", "message": NOT_REVOKED, "meaning": "Not revoked."}]
    values += [
        {"status": hex(value), "message": f"revoked:{code}", "code": code, "meaning": meaning}
        for code, (value, meaning) in REASONS.items()
    ]
    return {
        "statusPurpose": "message",
        "statusSize": MESSAGE_SIZE,
        "description": "Why this issuer revoked a credential; the revocation entry says whether.",
        "values": values,
    }
