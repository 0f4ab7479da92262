"""Baked badges (OB 3.0 §5.3): round trips in PNG and SVG, other programs' images, hostile input.

The "other program" PNGs in tests/vectors/baking/ were written once by Pillow 13.0.0 (see
SOURCE.md and make_pillow_vectors.py there); Pillow is not installed in the project's venv.
The SVG vectors are the two examples of §5.3.2.1, copied from the spec.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from tests import scenarios as s
from tests.paths import VECTORS
from vckit.errors import (
    BakingError,
    DocumentTooLargeError,
    InputError,
    NotBakedError,
)
from vckit.ob import baking
from vckit.ob.baking import Chunk, read_chunks, write_chunks
from vckit.verification import VerifyOptions, verify

VECTORS = VECTORS / "baking"
PLACEHOLDER_JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
OB_NS = 'xmlns:ob="https://purl.imsglobal.org/ob/v3p0"'


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def credential_chunks(png: bytes) -> list[Chunk]:
    return [c for c in read_chunks(png) if c.data.startswith(b"openbadgecredential\x00")]


def signed(kind: str) -> dict[str, Any] | str:
    return s.good_credential() if kind == "json" else s.jwt_credential()


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "jwt"])
@pytest.mark.parametrize(
    ("bake", "extract", "image"),
    [
        pytest.param(baking.bake_png, baking.extract_png, baking.default_badge_png(), id="png"),
        pytest.param(
            baking.bake_svg,
            baking.extract_svg,
            baking.default_badge_svg("Nursing I", "Example College"),
            id="svg",
        ),
    ],
)
def test_a_baked_credential_comes_out_unchanged_and_still_verifies(
    bake: Any, extract: Any, image: Any, kind: str
) -> None:
    credential = signed(kind)
    baked = bake(image, credential)
    out = extract(baked.encode() if isinstance(baked, str) else baked)
    assert out == credential
    assert verify(out, VerifyOptions(now=s.NOW)).verdict == "pass"
    assert baking.extract(baked.encode() if isinstance(baked, str) else baked) == credential


@pytest.mark.parametrize(
    "credential",
    [
        pytest.param({"name": "Soins infirmiers — niveau 1 ✓"}, id="non-ascii"),
        pytest.param({"name": "ends ]]> a CDATA section"}, id="cdata-terminator"),
        pytest.param({"name": "<svg> & </openbadges:credential>"}, id="markup-in-text"),
    ],
)
@pytest.mark.parametrize("kind", ["png", "svg"])
def test_awkward_text_survives_baking(credential: dict[str, Any], kind: str) -> None:
    if kind == "png":
        assert baking.extract_png(baking.bake_png(baking.default_badge_png(), credential)) == (
            credential
        )
    else:
        baked = baking.bake_svg(baking.default_badge_svg("a", "b"), credential)
        assert baking.extract_svg(baked) == credential


# --- PNG (§5.3.1) ----------------------------------------------------------------------------


def test_the_png_chunk_is_an_uncompressed_itxt_just_before_iend() -> None:
    baked = baking.bake_png(vector("pillow-plain.png"), "a.b.c")
    chunks = read_chunks(baked)
    assert [c.type for c in chunks[-2:]] == [b"iTXt", b"IEND"]
    # keyword, NUL, compression flag 0, method 0, empty language tag, empty translated keyword
    data = b"openbadgecredential\x00\x00\x00\x00\x00a.b.c"
    assert chunks[-2].data == data
    # on the wire: length, type, data, CRC-32 over type and data (PNG §5.3), then IEND
    crc = zlib.crc32(b"iTXt" + data)
    assert baked[-12 - 12 - len(data) : -12] == struct.pack(">I4s", len(data), b"iTXt") + (
        data + struct.pack(">I", crc)
    )
    assert baked[-12:] == b"\x00\x00\x00\x00IEND\xae\x42\x60\x82"


def test_baking_a_pillow_png_keeps_every_other_chunk_byte_for_byte() -> None:
    plain = vector("pillow-plain.png")
    baked = baking.bake_png(plain, s.jwt_credential())
    assert [c for c in read_chunks(baked) if c.type != b"iTXt"] == read_chunks(plain)
    assert {c.type for c in read_chunks(plain)} >= {b"tEXt", b"zTXt", b"PLTE", b"IDAT"}


@pytest.mark.parametrize(
    "name", ["pillow-baked-jwt.png", "pillow-baked-compressed.png"], ids=["plain", "compressed"]
)
def test_an_itxt_written_by_pillow_is_read(name: str) -> None:
    assert baking.extract_png(vector(name)) == PLACEHOLDER_JWS


def test_baking_again_replaces_the_credential_so_there_is_only_one() -> None:
    once = baking.bake_png(vector("pillow-baked-jwt.png"), {"name": "first"})
    twice = baking.bake_png(once, {"name": "second"})
    assert len(credential_chunks(once)) == len(credential_chunks(twice)) == 1
    assert baking.extract_png(twice) == {"name": "second"}


def test_a_png_without_a_credential_is_not_baked() -> None:
    with pytest.raises(NotBakedError, match="no openbadgecredential"):
        baking.extract_png(vector("pillow-plain.png"))


def _with(extra: list[Chunk]) -> bytes:
    """The default badge with ``extra`` chunks inserted before IEND."""
    chunks = read_chunks(baking.default_badge_png(16))
    return write_chunks(chunks[:-1] + extra + chunks[-1:])


def _itxt(flag: int, method: int, body: bytes, keyword: bytes = b"openbadgecredential") -> Chunk:
    return Chunk(b"iTXt", keyword + b"\x00" + bytes([flag, method]) + b"\x00\x00" + body)


GOOD = baking.default_badge_png(16)
IDAT_AT = 8 + 12 + 13  # signature, then the IHDR chunk (13 data bytes)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        pytest.param(b"GIF89a" + b"\x00" * 40, BakingError, "signature", id="not-a-png"),
        pytest.param(GOOD[:6], BakingError, "signature", id="truncated-signature"),
        pytest.param(GOOD[: IDAT_AT + 5], BakingError, "truncated", id="truncated-chunk-header"),
        pytest.param(GOOD[: IDAT_AT + 20], BakingError, "truncated", id="truncated-chunk-body"),
        pytest.param(GOOD[:-12], BakingError, "no IEND", id="no-iend"),
        pytest.param(
            GOOD[: IDAT_AT + 10] + bytes([GOOD[IDAT_AT + 10] ^ 1]) + GOOD[IDAT_AT + 11 :],
            BakingError,
            "CRC mismatch in IDAT",
            id="bad-crc",
        ),
        pytest.param(GOOD + b"trailing", BakingError, "after IEND", id="data-after-iend"),
        pytest.param(
            baking.PNG_SIGNATURE + Chunk(b"IEND", b"").encode(),
            BakingError,
            "not IHDR",
            id="first-chunk-not-ihdr",
        ),
        pytest.param(
            _with([Chunk(b"i1Xt", b"")]), BakingError, "chunk type", id="chunk-type-not-letters"
        ),
        pytest.param(
            GOOD[:IDAT_AT] + b"\xff\xff\xff\xff" + GOOD[IDAT_AT + 4 :],
            BakingError,
            "claims",
            id="chunk-length-over-2-31",
        ),
        pytest.param(
            GOOD + b"\x00" * baking.MAX_IMAGE_BYTES,
            DocumentTooLargeError,
            "limit",
            id="oversized-image",
        ),
        pytest.param(
            _with([_itxt(0, 0, b"a.b.c"), _itxt(0, 0, b"d.e.f")]),
            BakingError,
            "2 openbadgecredential chunks",
            id="two-credential-chunks",
        ),
        pytest.param(
            _with([_itxt(1, 0, zlib.compress(b" " * (baking.MAX_CREDENTIAL_BYTES + 1)))]),
            DocumentTooLargeError,
            "inflates beyond",
            id="zip-bomb-itxt",
        ),
        pytest.param(
            _with([_itxt(1, 0, zlib.compress(b"a.b.c")[:-3])]),
            BakingError,
            "truncated",
            id="compressed-itxt-truncated",
        ),
        pytest.param(
            _with([_itxt(1, 0, b"not zlib")]), BakingError, "cannot inflate", id="not-zlib"
        ),
        pytest.param(
            _with([_itxt(2, 0, b"a.b.c")]), BakingError, "compression flag 2", id="unknown-flag"
        ),
        pytest.param(
            _with([Chunk(b"iTXt", b"openbadgecredential\x00\x00\x00no-terminators")]),
            BakingError,
            "unterminated",
            id="itxt-fields-unterminated",
        ),
        pytest.param(
            _with([Chunk(b"iTXt", b"openbadgecredential\x00")]),
            BakingError,
            "compression fields missing",
            id="itxt-cut-after-keyword",
        ),
        pytest.param(
            _with([_itxt(0, 0, b"\xff\xfe{}")]), BakingError, "not UTF-8", id="text-not-utf8"
        ),
        pytest.param(
            _with([_itxt(0, 0, b"hello")]), BakingError, "unusable", id="neither-json-nor-jws"
        ),
        pytest.param(
            _with([_itxt(0, 0, b'{"a": 1, "a": 2}')]),
            BakingError,
            "duplicate key",
            id="json-duplicate-key",
        ),
        pytest.param(
            _with([_itxt(0, 0, b"a.b.c~disclosure~")]),
            BakingError,
            "neither JSON nor a Compact JWS",
            id="sd-jwt-is-not-an-ob3-bake",
        ),
        pytest.param(
            _with([_itxt(0, 0, b"a.b.c", keyword=b"openbadges")]),
            NotBakedError,
            "no openbadgecredential",
            id="ob2-keyword-only",
        ),
    ],
)
def test_hostile_or_broken_png_is_refused(
    data: bytes, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        baking.extract_png(data)
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize(
    ("credential", "error", "message"),
    [
        pytest.param("not a jws", BakingError, "Compact JWS", id="text-not-a-jws"),
        pytest.param({"name": "\ud800"}, BakingError, "not valid Unicode", id="lone-surrogate"),
        pytest.param(
            {"name": "x" * baking.MAX_CREDENTIAL_BYTES},
            DocumentTooLargeError,
            "larger than",
            id="oversized-credential",
        ),
    ],
)
def test_unbakeable_credentials_are_refused(
    credential: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        baking.bake_png(GOOD, credential)


# --- SVG (§5.3.2) ----------------------------------------------------------------------------


def test_the_spec_examples_are_read() -> None:
    embedded = baking.extract_svg(vector("ob3-spec-embedded-proof.svg"))
    assert isinstance(embedded, dict)
    assert embedded["id"] == "http://example.edu/credentials/3732"
    assert embedded["proof"] == {}
    assert baking.extract_svg(vector("ob3-spec-vc-jwt.svg")) == "header.payload.signature"


def test_rebaking_the_spec_example_replaces_its_credential_and_keeps_the_artwork() -> None:
    baked = baking.bake_svg(vector("ob3-spec-embedded-proof.svg"), "a.b.c")
    assert baked.count("openbadges:credential") == 2  # one start tag, one end tag
    assert baked.count('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"') == 1
    assert "<!-- rest-of-image -->" in baked
    assert '<openbadges:credential verify="a.b.c"></openbadges:credential>' in baked
    assert baking.extract_svg(baked) == "a.b.c"


def test_the_credential_goes_directly_after_the_svg_tag() -> None:
    baked = baking.bake_svg(f'<svg {SVG_NS} viewBox="0 0 1 1"><rect/></svg>', "a.b.c")
    assert baked == (
        f'<svg {SVG_NS} viewBox="0 0 1 1" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        '<openbadges:credential verify="a.b.c"></openbadges:credential><rect/></svg>'
    )


@pytest.mark.parametrize(
    "existing",
    [
        pytest.param('<ob:credential verify="x.y.z"/>', id="empty-element"),
        pytest.param("<ob:credential><![CDATA[{}]]></ob:credential>", id="cdata"),
        pytest.param('<g><ob:credential verify="x.y.z"></ob:credential></g>', id="nested-in-group"),
    ],
)
def test_an_existing_credential_under_any_prefix_is_replaced(existing: str) -> None:
    svg = f"<svg {SVG_NS} {OB_NS}>{existing}<rect/></svg>"
    baked = baking.bake_svg(svg, {"name": "new"})
    assert "ob:credential" not in baked and "<rect/>" in baked
    assert baking.extract_svg(baked) == {"name": "new"}


def test_a_default_badge_escapes_hostile_names() -> None:
    svg = baking.default_badge_svg('</text><script>alert("x")</script>', "A & B")
    assert "<script>" not in svg
    baked = baking.bake_svg(svg, "a.b.c")
    assert baking.extract_svg(baked) == "a.b.c"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;">]>'
    f"<svg {SVG_NS} {OB_NS}><ob:credential>&c;</ob:credential></svg>"
)


@pytest.mark.parametrize(
    ("svg", "error", "message"),
    [
        pytest.param(BILLION_LAUGHS, BakingError, "DOCTYPE", id="billion-laughs"),
        pytest.param(
            f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {SVG_NS}>&x;</svg>',
            BakingError,
            "DOCTYPE",
            id="external-entity",
        ),
        pytest.param(
            f'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/'
            f'DTD/svg11.dtd"><svg {SVG_NS}/>',
            BakingError,
            "DOCTYPE",
            id="doctype-without-entities",
        ),
        pytest.param(
            f"<svg {SVG_NS}>&undefined;</svg>",
            BakingError,
            "not well-formed",
            id="undefined-entity",
        ),
        pytest.param("<svg", BakingError, "not well-formed", id="not-xml"),
        pytest.param("<html><svg/></html>", BakingError, "root is not an <svg>", id="root-not-svg"),
        pytest.param("<svg/>", BakingError, "root is not an <svg>", id="svg-without-namespace"),
        pytest.param(
            f'<?xml version="1.0" encoding="ISO-8859-1"?><svg {SVG_NS}/>',
            BakingError,
            "only UTF-8",
            id="declared-latin1",
        ),
        pytest.param(
            f"<svg {SVG_NS}/>".encode("utf-16"), BakingError, "not UTF-8", id="utf16-bytes"
        ),
        pytest.param(
            f"<svg {SVG_NS}>" + " " * baking.MAX_IMAGE_BYTES + "</svg>",
            DocumentTooLargeError,
            "limit",
            id="oversized-svg",
        ),
        pytest.param(
            f'<svg {SVG_NS} {OB_NS}><ob:credential verify="a.b.c"/>'
            '<ob:credential verify="d.e.f"/></svg>',
            BakingError,
            "2 credential elements",
            id="two-credential-elements",
        ),
        pytest.param(
            f'<svg {SVG_NS} {OB_NS}><ob:credential verify="a.b.c">{{}}</ob:credential></svg>',
            BakingError,
            "both a verify attribute and content",
            id="verify-and-content",
        ),
        pytest.param(
            f"<svg {SVG_NS} {OB_NS}><ob:credential>not json</ob:credential></svg>",
            BakingError,
            "unusable",
            id="content-not-json",
        ),
        pytest.param(
            f'<svg {SVG_NS} xmlns:ob="https://example.org/other"><ob:credential verify="a.b.c"/>'
            "</svg>",
            NotBakedError,
            "no <openbadges:credential>",
            id="credential-in-another-namespace",
        ),
        pytest.param(
            f"<svg {SVG_NS}><rect/></svg>", NotBakedError, "no <openbadges", id="not-baked"
        ),
    ],
)
def test_hostile_or_broken_svg_is_refused(
    svg: str | bytes, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        baking.extract_svg(svg)
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        pytest.param(BILLION_LAUGHS, "DOCTYPE", id="billion-laughs"),
        pytest.param(f"<svg {SVG_NS}/>", "root element is empty", id="empty-root"),
        pytest.param(
            f'<svg {SVG_NS} xmlns:openbadges="https://example.org/x"><g/></svg>',
            "binds the prefix openbadges",
            id="prefix-bound-elsewhere",
        ),
    ],
)
def test_svgs_that_cannot_be_baked_are_refused(svg: str, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        baking.bake_svg(svg, "a.b.c")


# --- either format, and the default images ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(GOOD, "png", id="png"),
        pytest.param(b"\xef\xbb\xbf\n<?xml version='1.0'?><svg/>", "svg", id="svg-with-bom"),
        pytest.param(b'{"a": 1}', None, id="json"),
        pytest.param(b"a.b.c", None, id="jwt"),
    ],
)
def test_image_kind(data: bytes, kind: str | None) -> None:
    assert baking.image_kind(data) == kind


def test_extract_refuses_what_is_not_an_image() -> None:
    with pytest.raises(BakingError, match="not a PNG or SVG"):
        baking.extract(b'{"a": 1}')


@pytest.mark.parametrize("size", [16, 17, 255, 256])
def test_the_default_png_is_a_valid_square_rgba_image(size: int) -> None:
    png = baking.default_badge_png(size)
    chunks = read_chunks(png)
    assert [c.type for c in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBB", chunks[0].data[:10]) == (size, size, 8, 6)
    rows = zlib.decompress(chunks[1].data)
    assert len(rows) == size * (1 + 4 * size)
    centre = rows[(size // 2) * (1 + 4 * size) + 1 + 4 * (size // 2) :][:4]
    assert centre == bytes([0x1F, 0x5F, 0x8B, 0xFF])  # the disc is drawn in the colour


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: baking.default_badge_png(8), "between", id="png-too-small"),
        pytest.param(lambda: baking.default_badge_png(colour="red"), "#rrggbb", id="png-colour"),
        pytest.param(
            lambda: baking.default_badge_svg("a", "b", colour='"/><script>'),
            "#rrggbb",
            id="svg-colour-injection",
        ),
    ],
)
def test_default_image_arguments_are_checked(call: Any, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        call()


def test_svg_offsets_hold_with_a_bom_multibyte_text_and_a_quoted_angle_bracket() -> None:
    svg = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?><!-- café --><svg '
        f'{SVG_NS} aria-label="a > b"><g>é</g></svg>'
    ).encode()
    baked = baking.bake_svg(svg, "a.b.c")
    assert baked.endswith(
        'aria-label="a > b" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        '<openbadges:credential verify="a.b.c"></openbadges:credential><g>é</g></svg>'
    )
    assert baking.extract_svg(baked) == "a.b.c"
