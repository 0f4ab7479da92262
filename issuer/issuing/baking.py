"""Use case: download an issued credential as a baked badge image (OB 3.0 §5.3).

The route hands over the stored credential (JSON-LD dict, or the VC-JWT text) and, when
the achievement has artwork, its PNG or SVG bytes; else the credential's own image (its
``image`` or its achievement's, when it is a ``data:`` URL of the kind asked); else a plain
generated badge with the achievement's name written on it, so every issuer can bake. The
credential is baked exactly as stored: baking only carries it, it never re-signs or edits it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from vckit.errors import BakingError
from vckit.jose import vc_jwt as jose
from vckit.ob import baking

Kind = Literal["png", "svg"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}


def baked_download(
    credential: Mapping[str, Any] | str, image: bytes | None, kind: Kind
) -> tuple[bytes, str, str]:
    """(image bytes, media type, file name) of the credential baked into ``image``.

    ``credential`` is the JSON-LD credential (a mapping, or its JSON text) or a Compact
    JWS. Raises ``vckit.errors.BakingError`` (an ``InputError``) for unusable artwork.
    """
    if kind not in MEDIA_TYPES:
        raise BakingError(f"a baked badge is png or svg, not {kind!r}")
    if isinstance(credential, str) and credential.lstrip().startswith("{"):
        credential = json.loads(credential)
    document = _document(credential)
    image = image or own_image(document, kind)
    if kind == "png":
        artwork = image or baking.default_badge_png(name=_names(document)[0])
        data = baking.bake_png(artwork, credential)
    else:
        artwork = image or baking.default_badge_svg(*_names(document)).encode()
        data = baking.bake_svg(artwork, credential).encode("utf-8")
    return data, MEDIA_TYPES[kind], f"{_stem(document)}.{kind}"


def own_image(document: Mapping[str, Any], kind: Kind) -> bytes | None:
    """The credential's image (OB 3.0 ``image``, else its achievement's) when it is a
    ``data:`` URL of this kind (``image/png`` or ``image/svg+xml``, base64); None otherwise
    (a web URL is not fetched here)."""
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    candidates = [document.get("image")]
    if isinstance(achievement, Mapping):
        candidates.append(achievement.get("image"))
    prefix = f"data:{MEDIA_TYPES[kind]};base64,"
    for value in candidates:
        url = value.get("id") if isinstance(value, Mapping) else value
        if isinstance(url, str) and url.startswith(prefix):
            try:
                return base64.b64decode(url[len(prefix) :], validate=True)
            except ValueError:
                return None
    return None


def _document(credential: Mapping[str, Any] | str) -> Mapping[str, Any]:
    """The credential's claims: the JSON itself, or a VC-JWT's payload (not verified here)."""
    if isinstance(credential, str):
        _, payload = jose.peek(credential)
        return jose.credential_from_jwt(payload)
    return credential


def _names(document: Mapping[str, Any]) -> tuple[str, str]:
    """Achievement and issuer names for the generated badge."""
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = achievement.get("name") if isinstance(achievement, Mapping) else None
    issuer = document.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    return (
        str(name or document.get("name") or "Open Badge"),
        str(issuer_name or ""),
    )


def _stem(document: Mapping[str, Any]) -> str:
    """A safe file name from the achievement name and the credential id's last segment."""
    name, _ = _names(document)
    tail = str(document.get("id") or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    stem = re.sub(r"[^a-z0-9]+", "-", f"{name} {tail[:8]}".lower()).strip("-")
    return stem[:80] or "badge"
