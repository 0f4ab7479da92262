"""Baked badges: an OpenBadgeCredential carried inside its PNG or SVG image.

Open Badges 3.0 §5.3 "Baked Badge" (https://www.imsglobal.org/spec/ob/v3p0/#baked-badge):

- PNG (§5.3.1): one ``iTXt`` chunk with keyword ``openbadgecredential``, compression flag 0;
  its text is the JSON credential (embedded proof) or the Compact JWS (VC-JWT).
- SVG (§5.3.2): ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on ``<svg>`` and,
  directly after the ``<svg>`` tag, one ``<openbadges:credential>`` element holding the JSON in
  ``<![CDATA[...]]>``, or, for VC-JWT, an empty element with the JWS in its ``verify`` attribute.

Both formats allow only one baked credential. Baking an image that already holds one
*replaces* it (the spec lets the implementor refuse or overwrite); extracting an image that
holds two is refused, so a displayer and a verifier can never read different credentials.

Everything here is untrusted input: images are bounded (``MAX_IMAGE_BYTES``), every PNG chunk
CRC is checked, a compressed iTXt is inflated only up to the credential limit, and an SVG with
a DOCTYPE or entity declaration (billion laughs, external entities) is refused before any
element is read. Pure: no I/O, no clock, no globals.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from vckit.document import MAX_BYTES, read_input
from vckit.errors import (
    BakingError,
    DocumentTooDeepError,
    DocumentTooLargeError,
    NotBakedError,
    VckitError,
)
from vckit.ob import badge_font

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest image accepted for baking or extraction (10 MiB)."""

MAX_CREDENTIAL_BYTES = MAX_BYTES
"""Largest baked credential, also the bound when inflating a compressed iTXt."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"

Credential = dict[str, Any] | str
"""A JSON-LD credential with an embedded proof, or the Compact JWS of a VC-JWT."""


# --- the credential as text -------------------------------------------------------------------


def credential_text(credential: Mapping[str, Any] | str, *, ascii_only: bool = False) -> str:
    """The text to bake: the credential's JSON, or the Compact JWS unchanged (§5.3.1.1)."""
    if isinstance(credential, str):
        try:
            parsed = read_input(credential, max_bytes=MAX_CREDENTIAL_BYTES)
        except DocumentTooLargeError:
            raise
        except VckitError:
            parsed = None
        if parsed is None or parsed.format != "jwt" or parsed.text is None:
            raise BakingError("a credential given as text must be a Compact JWS (VC-JWT)")
        return parsed.text
    text = json.dumps(credential, ensure_ascii=ascii_only)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise BakingError("the credential contains text that is not valid Unicode") from None
    if size > MAX_CREDENTIAL_BYTES:
        raise DocumentTooLargeError(f"credential is larger than {MAX_CREDENTIAL_BYTES} bytes")
    return text


def parse_credential(text: str) -> Credential:
    """Read extracted text (§5.3.1.2): a JSON credential becomes a dict, a JWS stays a string."""
    try:
        parsed = read_input(text, max_bytes=MAX_CREDENTIAL_BYTES)
    except (DocumentTooLargeError, DocumentTooDeepError):
        raise
    except VckitError as exc:
        raise BakingError(f"the baked credential is unusable: {exc}") from None
    if parsed.json is not None:
        return parsed.json
    if parsed.format == "jwt" and parsed.text is not None:
        return parsed.text
    raise BakingError("the baked credential is neither JSON nor a Compact JWS")


def _bound(data: bytes | str, what: str) -> None:
    if len(data) > MAX_IMAGE_BYTES:
        raise DocumentTooLargeError(f"{what} is {len(data)} bytes; the limit is {MAX_IMAGE_BYTES}")


# --- PNG (§5.3.1) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One PNG chunk (PNG §5.3): four-letter type and data; the CRC is recomputed on write."""

    type: bytes
    data: bytes

    def encode(self) -> bytes:
        crc = zlib.crc32(self.type + self.data)
        return struct.pack(">I", len(self.data)) + self.type + self.data + struct.pack(">I", crc)


