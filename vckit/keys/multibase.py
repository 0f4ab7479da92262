"""Multibase text encodings used by Data Integrity, Multikey and JOSE.

Two bases are supported, both strict (one valid spelling per byte string):

* ``base58btc`` -- Multibase prefix ``z``; the Bitcoin alphabet
  (draft-msporny-base58-03, https://datatracker.ietf.org/doc/draft-msporny-base58/).
* ``base64url`` -- Multibase prefix ``u``; RFC 4648 section 5 alphabet without padding,
  the form RFC 7515 section 2 calls ``BASE64URL``.

Multibase itself: https://datatracker.ietf.org/doc/draft-multiformats-multibase/ (section 3.1,
prefix table). Only ``z`` and ``u`` are read; any other prefix is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Literal

from vckit.errors import InputError

Base = Literal["base58btc", "base64url"]

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}
_GROUP = 10  # base58 digits handled per big-integer step
_GROUP_BASE = 58**_GROUP
_B64URL_TEXT = re.compile(r"[A-Za-z0-9_-]*")


_PAIR_BASE = 58 * 58
_B58_PAIRS = tuple(high + low for high in _B58_ALPHABET for low in _B58_ALPHABET)
"""Every two-digit base58 string, at index ``58 * high + low``: a group of ten digits is
written in five table look-ups instead of ten single-digit steps."""


def _group_base58(value: int) -> str:
    """The ten base58 digits of ``value`` (below ``58**10``), leading zeros written ``1``."""
    pairs = _B58_PAIRS
    value, fifth = divmod(value, _PAIR_BASE)
    value, fourth = divmod(value, _PAIR_BASE)
    value, third = divmod(value, _PAIR_BASE)
    first, second = divmod(value, _PAIR_BASE)
    return pairs[first] + pairs[second] + pairs[third] + pairs[fourth] + pairs[fifth]


def base58btc_encode(data: bytes) -> str:
    """Encode bytes in base58btc (draft-msporny-base58-03 section 3): each leading zero
    byte becomes ``1``, the rest is the big-endian number written in base 58. The number is
    split into groups of ten digits so long inputs cost ten times fewer big-integer steps."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    groups: list[int] = []
    while number:
        number, group = divmod(number, _GROUP_BASE)
        groups.append(group)
    text = "".join(_group_base58(group) for group in reversed(groups))
    return "1" * zeros + text.lstrip("1")


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc (draft-msporny-base58-03 section 4); refuse characters outside the
    alphabet with :class:`InputError`."""
    values: list[int] = []
    for position, char in enumerate(text):
        value = _B58_INDEX.get(char)
        if value is None:
            raise InputError(f"base58btc: character {char!r} at position {position} is not valid")
        values.append(value)
    number = 0
    for start in range(0, len(values), _GROUP):
        group = values[start : start + _GROUP]
        group_value = 0
        for value in group:
            group_value = group_value * 58 + value
        number = number * 58 ** len(group) + group_value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def base64url_nopad_encode(data: bytes) -> str:
    """``BASE64URL(data)`` as defined in RFC 7515 section 2: RFC 4648 section 5, no ``=``."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_nopad_decode(text: str) -> bytes:
    """Inverse of :func:`base64url_nopad_encode`, strict: no padding, no whitespace, no
    characters outside the URL-safe alphabet, no non-zero trailing bits (RFC 4648 section 3.5),
    so that each byte string has exactly one accepted spelling. The alphabet is checked by
    ``binascii``'s strict mode after ``-_`` become ``+/`` (which must not be there before),
    not by a regular expression over every character: JWT payloads are kilobytes long."""
    if not isinstance(text, str):
        raise InputError(_NOT_BASE64URL)
    if len(text) % 4 == 1:
        if _B64URL_TEXT.fullmatch(text) is None:
            raise InputError(_NOT_BASE64URL)
        raise InputError(f"base64url: a length of {len(text)} characters is impossible")
    try:
        raw = text.encode("ascii")
        if b"+" in raw or b"/" in raw or b"=" in raw:
            raise InputError(_NOT_BASE64URL)
        data = binascii.a2b_base64(
            raw.translate(_TO_STANDARD) + _PADDING[len(raw) % 4], strict_mode=True
        )
    except (UnicodeEncodeError, binascii.Error):
        raise InputError(_NOT_BASE64URL) from None
    unused = _UNUSED_BITS[len(text) % 4]  # 2 or 3 last characters: 4 or 2 bits unused
    if unused and _B64URL_VALUE[text[-1]] & unused:
        raise InputError("base64url: non-canonical encoding (unused trailing bits are set)")
    return data


_NOT_BASE64URL = "base64url: only A-Z a-z 0-9 - _ are allowed (no padding)"
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_PADDING = {0: b"", 2: b"==", 3: b"="}
_B64URL_VALUE = {
    char: value
    for value, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}
_UNUSED_BITS = {0: 0, 2: 0b1111, 3: 0b11}
"""Per ``len % 4``: the bits of the last character that encode nothing (RFC 4648 §3.5)."""


def encode(data: bytes, base: Base) -> str:
    """Multibase-encode ``data``: the base's prefix character followed by its encoding."""
    if base == "base58btc":
        return "z" + base58btc_encode(data)
    if base == "base64url":
        return "u" + base64url_nopad_encode(data)
    raise InputError(f"multibase: unsupported base {base!r}")


def decode(value: str) -> bytes:
    """Decode a Multibase string whose prefix is ``z`` (base58btc) or ``u`` (base64url)."""
    if not isinstance(value, str) or not value:
        raise InputError("multibase: expected a non-empty string")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        return base64url_nopad_decode(body)
    raise InputError(f"multibase: unsupported prefix {prefix!r} (only 'z' and 'u' are read)")
