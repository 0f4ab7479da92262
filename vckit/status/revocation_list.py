"""1EdTech Revocation List Status Method 1.0 (VCRL), the status type Open Badges 3.0 and CLR 2.0
name: ``credentialStatus: {"id": <list URL>, "type": "1EdTechRevocationList"}``.

"To check if a credential has been revoked, the verifier issues a GET request to the URL of the
issuer's 1EdTech Revocation List Status Method. If the credential's id is in the list of
revokedCredentials and the value of revoked is true or omitted, the issuer has revoked the
credential" (VCRL 1.0, as quoted by 1EdTech's validator). OB 3.0 verification §"Check the
status" applies it to AchievementCredentials, EndorsementCredentials and ClrCredentials.

The list is plain JSON, not a signed credential: what vouches for it is that it was fetched
from the URL the issuer signed into the credential (over https, under the fetch policy). A list
that names an ``issuer`` other than the credential's is not that issuer's list (could not check).
This module reads a fetched list; fetching is the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vckit.document import read_input
from vckit.errors import InputError, StatusListFormatError, StatusListUnverifiedError

ENTRY_TYPE = "1EdTechRevocationList"
MAX_LIST_BYTES = 5_000_000
MAX_ENTRIES = 200_000


@dataclass(frozen=True)
class Revocation:
    """Whether the list revokes the credential, and the reason the list gives."""

    revoked: bool
    reason: str | None = None


def read_list(raw: bytes | str) -> dict[str, Any]:
    """A fetched revocation list: one JSON object with a ``revokedCredentials`` array."""
    try:
        parsed = read_input(raw, max_bytes=MAX_LIST_BYTES)
    except InputError as exc:
        raise StatusListFormatError(f"the revocation list is not JSON: {exc}") from exc
    document = parsed.json
    if document is None:
        raise StatusListFormatError("the revocation list is not a JSON object")
    entries = document.get("revokedCredentials", [])
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise StatusListFormatError("revokedCredentials must be an array (of at most 200,000)")
    return document


def check(
    credential_id: object, issuer: str | None, revocation_list: Mapping[str, Any]
) -> Revocation:
    """Is ``credential_id`` revoked by this list of ``issuer``'s?"""
    if not isinstance(credential_id, str) or not credential_id:
        raise StatusListFormatError("a credential without an id cannot be found in a list")
    named = revocation_list.get("issuer")
    named_id = named.get("id") if isinstance(named, Mapping) else named
    if named_id is not None and named_id != issuer:
        raise StatusListUnverifiedError(
            f"the revocation list is {str(named_id)[:100]}'s, not the issuer {issuer}'s"
        )
    for entry in revocation_list.get("revokedCredentials", []):
        if not isinstance(entry, Mapping) or entry.get("id") != credential_id:
            continue
        revoked = entry.get("revoked", True)
        if revoked is True:
            reason = entry.get("revocationReason")
            return Revocation(True, reason if isinstance(reason, str) else None)
        if revoked is not False:
            raise StatusListFormatError("'revoked' in the revocation list must be a boolean")
    return Revocation(False)
