"""Reading untrusted input: size and depth limits, JSON parsing, format sniffing.

Everything that arrives from outside (a file, an HTTP body, stdin, a JWT's header or payload)
passes through ``read_input`` or ``parse_json`` before any other code looks at it, so that
oversized or deeply nested documents are refused cheaply with a named error instead of
exhausting memory or the recursion limit further down (pyld and jsonschema both recurse).

``parse_json`` is the one JSON reader for untrusted text. Besides the depth limit it refuses,
as :class:`~vckit.errors.MalformedJsonError`: duplicate member names, ``NaN`` and
``Infinity``, a number too large for a float (``1e999``), an integer of more than
:data:`MAX_INTEGER_DIGITS` digits (Python itself refuses more than 4,300 with a bare
``ValueError``) and a lone UTF-16 surrogate (``"\\ud800"``, which no UTF-8 text can carry and
which would break every later encode).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass
from typing import Any, Literal

from vckit.errors import (
    DocumentTooDeepError,
    DocumentTooLargeError,
    MalformedJsonError,
    UnsupportedFormatError,
)

MAX_BYTES = 2 * 1024 * 1024
"""Default size limit for one credential or presentation (2 MiB)."""

MAX_DEPTH = 64
"""Default nesting limit for JSON objects and arrays."""

MAX_INTEGER_DIGITS = 1000
"""Longest integer literal (digits, sign excluded) a JSON document may carry."""

_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
"""A ``\\uD800``-``\\uDFFF`` escape: the hint that a parsed document may hold a lone surrogate
(searched apart from raw surrogates: one pattern with both alternatives made the regular
expression engine try every position, a third of the parse of a JWT payload)."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")

InputFormat = Literal["json", "jwt", "sd-jwt"]

