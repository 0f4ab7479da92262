"""CBOR (RFC 8949), just what the ecdsa-sd-2023 proof values use.

:func:`encode` / :func:`decode` cover unsigned integers, byte strings, text strings, arrays and
maps, definite lengths only, with the preferred (shortest) serialization of § 4.2.1; anything
else is refused with :class:`~vckit.errors.SdProofValueError`. Decoding is bounded (nesting
depth, lengths checked against the data) because proof values arrive from anyone.
"""

from __future__ import annotations

from typing import Any

from vckit.errors import SdProofValueError


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise SdProofValueError("a CBOR integer or length too large for 64 bits")


def encode(value: Any) -> bytes:
    """RFC 8949 § 4.2.1 preferred (shortest) serialization of int/bytes/str/list/dict."""
    if isinstance(value, bool) or value is None:
        raise SdProofValueError(f"CBOR type not used by ecdsa-sd-2023: {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise SdProofValueError("negative integers are not used by ecdsa-sd-2023")
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(
            encode(key) + encode(item) for key, item in value.items()
        )
    raise SdProofValueError(f"CBOR type not used by ecdsa-sd-2023: {type(value).__name__}")


def _item(data: bytes, at: int, depth: int) -> tuple[Any, int]:
    if depth > 8:
        raise SdProofValueError("CBOR nesting deeper than an ecdsa-sd-2023 proof value")
    if at >= len(data):
        raise SdProofValueError("CBOR data ends early")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise SdProofValueError("CBOR data ends early")
        arg = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise SdProofValueError("indefinite-length or reserved CBOR items are not accepted")
    if major == 0:
        return arg, at
    if major in (2, 3):
        if at + arg > len(data):
            raise SdProofValueError("CBOR string runs past the end")
        chunk = data[at : at + arg]
        if major == 2:
            return chunk, at + arg
        try:
            return chunk.decode("utf-8"), at + arg
        except UnicodeDecodeError:
            raise SdProofValueError("CBOR text string is not UTF-8") from None
    if major == 4:
        if arg > len(data):
            raise SdProofValueError("CBOR array longer than its data")
        items = []
        for _ in range(arg):
            item, at = _item(data, at, depth + 1)
            items.append(item)
        return items, at
    if major == 5:
        if arg > len(data):
            raise SdProofValueError("CBOR map longer than its data")
        mapping: dict[Any, Any] = {}
        for _ in range(arg):
            key, at = _item(data, at, depth + 1)
            if not isinstance(key, int | str) or key in mapping:
                raise SdProofValueError("CBOR map key that is not a unique integer or text")
            mapping[key], at = _item(data, at, depth + 1)
        return mapping, at
    raise SdProofValueError(f"CBOR major type {major} is not used by ecdsa-sd-2023")


def decode(data: bytes) -> Any:
    """Decode one CBOR item that must fill ``data`` exactly."""
    value, end = _item(data, 0, 0)
    if end != len(data):
        raise SdProofValueError("trailing bytes after the CBOR item")
    return value
