"""A share link's public page, in words: what the presentation holds, one line per
credential (its name, issuer, when it was issued, its image), read from the signed
presentation itself (the visitor sees what the holder signed, never the wallet's records).

A VP-JWT (a string) is not opened here: the page says so and offers the verifier. The
page's "verify" button opens the configured verifier (``LER_VERIFIER_URL``) with the share
link (:func:`verify_url`); the verifier fetches the presentation as JSON (``Accept``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from wallet.views.cards import achievement_of, default_image, image_of, issuer_of, moment_of

MAX_SHOWN = 50


@dataclass(frozen=True)
class SharedItem:
    name: str
    issuer_name: str
    issued: object | None  # a datetime, for the ``day`` filter
    description: str | None
    image_url: str | None
    image_alt: str


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def item_of(credential: Mapping[str, Any]) -> SharedItem:
    achievement = achievement_of(credential)
    name = _text(achievement.get("name")) or _text(credential.get("name")) or "A credential"
    issued = credential.get("awardedDate", credential.get("validFrom"))
    image_url, image_alt = image_of(credential)
    issuer_name = issuer_of(credential)[0]
    if image_url is None:
        image_url, image_alt = default_image(name, issuer_name), ""  # the name is beside it
    return SharedItem(
        name=name,
        issuer_name=issuer_name,
        issued=moment_of(issued or credential.get("issuanceDate")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        image_url=image_url,
        image_alt=image_alt,
    )


def items_of(document: dict[str, Any] | str) -> list[SharedItem]:
    """The credentials in a signed presentation (JSON-LD), as lines; [] for a VP-JWT."""
    if not isinstance(document, dict):
        return []
    found = document.get("verifiableCredential")
    credentials = found if isinstance(found, list) else [found]
    return [item_of(c) for c in credentials[:MAX_SHOWN] if isinstance(c, Mapping)]


def verify_url(verifier: str | None, share_url: str) -> str | None:
    """The verifier's page that verifies the link at once (its ``GET /?link=``)."""
    if not verifier:
        return None
    return f"{verifier.rstrip('/')}/?{urlencode({'link': share_url})}"


def audience_words(audience: str | None) -> str:
    """Whom a presentation was made for, in words: an OpenID4VP ``redirect_uri:`` client
    identifier as the verifier's host, a domain as it is, none as "anyone"."""
    if not audience:
        return "anyone with the link or file"
    if audience.startswith("redirect_uri:"):
        host = urlsplit(audience.removeprefix("redirect_uri:")).netloc
        return f"the verifier at {host}" if host else "a verifier"
    return audience


def names_of(document: dict[str, Any] | str) -> str:
    """The names of the credentials a presentation holds, for a list of presentations."""
    names = [item.name for item in items_of(document)]
    return ", ".join(names) if names else "a signed presentation"