_B64URL = r"[A-Za-z0-9_-]+"
_COMPACT_JWS = re.compile(rf"^{_B64URL}\.{_B64URL}\.[A-Za-z0-9_-]*$")
"""Three base64url parts (the last may be empty); as :func:`is_compact_jws` decides."""
_B64URL_AND_DOT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@dataclass(frozen=True)
class Input:
    """A parsed piece of input: a JSON document, or the text of a compact JWT / SD-JWT."""

    format: InputFormat
    json: dict[str, Any] | None = None
    text: str | None = None


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
"""A JSON string literal (an unterminated one runs to the end of the text)."""
_BRACKET = re.compile(r"[\[\]{}]")


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``max_depth`` without parsing it.

    A linear scan in which string literals are skipped, so brackets inside strings do not
    count. Text with no more than ``max_depth`` opening brackets in all cannot be too deep
    (counted first, which is all most documents need; the scan is the regular-expression
    engine's, not a Python loop per character).
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for bracket in _BRACKET.findall(_STRING_LITERAL.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                raise DocumentTooDeepError(f"JSON nested deeper than {max_depth} levels")
        else:
            depth -= 1


def check_object_depth(
    value: object, max_depth: int = MAX_DEPTH, max_values: int | None = None
) -> None:
    """The same limit for a document that arrives already parsed (iteratively: no recursion);
    with ``max_values``, also refuse a document of more than that many JSON values (objects,
    arrays, strings, numbers, booleans and nulls, each counted once) as
    :class:`~vckit.errors.DocumentTooLargeError`: what verification costs grows with the
    values, not the bytes (a 128 KiB ``data:`` image is one value)."""
    if not isinstance(value, _NESTED):
        return
    stack: list[tuple[Mapping[Any, object] | Iterable[object], int]] = [(value, 1)]
    seen = 1
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise DocumentTooDeepError(f"document nested deeper than {max_depth} levels")
        children = item.values() if isinstance(item, Mapping) else item
        if max_values is not None:
            seen += len(children) if isinstance(children, Sized) else 0
            if seen > max_values:
                raise DocumentTooLargeError(
                    f"the document holds more than {max_values} JSON values (objects, "
                    f"arrays, strings, numbers), the limit set for one document"
                )
        stack.extend(
            (child, depth + 1)
            for child in children
            if not isinstance(child, SCALARS) and isinstance(child, _NESTED)
        )


SCALARS = (str, int, float, type(None))
"""JSON's scalar types: tested first by the walks over parsed documents, because the test
against :class:`~collections.abc.Mapping` is slow for a value that is none of its kind."""
_NESTED = (dict, list, tuple, Mapping)
"""What nests (plain JSON containers first: the ``isinstance`` test stops at the first match)."""


def json_copy(value: Any) -> Any:
    """A deep copy of parsed JSON: new dicts and lists, the same immutable scalars; anything
    else goes through :func:`copy.deepcopy`. Several times faster than ``deepcopy`` alone,
    which keeps a memo of every object (a copy per signature and per expansion)."""
    kind = type(value)
    if kind is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if kind is list:
        return [json_copy(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise MalformedJsonError(
            f"an integer in the JSON has {len(literal.lstrip('-'))} digits; "
            f"the limit is {MAX_INTEGER_DIGITS}"
        )
    return int(literal)


def _number(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise MalformedJsonError(f"the number {literal[:40]} is too large")
    return value


def _no_constants(name: str) -> Any:
    raise MalformedJsonError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # built in C; fewer members than pairs means a name came twice
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise MalformedJsonError(f"duplicate key {key[:80]!r} in JSON object")
        seen.add(key)
    raise MalformedJsonError("duplicate key in JSON object")  # pragma: no cover - found above


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constants,
    parse_int=_integer,
    parse_float=_number,
)
"""Built once: ``json.loads`` with hooks builds a decoder (and its scanner) on every call."""


_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = getattr(_DECODER, "scan_once")  # noqa: B009
"""The decoder's scanner (set in ``JSONDecoder.__init__``, missing from typeshed's stubs)."""


def _decode(text: str) -> Any:
    """``_DECODER.decode(text)``: its scanner called directly for text that is one JSON value
    from the first character to the last (a JWT segment, a disclosure), without the decoder's
    Python-level whitespace matching; anything else goes through ``decode`` itself, which
    gives the same value or the same error."""
    try:
        value, end = _SCAN_ONCE(text, 0)
    except StopIteration:  # leading whitespace, or no JSON value: decode says which
        return _DECODER.decode(text)
    return value if end == len(text) else _DECODER.decode(text)


def check_no_surrogates(value: object) -> None:
    """Refuse a parsed document with a lone UTF-16 surrogate in any name or string
    (iteratively: no recursion). A surrogate pair was already joined by the parser, so any
    surrogate code point left is a lone one."""
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise MalformedJsonError("a JSON string holds a lone UTF-16 surrogate")
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def parse_json(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON text after the depth check; duplicate keys, NaN, numbers out of
    range, integers over :data:`MAX_INTEGER_DIGITS` digits and lone surrogates are refused
    with :class:`~vckit.errors.MalformedJsonError`."""
    check_depth(text, max_depth)
    try:
        value = _decode(text)
    except json.JSONDecodeError as exc:
        raise MalformedJsonError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise DocumentTooDeepError("JSON nested too deeply to parse") from None
    escaped = "\\u" in text and _ESCAPED_SURROGATE.search(text)  # "in": no regex engine
    if escaped or (not text.isascii() and _SURROGATE.search(text)):
        check_no_surrogates(value)
    return value


def is_compact_jws(text: str) -> bool:
    """Whether ``text`` matches :data:`_COMPACT_JWS` (``$`` lets one final newline follow),
    decided without the regular-expression engine, whose character-class loop was a tenth of
    reading a credential JWT: the two dots found, then every byte tested at once by deleting
    the allowed ones (``bytes.translate``)."""
    body = text[:-1] if text.endswith("\n") else text
    first = body.find(".")
    second = body.find(".", first + 1)
    if first < 1 or second < first + 2 or not body.isascii():
        return False
    return not body.encode("ascii").translate(None, _B64URL_AND_DOT) and body.count(".") == 2


def read_input(
    data: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Input:
    """Decode, bound and classify raw input: a JSON object, a compact JWT, or an SD-JWT."""
    if len(data) > max_bytes:
        raise DocumentTooLargeError(f"input is {len(data)} bytes; the limit is {max_bytes}")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedJsonError(f"input is not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise UnsupportedFormatError("input is empty")
    if text.startswith("{"):
        value = parse_json(text, max_depth=max_depth)
        if not isinstance(value, dict):
            raise UnsupportedFormatError("expected a JSON object")
        return Input(format="json", json=value)
    if text.startswith("["):
        raise UnsupportedFormatError("expected one JSON object, not an array")
    if "~" in text and is_compact_jws(text.partition("~")[0]):
        return Input(format="sd-jwt", text=text)
    if is_compact_jws(text):
        return Input(format="jwt", text=text)
    raise UnsupportedFormatError(
        "input is neither a JSON object nor a compact JWT (three base64url parts)"
    )
