"""Is this upload a badge image we will publish? PNG or SVG, sniffed from the bytes.

The file name and the declared media type are never trusted: :func:`check_image` reads the
bytes. What passes:

- **PNG**: the signature, every chunk's length and CRC (:func:`vckit.ob.baking.read_chunks`),
  an IHDR of at most :data:`MAX_SIDE` pixels a side (a small file that claims 100 000 ×
  100 000 pixels would make every browser that shows it allocate gigabytes), and no credential
  baked in already (baking allows one; an ``openbadgecredential`` chunk is refused by its
  keyword, never inflated or read).
- **SVG**: UTF-8 XML whose root is ``<svg>`` in the SVG namespace, made only of the drawing
  elements of :data:`SVG_ELEMENTS` (no ``<script>``, ``<foreignObject>``, ``<image>``, ``<a>``,
  animation, nor any element of another namespace), with no DOCTYPE, entity or processing
  instruction, no event-handler attribute (``on…``), no link but to a fragment of the same
  file (``href="#id"``), no ``url(…)`` but ``url(#id)``, no ``javascript:`` in an
  attribute, and nothing in a style that could fetch or run (:func:`check_style`). A file
  that breaks a rule is refused with the rule, not silently cleaned: what is published is
  exactly what staff chose.

Everything else is refused with :class:`ImageRefusedError`, whose ``status`` is the HTTP
status to answer (413 too large, 415 not PNG or SVG, 422 an unsafe or broken image).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Literal
from xml.parsers import expat

from issuer.errors import InvalidRequestError
from vckit.errors import BakingError
from vckit.ob import baking

MAX_IMAGE_BYTES = 64 * 1024
"""Largest image (64 KiB): it travels inside every credential as a ``data:`` URL."""
MAX_SIDE = 2048
"""Largest PNG width or height in pixels."""
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}

SVG = baking.SVG_NAMESPACE
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle",
        "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
        "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "style", "filter",
        "feBlend", "feColorMatrix", "feComposite", "feDropShadow", "feFlood", "feGaussianBlur",
        "feMerge", "feMergeNode", "feOffset",
    }
)  # fmt: skip
"""Drawing elements only: nothing that runs, links, embeds or animates."""
_URL = re.compile(r"url\(\s*(?!['\"]?\s*#)", re.IGNORECASE)
_BAD_TEXT = re.compile(r"javascript:|@import|expression\s*\(", re.IGNORECASE)
_BAD_CSS = re.compile(r"image-set|@font-face|\bsrc\s*\(|//|\\", re.IGNORECASE)


class ImageRefusedError(InvalidRequestError):
    """An upload that is not an image we publish; ``status``: the HTTP status to answer."""

    code = "image-refused"

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Image:
    """A checked badge image."""

    kind: Literal["png", "svg"]
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def check_image(data: bytes) -> Image:
    """The upload as a checked :class:`Image`, or :class:`ImageRefusedError`."""
    if not data:
        raise ImageRefusedError("the file is empty", 422)
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefusedError(
            f"the image is {len(data)} bytes; the limit is {MAX_IMAGE_BYTES} (64 KiB)", 413
        )
    kind = baking.image_kind(data)
    if kind == "png":
        check_png(data)
    elif kind == "svg":
        check_svg(data)
    else:
        raise ImageRefusedError("the file is neither a PNG nor an SVG image", 415)
    return Image(kind, data)


def check_png(data: bytes) -> None:
    """A well-formed PNG of sensible dimensions with no baked credential."""
    try:
        chunks = baking.read_chunks(data)
    except BakingError as exc:
        raise ImageRefusedError(str(exc)) from None
    header = chunks[0].data
    if len(header) != 13:
        raise ImageRefusedError("malformed PNG: the IHDR chunk is not 13 bytes")
    width, height = struct.unpack(">II", header[:8])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ImageRefusedError(
            f"the PNG claims {width} × {height} pixels; at most {MAX_SIDE} a side is accepted"
        )
    if not any(chunk.type == b"IDAT" for chunk in chunks):
        raise ImageRefusedError("malformed PNG: no image data (IDAT)")
    if any(_baking_chunk(chunk) for chunk in chunks):
        raise ImageRefusedError("the PNG carries a baked credential already; upload the artwork")


def _baking_chunk(chunk: baking.Chunk) -> bool:
    """An ``openbadgecredential`` iTXt chunk, known by its keyword alone: what it holds is
    never read (a compressed one could inflate to megabytes, a broken one would fail)."""
    return chunk.type == b"iTXt" and chunk.data.startswith(baking.PNG_KEYWORD + b"\x00")


def check_svg(data: bytes) -> None:
    """An SVG of drawing elements only (see the module docstring)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImageRefusedError("the SVG is not UTF-8 text") from None
    parser = expat.ParserCreate(namespace_separator=" ")
    opened: list[str] = []  # the open elements' local names
    style: list[str] = []  # the text of the open <style> element

    def refuse(what: str) -> None:
        raise ImageRefusedError(f"the SVG {what}; refused")

    def start(name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not opened and (namespace, local) != (SVG, "svg"):
            refuse("root is not an <svg> element in the SVG namespace")
        if namespace != SVG or local not in SVG_ELEMENTS:
            refuse(f"has a <{local}> element{f' of {namespace}' if namespace != SVG else ''}")
        opened.append(local)
        for attr, value in attrs.items():
            check_attribute(attr, value)

    def end(name: str) -> None:
        if opened.pop() == "style":
            check_style("".join(style))
            style.clear()

    def text(chars: str) -> None:
        if opened[-1:] == ["style"]:
            style.append(chars)

    parser.StartDoctypeDeclHandler = lambda *_: refuse("has a DOCTYPE")
    parser.EntityDeclHandler = lambda *_: refuse("declares an entity")
    parser.ProcessingInstructionHandler = lambda *_: refuse("has a processing instruction")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ImageRefusedError(f"the SVG is not well-formed XML: {exc}") from None


def check_style(css: str) -> None:
    """Style sheet text (a ``<style>`` element or a ``style`` attribute): nothing fetched
    (``url()`` but ``url(#id)``, ``@import``, ``image-set``, ``@font-face``, ``src()``, ``//``),
    run (``expression()``, ``javascript:``) or escaped (a CSS escape could spell ``url``)."""
    if _URL.search(css) or _BAD_TEXT.search(css) or _BAD_CSS.search(css):
        raise ImageRefusedError(
            "the SVG's style may fetch or run something (url(), @import, image-set, "
            "@font-face, a CSS escape, expression(), javascript:); refused"
        )


def check_attribute(name: str, value: str) -> None:
    """No event handler, no link outside the file, no foreign attribute."""
    namespace, _, local = name.rpartition(" ")
    if local.lower().startswith("on"):
        raise ImageRefusedError(f"the SVG has an event handler ({local}=); refused")
    if namespace not in ("", XLINK, XML):
        raise ImageRefusedError(f"the SVG has an attribute of {namespace}; refused")
    if local == "href" and not value.strip().startswith("#"):
        raise ImageRefusedError("the SVG links outside itself (href); only #fragments are allowed")
    if local == "style":
        check_style(value)
    elif _URL.search(value) or _BAD_TEXT.search(value):
        raise ImageRefusedError(
            "the SVG refers to something outside itself with url() or javascript:; refused"
        )
