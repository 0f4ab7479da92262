"""Multicodec headers: the prefix that says what a Multikey value holds.

A header is the codec's number from the multiformats table
(https://github.com/multiformats/multicodec/blob/master/table.csv) written as an unsigned
varint (https://github.com/multiformats/unsigned-varint: 7 bits per byte, least significant
group first, high bit set on every byte but the last, minimal length). Only the key codecs
vckit reads are named here.
"""

from __future__ import annotations

from vckit.errors import InputError

ED25519_PUB = 0xED
P256_PUB = 0x1200
P384_PUB = 0x1201
P521_PUB = 0x1202
ED25519_PRIV = 0x1300
P256_PRIV = 0x1306
P384_PRIV = 0x1307
P521_PRIV = 0x1308

_MAX_HEADER_BYTES = 3  # every codec above fits in two bytes; three leaves room to detect junk


def varint(code: int) -> bytes:
    """Encode a codec number as an unsigned varint (0xed -> ed 01, 0x1200 -> 80 24)."""
    if code < 0:
        raise InputError("multicodec: codes are non-negative")
    out = bytearray()
    while True:
        group, code = code & 0x7F, code >> 7
        out.append(group | (0x80 if code else 0))
        if not code:
            return bytes(out)


def split(data: bytes) -> tuple[int, bytes]:
    """Read the varint header of ``data``: return (codec, the bytes after the header).
    A header that is truncated, longer than three bytes or not minimal is refused."""
    code = 0
    for index, byte in enumerate(data[:_MAX_HEADER_BYTES]):
        code |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if varint(code) != data[: index + 1]:
                raise InputError("multicodec: the varint header is not minimal")
            return code, data[index + 1 :]
    raise InputError("multicodec: no complete varint header")
