"""``issuer.artwork.checks``: what an uploaded badge image may be. Sniffed from the bytes;
hostile SVGs (scripts, event handlers, links out, foreign markup) and PNG bombs refused with
the status to answer."""

from __future__ import annotations

import struct
import zlib

import pytest

from issuer.artwork.checks import MAX_IMAGE_BYTES, ImageRefusedError, check_image
from vckit.ob import baking

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
PLAIN_SVG = (
    f'{SVG_HEAD} viewBox="0 0 10 10"><title>Dot</title><defs><linearGradient id="g">'
    '<stop offset="0" stop-color="#fff"/></linearGradient></defs>'
    '<circle cx="5" cy="5" r="4" fill="url(#g)"/><use href="#g"/></svg>'
)


def png(width: int, height: int, *extra: baking.Chunk) -> bytes:
    """A PNG whose IHDR claims ``width`` × ``height`` (its IDAT is one tiny row)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00" * 4)
    return baking.write_chunks(
        [
            baking.Chunk(b"IHDR", header),
            *extra,
            baking.Chunk(b"IDAT", idat),
            baking.Chunk(b"IEND", b""),
        ]
    )


def refused(data: bytes) -> ImageRefusedError:
    with pytest.raises(ImageRefusedError) as caught:
        check_image(data)
    return caught.value


def test_a_png_and_a_plain_svg_pass_sniffed_from_the_bytes() -> None:
    artwork = baking.default_badge_png(64, name="Nursing")
    assert check_image(artwork).media_type == "image/png"
    assert check_image(PLAIN_SVG.encode()).media_type == "image/svg+xml"
    generated = baking.default_badge_svg("Food Handler", "Riverside Community College")
    assert check_image(generated.encode()).kind == "svg"


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        pytest.param(f"{SVG_HEAD}><script>alert(1)</script></svg>", "<script>", id="script"),
        pytest.param(f'{SVG_HEAD} onload="alert(1)"/>', "event handler", id="onload"),
        pytest.param(f'{SVG_HEAD}><rect ONCLICK="x()"/></svg>', "event handler", id="onclick-caps"),
        pytest.param(
            f'{SVG_HEAD}><use xlink:href="https://evil.example/a.svg#x"/></svg>',
            "links outside",
            id="external-xlink-href",
        ),
        pytest.param(
            f'{SVG_HEAD}><use href="data:image/svg+xml;base64,PHN2Zz4="/></svg>',
            "links outside",
            id="data-href",
        ),
        pytest.param(
            f'{SVG_HEAD}><image href="https://tracker.example/p.png"/></svg>',
            "<image>",
            id="image-element",
        ),
        pytest.param(
            f'{SVG_HEAD}><rect fill="url(https://evil.example/f.svg#p)"/></svg>',
            "url()",
            id="external-url-fill",
        ),
        pytest.param(
            f"{SVG_HEAD}><style>rect {{ fill: url('//evil.example/x') }}</style></svg>",
            "url()",
            id="style-url",
        ),
        pytest.param(
            f"{SVG_HEAD}><style>@import 'https://evil.example/x.css';</style></svg>",
            "@import",
            id="style-import",
        ),
        pytest.param(
            f'{SVG_HEAD}><a href="javascript:alert(1)"><rect/></a></svg>',
            "<a>",
            id="javascript-link",
        ),
        pytest.param(
            f'{SVG_HEAD}><rect fill="javascript:x()"/></svg>', "javascript:", id="javascript-value"
        ),
        pytest.param(
            f"{SVG_HEAD}><style>rect {{ fill: \\75rl(//evil.example/x) }}</style></svg>",
            "CSS escape",
            id="style-css-escape",
        ),
        pytest.param(
            f"{SVG_HEAD}><style><![CDATA[rect {{ background: image-set('x.png' 1x) }}]]>"
            "</style></svg>",
            "image-set",
            id="style-image-set",
        ),
        pytest.param(
            f'{SVG_HEAD}><rect style="fill: url(https://evil.example/p)"/></svg>',
            "url()",
            id="style-attribute-url",
        ),
        pytest.param(
            f'{SVG_HEAD}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
            "</foreignObject></svg>",
            "<foreignObject>",
            id="foreign-object",
        ),
        pytest.param(
            f'{SVG_HEAD}><script xmlns="http://www.w3.org/1999/xhtml">x()</script></svg>',
            "<script> element of http://www.w3.org/1999/xhtml",
            id="xhtml-script",
        ),
        pytest.param(
            f'{SVG_HEAD}><set attributeName="href" to="#x"/></svg>', "<set>", id="animation"
        ),
        pytest.param(
            f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>{SVG_HEAD}>&x;</svg>',
            "DOCTYPE",
            id="entity",
        ),
        pytest.param(
            f'<?xml-stylesheet href="https://evil.example/s.css"?>{SVG_HEAD}/>',
            "processing instruction",
            id="stylesheet-pi",
        ),
        pytest.param('<html xmlns="http://www.w3.org/1999/xhtml"/>', "root", id="not-svg-root"),
        pytest.param("<svg><rect/></svg>", "root", id="svg-without-namespace"),
        pytest.param(f"{SVG_HEAD}><rect></svg>", "well-formed", id="broken-xml"),
    ],
)
def test_a_hostile_svg_is_refused_with_the_rule_it_breaks(svg: str, words: str) -> None:
    error = refused(svg.encode())
    assert error.status == 422
    assert words in str(error)


def test_words_in_the_drawing_are_not_mistaken_for_code() -> None:
    svg = f"{SVG_HEAD}><title>JavaScript: the basics</title><text>@import</text></svg>"
    assert check_image(svg.encode()).kind == "svg"


def test_a_png_bomb_claiming_huge_dimensions_is_refused_before_any_decoding() -> None:
    bomb = png(100_000, 100_000)
    assert len(bomb) < 100  # a tiny file that would make a browser allocate 40 GB
    error = refused(bomb)
    assert error.status == 422 and "100000 × 100000" in str(error)
    assert check_image(png(2048, 2048)).kind == "png"
    assert "pixels" in str(refused(png(2049, 1)))
    assert "pixels" in str(refused(png(0, 16)))


def test_broken_and_already_baked_pngs_are_refused() -> None:
    good = baking.default_badge_png(32)
    assert "CRC" in str(refused(good[:-4] + b"\x00" * 4))
    assert "IHDR" in str(refused(baking.PNG_SIGNATURE + baking.Chunk(b"IEND", b"").encode()))
    baked = baking.bake_png(good, {"id": "urn:x", "type": ["VerifiableCredential"]})
    assert "baked credential" in str(refused(baked))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", id="jpeg"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b"%PDF-1.7", id="pdf"),
        pytest.param(b"just text", id="text"),
    ],
)
def test_other_types_are_415_whatever_they_are_called(data: bytes) -> None:
    assert refused(data).status == 415


def test_an_oversized_image_is_413_and_an_empty_one_422() -> None:
    padded = PLAIN_SVG.replace("<title>", "<desc>" + "x" * MAX_IMAGE_BYTES + "</desc><title>")
    assert refused(padded.encode()).status == 413
    assert refused(b"").status == 422


@pytest.mark.parametrize(
    "body",
    [
        # a compressed baking chunk that inflates past the credential limit (3 KB -> 3 MiB)
        pytest.param(b"\x01\x00\x00\x00" + zlib.compress(b"\x00" * (3 << 20), 9), id="zip-bomb"),
        pytest.param(b"", id="no-compression-fields"),
        pytest.param(b"\x02\x00\x00\x00x", id="unknown-compression"),
        pytest.param(b"\x01\x00\x00\x00not zlib", id="broken-zlib"),
    ],
)
def test_any_baking_chunk_is_refused_as_an_image_without_inflating_it(body: bytes) -> None:
    """A PNG carrying an ``openbadgecredential`` iTXt chunk is not artwork, whatever the
    chunk holds: the refusal is an ImageRefusedError (422), never an inflated bomb or
    another error class the web layer does not answer."""
    chunk = baking.Chunk(b"iTXt", baking.PNG_KEYWORD + b"\x00" + body)
    error = refused(png(16, 16, chunk))
    assert error.status == 422 and "baked credential" in str(error)
