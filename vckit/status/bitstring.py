"""The status bitstring of W3C Bitstring Status List v1.0 and StatusList2021: bits, GZIP, text.

Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/): §5.1 "Bitstring
Encoding" (index 0 is the left-most bit, i.e. the most significant bit of the first byte),
§3.3 Bitstring Generation (GZIP, then Multibase base64url with prefix ``u``), §3.4 Bitstring
Expansion, §2.2 minimum size 16KB (131,072 entries). StatusList2021 (W3C FPWD 2023-04-27)
uses the same bits and GZIP but base64url text without the Multibase prefix.

Decompression is bounded (:data:`MAX_DECOMPRESSED_BYTES`): a GZIP bomb is a
:class:`StatusListFormatError`, not an exhausted machine. :mod:`vckit.status.status_list` re-exports
everything here.
"""

from __future__ import annotations

import struct
import zlib
from typing import Literal

from vckit.errors import InputError, StatusIndexError, StatusListFormatError
from vckit.keys.multibase import base64url_nopad_decode, base64url_nopad_encode

Flavor = Literal["bitstring", "statuslist2021"]

MIN_BITS = 131_072
"""§3.2 minimumNumberOfEntries / §2.2 "at least 16KB" uncompressed."""
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024
"""Bound on the expanded list (16 MiB = 134 million entries); larger is a GZIP bomb."""

# RFC 1952 §2.3: ID1 ID2 CM=8 (deflate) FLG=0 MTIME=0 XFL=0 OS=3 (Unix).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


class StatusList:
    """A bitstring of status bits; index 0 is the most significant bit of byte 0 (§5.1)."""

    __slots__ = ("_bits",)

    def __init__(self, data: bytes | bytearray) -> None:
        self._bits = bytearray(data)

    @staticmethod
    def new(length: int = MIN_BITS) -> StatusList:
        """An all-zero list of ``length`` bits (a multiple of 8, at least 131,072; §3.3)."""
        if length < MIN_BITS or length % 8:
            raise InputError(f"a status list needs a multiple of 8 bits >= {MIN_BITS}: {length}")
        return StatusList(bytes(length // 8))

    def __len__(self) -> int:
        return len(self._bits) * 8

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self):
            raise StatusIndexError(f"status index {index!r} is outside 0..{len(self) - 1}")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """The bit at ``index``; :class:`StatusIndexError` outside the list (§3.2 RANGE_ERROR)."""
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (``True``) or clear (``False``) the bit at ``index``."""
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def get_value(self, index: int, size: int = 1) -> int:
        """The ``size``-bit status of entry ``index``: bits ``index * size`` onwards (§3.2 "the
        position indicated by the credentialIndex multiplied by the size"), the first bit the
        most significant. :class:`StatusIndexError` when the entry runs past the list."""
        start = self._entry_start(index, size)
        value = 0
        for offset in range(size):
            value = (value << 1) | int(self.get(start + offset))
        return value

    def set_value(self, index: int, size: int, value: int) -> None:
        """Write ``value`` (0 .. 2**size - 1) as entry ``index`` of ``size`` bits (§3.3 "The
        position of the value is computed as statusListIndex times the statusSize")."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << size:
            raise InputError(f"a {size}-bit status value must be 0..{(1 << size) - 1}: {value!r}")
        start = self._entry_start(index, size)
        for offset in range(size):
            self.set(start + offset, bool(value >> (size - 1 - offset) & 1))

    def _entry_start(self, index: int, size: int) -> int:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InputError(f"statusSize must be an integer > 0, not {size!r}")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise StatusIndexError(f"status index {index!r} is not an integer >= 0")
        if (index + 1) * size > len(self):
            raise StatusIndexError(
                f"status index {index} of {size} bits is outside the list ({len(self)} bits)"
            )
        return index * size

    def encode(self, flavor: Flavor = "bitstring") -> str:
        """§3.3 step 3: GZIP, then Multibase base64url (``u`` prefix, no padding).
        For StatusList2021 the base64url text has no Multibase prefix."""
        text = base64url_nopad_encode(gzip_compress(self.to_bytes()))
        return "u" + text if flavor == "bitstring" else text

    @staticmethod
    def decode(
        encoded: str,
        flavor: Flavor = "bitstring",
        *,
        min_bits: int = MIN_BITS,
        max_bytes: int = MAX_DECOMPRESSED_BYTES,
    ) -> StatusList:
        """§3.4 Bitstring Expansion Algorithm, plus the §3.2 length check: refuse lists shorter
        than ``min_bits`` (STATUS_LIST_LENGTH_ERROR) and longer than ``max_bytes``."""
        data = gzip_decompress(_text_to_gzip(encoded, flavor), max_bytes=max_bytes)
        if len(data) * 8 < min_bits:
            raise StatusListFormatError(
                f"the status list has {len(data) * 8} entries; at least {min_bits} are required"
            )
        return StatusList(data)


def gzip_compress(data: bytes) -> bytes:
    """RFC 1952 member with a fixed header (no name, MTIME 0, OS Unix) around a raw deflate
    stream at zlib level 6, so the output depends only on the input (and zlib's deflate)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15, 8)
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return _GZIP_HEADER + body + trailer


def gzip_decompress(data: bytes, *, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Expand exactly one GZIP member, never producing more than ``max_bytes``."""
    inflater = zlib.decompressobj(wbits=31)  # 16 + 15: a gzip header and trailer are required
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListFormatError(f"encodedList is not valid GZIP data: {exc}") from None
    if len(out) > max_bytes:
        raise StatusListFormatError(f"encodedList expands to more than {max_bytes} bytes")
    if not inflater.eof:
        raise StatusListFormatError("encodedList is truncated GZIP data")
    if inflater.unused_data:
        raise StatusListFormatError("encodedList has data after the GZIP member")
    return out


def _text_to_gzip(encoded: object, flavor: Flavor) -> bytes:
    """Multibase-decode (``u`` + base64url, §2.2) or, for StatusList2021, base64url-decode."""
    if not isinstance(encoded, str):
        raise StatusListFormatError(f"encodedList must be a string, not {type(encoded).__name__}")
    text = encoded
    if flavor == "bitstring":
        if not text.startswith("u"):
            prefix = repr(text[:1]) if text else "nothing"
            raise StatusListFormatError(
                f"encodedList must be Multibase base64url (prefix 'u'); it starts with {prefix}"
            )
        text = text[1:]
    else:
        text = text.rstrip("=")  # tolerate padding: the 2021 text says only "base-64 encoded"
    try:
        return base64url_nopad_decode(text)
    except InputError as exc:
        raise StatusListFormatError(f"encodedList is not base64url: {exc}") from None
