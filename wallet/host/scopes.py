"""The four Open Badges 3.0 scopes (OB 3.0 §6.2.1) and what each allows, in a learner's words.

A client may also ask for ``offline_access`` (the spec's own registration example does): it
adds nothing to what the client may do, and refresh tokens are issued to every client that
registered the ``refresh_token`` grant, so it is accepted and kept but never required.
"""

from __future__ import annotations

PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = PREFIX + "credential.readonly"
CREDENTIAL_UPSERT = PREFIX + "credential.upsert"
PROFILE_READ = PREFIX + "profile.readonly"
PROFILE_UPDATE = PREFIX + "profile.update"
OFFLINE_ACCESS = "offline_access"

WORDS: dict[str, str] = {
    CREDENTIAL_READ: "read the Open Badges in your wallet",
    CREDENTIAL_UPSERT: "add Open Badges to your wallet, or replace one with a newer copy",
    PROFILE_READ: "read your profile (your name and email as your wallet keeps them)",
    PROFILE_UPDATE: "change your profile",
    OFFLINE_ACCESS: "keep this access when you are not signed in (until you revoke it)",
}
"""Every scope a client may ask for, with the sentence the consent page shows."""

KNOWN = frozenset(WORDS)


def parse(scope: str | None) -> list[str]:
    """The scopes of a space-separated ``scope`` value (RFC 6749 §3.3), in order, once each."""
    seen: list[str] = []
    for item in (scope or "").split(" "):
        if item and item not in seen:
            seen.append(item)
    return seen


def unknown(requested: list[str]) -> list[str]:
    return [item for item in requested if item not in KNOWN]


def joined(items: list[str]) -> str:
    return " ".join(items)


def describe(scope: str) -> list[str]:
    """The consent page's sentences for a scope value."""
    return [WORDS.get(item, item) for item in parse(scope)]
