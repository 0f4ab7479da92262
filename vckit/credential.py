"""Reading the parts of a credential or presentation (VC Data Model 2.0 §4).

Lenient readers over untrusted JSON: they never raise, and return what is there in the
shape the data model allows (§4.5 ``type`` one string or a list; §4.7 ``issuer`` a URL or
an object with an ``id``), or nothing. Judging whether a document is well formed is the
job of the checks that use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def types_of(document: Mapping[str, Any]) -> list[str]:
    """§4.5 ``type``: one string or a list of them; non-strings in a list are skipped, and
    anything else (missing, a number, an object) reads as no types."""
    value = document.get("type", [])
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """§4.7 ``issuer``: the URL itself, or the ``id`` of an issuer object; else None."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None
