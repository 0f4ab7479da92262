"""``issuer.issuing.baking.baked_download``: the stored credential, baked into the
achievement's artwork."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest

from issuer.issuing.baking import baked_download
from tests import scenarios as s
from vckit.errors import BakingError
from vckit.ob import baking

CREDENTIAL = s.good_credential()
JWT = s.jwt_credential()


@pytest.mark.parametrize("kind", ["png", "svg"])
@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        pytest.param(CREDENTIAL, CREDENTIAL, id="json-ld"),
        pytest.param(json.dumps(CREDENTIAL), CREDENTIAL, id="json-text"),
        pytest.param(JWT, JWT, id="vc-jwt"),
    ],
)
def test_without_artwork_a_generated_badge_carries_the_credential(
    stored: dict[str, Any] | str, expected: dict[str, Any] | str, kind: Literal["png", "svg"]
) -> None:
    data, media_type, filename = baked_download(stored, None, kind)
    assert baking.extract(data) == expected
    assert media_type == {"png": "image/png", "svg": "image/svg+xml"}[kind]
    assert filename.startswith("fundamentals-of-nursing-i-") and filename.endswith(f".{kind}")


def test_the_achievement_artwork_is_used_when_given() -> None:
    artwork = baking.default_badge_png(32, colour="#aa0000")
    data, _, _ = baked_download(s.good_credential(), artwork, "png")
    assert data.startswith(artwork[: len(artwork) - 12])  # the artwork's chunks, then ours
    assert baking.extract_png(data) == s.good_credential()


def test_artwork_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(BakingError, match="not a PNG"):
        baked_download(s.good_credential(), b"<svg/>", "png")
    with pytest.raises(BakingError, match="png or svg"):
        baked_download(s.good_credential(), None, "gif")  # type: ignore[arg-type]


def test_the_generated_png_badge_is_not_blank_and_the_credentials_image_is_used() -> None:
    """No artwork: the PNG carries the achievement's name in white (not a bare disc); a
    credential whose achievement image is a data: URL of the kind asked is baked into it."""
    import base64
    import zlib

    from vckit.ob.baking import read_chunks

    def white_pixels(png: bytes) -> int:
        raw = zlib.decompress(b"".join(c.data for c in read_chunks(png) if c.type == b"IDAT"))
        return raw.count(b"\xff\xff\xff\xff")

    blank = baking.default_badge_png()
    data, _, _ = baked_download(s.good_credential(), None, "png")
    assert white_pixels(data) > 100 and white_pixels(blank) == 0
    artwork = baking.default_badge_png(32, colour="#00aa00")
    credential = s.good_credential()
    url = "data:image/png;base64," + base64.b64encode(artwork).decode()
    credential["credentialSubject"]["achievement"]["image"] = {"id": url, "type": "Image"}
    own, _, _ = baked_download(credential, None, "png")
    assert b"\x00\xaa\x00" in zlib.decompress(
        b"".join(c.data for c in read_chunks(own) if c.type == b"IDAT")
    )
