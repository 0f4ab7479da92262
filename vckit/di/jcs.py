"""JSON Canonicalization Scheme (RFC 8785), for the ``eddsa-jcs-2022`` and ``ecdsa-jcs-2019``
cryptosuites (their Transformation and Proof Configuration steps).

RFC 8785 §3.2: no whitespace (§3.2.1); literals as JSON has them (§3.2.2.1); strings as
ECMAScript's ``JSON.stringify`` writes them: ``"`` and ``\\`` escaped, the control characters
as ``\\b \\t \\n \\f \\r`` or ``\\u00xx`` in lower-case hex, everything else as the UTF-8 of
the character itself (§3.2.2.2); numbers as ECMAScript's ``Number.prototype.toString`` writes an
IEEE 754 double (§3.2.2.3); object members sorted by their names' UTF-16 code units (§3.2.3).
The input must be I-JSON (RFC 7493): no lone surrogates, numbers that are doubles; anything
else is refused rather than canonicalized into something another implementation would not
produce.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from vckit.errors import InputError

MAX_SAFE_INTEGER = 2**53
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def canonicalize(value: Any) -> str:
    """The RFC 8785 canonical form of a JSON value, as text (encode it as UTF-8 to hash)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int | float):
        out.append(number(value))
    elif isinstance(value, Mapping):
        members = sorted(value.items(), key=lambda item: _utf16_key(item[0]))
        out.append("{")
        for index, (name, member) in enumerate(members):
            if not isinstance(name, str):
                raise InputError("JCS: an object member name must be a string")
            out.append(("," if index else "") + _string(name) + ":")
            _write(member, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise InputError(f"JCS: {type(value).__name__} is not a JSON value")


def _utf16_key(name: object) -> bytes:
    if not isinstance(name, str):
        raise InputError("JCS: an object member name must be a string")
    return _checked(name).encode("utf-16-be")


def _checked(text: str) -> str:
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise InputError("JCS: a lone surrogate is not I-JSON (RFC 7493 §2.1)")
    return text


def _string(text: str) -> str:
    escaped = []
    for char in _checked(text):
        if char in _ESCAPES:
            escaped.append(_ESCAPES[char])
        elif ord(char) < 0x20:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def number(value: int | float) -> str:
    """ECMAScript Number::toString of the double ``value`` (RFC 8785 §3.2.2.3)."""
    if isinstance(value, int):
        if abs(value) >= MAX_SAFE_INTEGER:
            raise InputError(f"JCS: the integer {str(value)[:30]} is not exactly a double")
        return str(value)
    if not math.isfinite(value):
        raise InputError("JCS: NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"  # -0 too
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = digits_tuple.exponent
    if not isinstance(exponent, int):  # pragma: no cover - finite values only
        raise InputError("JCS: not a finite number")
    k, n = len(digits), len(digits) + exponent
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text
