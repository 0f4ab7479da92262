"""Who a credential was issued to, in words, and finding credentials in the issued list.

:func:`recipient_name` reads the learner's name from the credential as it was issued: an
Open Badges 3.0 ``credentialSubject.identifier`` IdentityObject of ``identityType`` ``name``,
not hashed (``identityHash`` is then the plain name). It looks in a JSON-LD credential
(``ecdsa-sd-2023`` included: the issuer keeps the base credential), in the payload of a
VC-JWT, and in the disclosures of an SD-JWT VC (``salt, name, value`` arrays). "" when the
credential names no one (the list then shows the recipient's DID or hashed email).

:func:`matches` is the issued list's search: a case-insensitive match of every word of the
query against the recipient's name and identifier, the achievement's name and the
credential's id.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

MAX_NAME = 200


def _identities(value: Any) -> Iterator[dict[str, Any]]:
    """Every IdentityObject-like mapping anywhere in ``value``."""
    if isinstance(value, dict):
        if "identityType" in value:
            yield value
        for item in value.values():
            yield from _identities(item)
    elif isinstance(value, list):
        for item in value:
            yield from _identities(item)


def _b64json(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return None


def _decoded(document: dict[str, Any] | str) -> list[Any]:
    """The JSON a credential holds: itself, or a JWT's payload and its SD-JWT disclosures."""
    if isinstance(document, dict):
        return [document]
    jwt, *disclosures = document.split("~")
    parts = jwt.split(".")
    found = [_b64json(parts[1])] if len(parts) == 3 else []
    for disclosure in disclosures:
        item = _b64json(disclosure) if disclosure else None
        if isinstance(item, list) and item:
            found.append(item[-1])  # [salt, name, value] or [salt, value]
    return found


def recipient_name(document: dict[str, Any] | str) -> str:
    """The learner's name the credential carries, or "" (the module docstring)."""
    for value in _decoded(document):
        for identity in _identities(value):
            if identity.get("identityType") == "name" and identity.get("hashed") is False:
                name = identity.get("identityHash")
                if isinstance(name, str) and name.strip():
                    return " ".join(name.split())[:MAX_NAME]
    return ""


def matches(query: str, *texts: str) -> bool:
    """Every word of ``query`` is in one of ``texts`` (case-insensitive); True for none."""
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in query.casefold().split())
