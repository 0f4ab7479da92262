"""Use case: give a catalogue achievement its image, uploaded or generated.

::

    images.upload(inst, "community-college", "food-handler", data, caption="Chef's hat")
    images.generate(inst, "community-college", "food-handler")   # an SVG with the badge name
    record = images.image_of(inst, "community-college", "food-handler")  # bytes, media type

An upload is checked first (:func:`issuer.artwork.checks.check_image`: PNG or SVG sniffed
from the bytes, size-limited, SVG of drawing elements only); a generated image is
:func:`vckit.ob.baking.default_badge_svg` (deterministic, with a ``<title>`` naming the badge).
Either is stored (:mod:`issuer.store.achievement_images`, served at
``/issuers/<issuer>/achievements/<slug>/image``) and written into the catalogue's Achievement
as its OB 3.0 ``image``: an Image ``{id, type: "Image", caption}`` whose id is a ``data:`` URL
(base64), so every credential issued afterwards carries the artwork itself; a wallet shows
it and a baked badge is made of it without fetching anything. Credentials issued before keep
the image they were issued with.
"""

from __future__ import annotations

import base64
import hashlib

from issuer import store
from issuer.artwork.checks import Image, ImageRefusedError, check_image
from issuer.errors import NotFoundError
from issuer.installation import Installation
from issuer.store import achievement_images
from issuer.store.achievement_images import AchievementImageRecord
from issuer.store.catalogue import replace_achievement
from vckit.ob.baking import default_badge_svg

MAX_CAPTION = 200
ImageRecord = AchievementImageRecord
"""What callers get back: the stored image (bytes, media type, digest, caption, source)."""


def data_url(media_type: str, data: bytes) -> str:
    """The image as a ``data:`` URL (RFC 2397, base64)."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def upload(
    inst: Installation, issuer: str, slug: str, data: bytes, caption: str = ""
) -> ImageRecord:
    """Check ``data`` and make it the achievement's image (ImageRefusedError if refused)."""
    return _store(inst, issuer, slug, check_image(data), caption, "upload")


def generate(inst: Installation, issuer: str, slug: str) -> ImageRecord:
    """Give the achievement the generated badge: its name, and the issuer's, on a disc."""
    with inst.db.transaction() as tx:
        found = store.get_achievement(tx, issuer, slug)
        organisation = store.get_issuer(tx, issuer)
    if found is None or organisation is None:
        raise NotFoundError(f"issuer {issuer!r} has no achievement {slug!r}")
    name = str(found.achievement.get("name") or slug)
    svg = default_badge_svg(name, str(organisation.profile.get("name") or ""))
    return _store(inst, issuer, slug, check_image(svg.encode("utf-8")), "", "generated")


def image_of(inst: Installation, issuer: str, slug: str) -> ImageRecord:
    """The achievement's stored image, else the PNG or SVG ``data:`` URL its document carries
    (an achievement created with one) when it passes the upload checks; NotFoundError when
    it has neither."""
    with inst.db.transaction() as tx:
        found = store.get_achievement(tx, issuer, slug)
        image = None if found is None else achievement_images.get_image(tx, found.id)
    if image is None and found is not None:
        image = _carried(found.id, found.achievement.get("image"), found.created)
    if image is None:
        raise NotFoundError(f"issuer {issuer!r} has no image for achievement {slug!r}")
    return image


def check_carried(value: object) -> None:
    """An Achievement's own ``image`` given with it: a ``data:`` URL must be a base64 PNG or
    SVG passing :func:`check_image` (ImageRefusedError otherwise); a web URL is left as is
    (nothing here fetches it, and a wallet does not show it)."""
    picture = value if isinstance(value, dict) else {"id": value}
    url = picture.get("id")
    if isinstance(url, str) and url[:5].lower() == "data:" and _carried("", value, "") is None:
        raise ImageRefusedError(
            "the achievement's image is a data: URL but not a base64 PNG or SVG that "
            "passes the upload checks (see PUT .../image for the reasons)"
        )


def _carried(achievement: str, value: object, created: str) -> ImageRecord | None:
    """The image of an Achievement's own ``image`` (an Image or a URL), if it is a base64
    ``data:`` URL of a PNG or SVG that passes :func:`check_image`."""
    picture = value if isinstance(value, dict) else {"id": value}
    url, caption = picture.get("id"), picture.get("caption")
    if not isinstance(url, str):
        return None
    for media_type in ("image/png", "image/svg+xml"):
        prefix = f"data:{media_type};base64,"
        if url.startswith(prefix):
            try:
                image = check_image(base64.b64decode(url[len(prefix) :], validate=True))
            except (ValueError, ImageRefusedError):
                return None
            digest = hashlib.sha256(image.data).hexdigest()
            said = caption if isinstance(caption, str) else ""
            return ImageRecord(
                achievement, image.media_type, image.data, digest, said, "achievement", created
            )
    return None


def _store(
    inst: Installation, issuer: str, slug: str, image: Image, caption: str, source: str
) -> ImageRecord:
    with inst.db.transaction() as tx:
        found = store.get_achievement(tx, issuer, slug)
        if found is None:
            raise NotFoundError(f"issuer {issuer!r} has no achievement {slug!r}")
        name = str(found.achievement.get("name") or slug)
        said = " ".join(caption.split())[:MAX_CAPTION] or f"Badge of {name}"
        record = AchievementImageRecord(
            found.id,
            image.media_type,
            image.data,
            hashlib.sha256(image.data).hexdigest(),
            said,
            source,
            inst.stamp(),
        )
        achievement_images.put_image(tx, record)
        picture = {"id": data_url(image.media_type, image.data), "type": "Image", "caption": said}
        replace_achievement(tx, found.id, {**found.achievement, "image": picture})
    return record