def read_chunks(data: bytes) -> list[Chunk]:
    """Split a PNG datastream into chunks (PNG §5.2-§5.6), checking every length and CRC.

    The stream must start with the signature and IHDR and end with IEND, with nothing after.
    """
    _bound(data, "image")
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image: the 8-byte PNG signature is missing")
    chunks: list[Chunk] = []
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise BakingError(f"truncated PNG: chunk header cut off at byte {pos}")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if length > 2**31 - 1 or pos + 12 + length > len(data):
            raise BakingError(f"truncated PNG: chunk at byte {pos} claims {length} bytes")
        if not kind.isalpha() or not kind.isascii():
            raise BakingError(f"malformed PNG: chunk type {kind!r} at byte {pos}")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"corrupt PNG: CRC mismatch in {kind.decode()} chunk at byte {pos}")
        chunks.append(Chunk(kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0].type != b"IHDR":
        raise BakingError("malformed PNG: the first chunk is not IHDR")
    if chunks[-1].type != b"IEND":
        raise BakingError("truncated PNG: no IEND chunk")
    if pos != len(data):
        raise BakingError(f"malformed PNG: {len(data) - pos} bytes after IEND")
    return chunks


def write_chunks(chunks: list[Chunk]) -> bytes:
    return PNG_SIGNATURE + b"".join(chunk.encode() for chunk in chunks)


def itxt_chunk(text: str) -> Chunk:
    """The baking chunk (§5.3.1.1; PNG iTXt): keyword, null, compression flag 0, method 0,
    empty language tag and translated keyword (each null-terminated), then UTF-8 text."""
    return Chunk(b"iTXt", PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))


def itxt_text(chunk: Chunk) -> str | None:
    """The text of an ``openbadgecredential`` iTXt chunk, or None for any other chunk.

    The spec forbids compression when baking; a compressed chunk is still read, but inflated
    no further than ``MAX_CREDENTIAL_BYTES`` so a zip bomb cannot exhaust memory.
    """
    if chunk.type != b"iTXt" or not chunk.data.startswith(PNG_KEYWORD + b"\x00"):
        return None
    rest = chunk.data[len(PNG_KEYWORD) + 1 :]
    if len(rest) < 2:
        raise BakingError("malformed iTXt chunk: compression fields missing")
    flag, method, rest = rest[0], rest[1], rest[2:]
    parts = rest.split(b"\x00", 2)
    if len(parts) != 3:
        raise BakingError("malformed iTXt chunk: language tag or translated keyword unterminated")
    body = parts[2]
    if flag == 1 and method == 0:
        body = _inflate(body)
    elif flag != 0:
        raise BakingError(f"malformed iTXt chunk: compression flag {flag}, method {method}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("malformed iTXt chunk: text is not UTF-8") from None


def _inflate(body: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(f"malformed iTXt chunk: cannot inflate ({exc})") from None
    if len(out) > MAX_CREDENTIAL_BYTES or inflater.unconsumed_tail:
        raise DocumentTooLargeError(f"compressed iTXt inflates beyond {MAX_CREDENTIAL_BYTES} bytes")
    if not inflater.eof:
        raise BakingError("malformed iTXt chunk: compressed text is truncated")
    return out


def bake_png(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """Bake a credential into a PNG (§5.3.1.1): drop any earlier ``openbadgecredential``
    iTXt chunk (only one may appear) and insert the new one just before IEND."""
    chunks = [c for c in read_chunks(image) if itxt_text(c) is None]
    chunks.insert(len(chunks) - 1, itxt_chunk(credential_text(credential)))
    return write_chunks(chunks)


def extract_png(data: bytes) -> Credential:
    """Extract the baked credential from a PNG (§5.3.1.2).

    Stricter than the spec's "stop at the first chunk": the whole stream is checked, and a
    second ``openbadgecredential`` chunk (forbidden by §5.3.1.1) is refused.
    """
    found = [text for c in read_chunks(data) if (text := itxt_text(c)) is not None]
    if not found:
        raise NotBakedError("the PNG has no openbadgecredential iTXt chunk")
    if len(found) > 1:
        raise BakingError(f"the PNG has {len(found)} openbadgecredential chunks; one is allowed")
    return parse_credential(found[0])


# --- SVG (§5.3.2) -----------------------------------------------------------------------------


@dataclass
class _Element:
    start: int  # byte offset of "<"
    end: int = -1  # byte offset of the end tag "</" (meaningless for an empty element)
    verify: str | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _SvgScan:
    """What baking and extraction need from an SVG: the root tag and the credential elements."""

    data: bytes
    root_start: int
    root_declares: str | None  # the URI bound to the prefix "openbadges" on <svg>, if any
    credentials: list[_Element]


def _decode_svg(svg: bytes | str) -> bytes:
    _bound(svg, "image")
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the SVG is not UTF-8 text") from None
    return data


def scan_svg(svg: bytes | str) -> _SvgScan:
    """Parse an SVG with expat, refusing any DOCTYPE or entity declaration before it is used.

    Elements are matched by namespace, not by prefix: ``{OB_NAMESPACE}credential`` under any
    prefix is a baked credential (XML Namespaces §3).
    """
    data = _decode_svg(svg)
    parser = expat.ParserCreate(namespace_separator=" ")
    credentials: list[_Element] = []
    open_credential: list[_Element] = []
    state: dict[str, Any] = {"root": None, "depth": 0, "declares": None}

    def refuse(*_: object) -> None:
        raise BakingError("the SVG has a DOCTYPE or entity declaration; these are refused")

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8"):
            raise BakingError(f"the SVG declares encoding {encoding!r}; only UTF-8 is read")

    def namespace(prefix: str | None, uri: str) -> None:
        if state["depth"] == 0 and prefix == "openbadges":
            state["declares"] = uri

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["depth"] == 0:
            if name != f"{SVG_NAMESPACE} svg":
                raise BakingError("not an SVG image: the root is not an <svg> element")
            state["root"] = parser.CurrentByteIndex
        state["depth"] += 1
        if name == f"{OB_NAMESPACE} credential":
            element = _Element(parser.CurrentByteIndex, verify=attrs.get("verify"))
            credentials.append(element)
            open_credential.append(element)

    def end(name: str) -> None:
        state["depth"] -= 1
        if name == f"{OB_NAMESPACE} credential":
            open_credential.pop().end = parser.CurrentByteIndex

    def text(chars: str) -> None:
        if open_credential:
            open_credential[-1].parts.append(chars)

    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BakingError(f"the SVG is not well-formed XML: {exc}") from None
    if state["root"] is None:
        raise BakingError("not an SVG image: no root element")
    return _SvgScan(data, state["root"], state["declares"], credentials)


def _tag_end(data: bytes, pos: int) -> int:
    """Offset just past the ``>`` closing the tag that starts at ``pos`` (quotes respected)."""
    quote = 0
    for i in range(pos, len(data)):
        byte = data[i]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return i + 1
    raise BakingError("the SVG has an unterminated tag")


def credential_element(credential: Mapping[str, Any] | str) -> str:
    """The ``<openbadges:credential>`` element (§5.3.2.1): ``verify`` for a JWS, else CDATA."""
    text = credential_text(credential, ascii_only=True)
    if isinstance(credential, str):
        return f"<openbadges:credential verify={quoteattr(text)}></openbadges:credential>"
    cdata = text.replace("]]>", "]]]]><![CDATA[>")
    return f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"


def _outermost(scan: _SvgScan) -> list[tuple[int, int]]:
    """Byte ranges of the credential elements, nested ones folded into their parent."""
    spans: list[tuple[int, int]] = []
    for element in scan.credentials:  # document order: a parent precedes its children
        head_end = _tag_end(scan.data, element.start)
        empty = scan.data[head_end - 2 : head_end] == b"/>"
        stop = head_end if empty else _tag_end(scan.data, element.end)
        if spans and element.start < spans[-1][1]:
            continue
        spans.append((element.start, stop))
    return spans


def bake_svg(svg: bytes | str, credential: Mapping[str, Any] | str) -> str:
    """Bake a credential into an SVG (§5.3.2.1), editing the text so the artwork is untouched.

    Adds ``xmlns:openbadges`` to ``<svg>`` unless present, removes any earlier credential
    element (only one may appear) and inserts the new one directly after the ``<svg>`` tag.
    """
    scan = scan_svg(svg)
    if scan.root_declares not in (None, OB_NAMESPACE):
        raise BakingError(f"the SVG binds the prefix openbadges to {scan.root_declares!r}")
    data = scan.data
    for start, stop in reversed(_outermost(scan)):
        data = data[:start] + data[stop:]
    root_end = _tag_end(data, scan.root_start)
    if data[root_end - 2 : root_end] == b"/>":
        raise BakingError("the SVG root element is empty; there is no image to bake into")
    head = data[: root_end - 1]
    if scan.root_declares is None:
        head += f" xmlns:openbadges={quoteattr(OB_NAMESPACE)}".encode()
    element = credential_element(credential).encode()
    return (head + b">" + element + data[root_end:]).decode("utf-8")


def extract_svg(data: bytes | str) -> Credential:
    """Extract the baked credential from an SVG (§5.3.2.2): the ``verify`` attribute (JWS),
    else the element's text (JSON). A second credential element is refused."""
    found = scan_svg(data).credentials
    if not found:
        raise NotBakedError("the SVG has no <openbadges:credential> element")
    if len(found) > 1:
        raise BakingError(f"the SVG has {len(found)} credential elements; one is allowed")
    element = found[0]
    if element.verify is not None:
        if element.text.strip():
            raise BakingError("the credential element has both a verify attribute and content")
        return parse_credential(element.verify)
    return parse_credential(element.text)


# --- either format ---------------------------------------------------------------------------


def image_kind(data: bytes) -> Literal["png", "svg"] | None:
    """Sniff a baked-badge candidate: the PNG signature, or XML markup (``<`` first)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "svg"
    return None


def extract(data: bytes) -> Credential:
    """Extract from a PNG or an SVG, whichever ``data`` is."""
    kind = image_kind(data)
    if kind == "png":
        return extract_png(data)
    if kind == "svg":
        return extract_svg(data)
    raise BakingError("not a PNG or SVG image")


# --- images for issuers without artwork -------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise BakingError(f"colour {colour!r} is not #rrggbb")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def default_badge_png(size: int = 256, colour: str = "#1f5f8b", name: str = "") -> bytes:
    """A plain badge: a filled disc on a transparent square (8-bit RGBA, PNG §11.2.2), with
    ``name`` written across it in white (up to three lines, :mod:`vckit.ob.badge_font`)."""
    if not 16 <= size <= 1024:
        raise BakingError("badge size must be between 16 and 1024 pixels")
    ink, clear = bytes(_rgb(colour)) + b"\xff", b"\x00\x00\x00\x00"
    radius = size / 2
    rows: list[bytearray] = []
    for y in range(size):
        dy = y + 0.5 - radius
        half = min(int(max(radius * radius - dy * dy, 0) ** 0.5 + 0.5), size // 2)
        left = (size - 2 * half) // 2
        rows.append(bytearray(clear * left + ink * (2 * half) + clear * (size - left - 2 * half)))
    _write(rows, size, name)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"".join(b"\x00" + bytes(row) for row in rows), 9)
    return write_chunks([Chunk(b"IHDR", header), Chunk(b"IDAT", idat), Chunk(b"IEND", b"")])


def _write(rows: list[bytearray], size: int, name: str) -> None:
    """White text, centred, on the badge's pixel rows (RGBA)."""
    longest = max((len(word) for word in name.split()), default=0)
    scale = max(size // 85, 1)
    while True:  # as large as lets the longest word fit on a line, three quarters wide
        per_line = max((size * 3 // 4) // ((badge_font.WIDTH + badge_font.GAP) * scale), 1)
        if scale == 1 or per_line >= longest:
            break
        scale -= 1
    lines = _lines(name, per_line, 3) if name.strip() else []
    height = badge_font.HEIGHT * scale
    step = height + 3 * scale
    top = (size - (len(lines) * step - 3 * scale)) // 2
    for n, line in enumerate(lines):
        mask = badge_font.text_mask(line, scale)
        left = (size - badge_font.line_width(line, scale)) // 2
        for dy, mask_row in enumerate(mask):
            row = rows[top + n * step + dy]
            for dx, on in enumerate(mask_row):
                if on and 0 <= left + dx < size:
                    row[4 * (left + dx) : 4 * (left + dx) + 4] = b"\xff\xff\xff\xff"


def _lines(text: str, width: int, most: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters (words kept whole when they fit),
    at most ``most`` lines, the last one cut with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word[:width])
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines or [""]


def default_badge_svg(name: str, issuer: str, colour: str = "#1f5f8b") -> str:
    """A plain badge with the achievement's name (up to three lines) and the issuer's
    (escaped), ready for ``bake_svg``."""
    _rgb(colour)
    title = escape(name[:60])
    names = _lines(name[:60], 16, 3)
    by = _lines(issuer[:60], 24, 2) if issuer.strip() else []
    top = 128 - (len(names) * 24 + len(by) * 15) // 2 + 18
    text = "".join(
        f'  <text x="128" y="{top + 24 * i}" text-anchor="middle" font-family="sans-serif" '
        f'font-size="20" font-weight="bold" fill="#ffffff">{escape(line)}</text>\n'
        for i, line in enumerate(names)
    )
    below = top + 24 * len(names) + 4
    text += "".join(
        f'  <text x="128" y="{below + 15 * i}" text-anchor="middle" font-family="sans-serif" '
        f'font-size="12" fill="#ffffff">{escape(line)}</text>\n'
        for i, line in enumerate(by)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="{SVG_NAMESPACE}" viewBox="0 0 256 256" width="256" height="256" '
        f'role="img" aria-label={quoteattr(name[:60])}>\n'
        f"  <title>{title}</title>\n"
        f'  <circle cx="128" cy="128" r="124" fill="{colour}"/>\n'
        '  <circle cx="128" cy="128" r="108" fill="none" stroke="#ffffff" stroke-width="4"/>\n'
        f"{text}"
        "</svg>\n"
    )
