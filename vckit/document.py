"""Reading untrusted input: size and depth limits, JSON parsing, format sniffing.

Everything that arrives from outside (a file, an HTTP body, stdin) passes through
``read_input`` before any other code looks at it, so that oversized or deeply nested
documents are refused cheaply with a named error instead of exhausting memory or the
recursion limit further down (pyld and jsonschema both recurse).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
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

InputFormat = Literal["json", "jwt", "sd-jwt"]

_B64URL = r"[A-Za-z0-9_-]+"
_COMPACT_JWS = re.compile(rf"^{_B64URL}\.{_B64URL}\.[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Input:
    """A parsed piece of input: a JSON document, or the text of a compact JWT / SD-JWT."""

    format: InputFormat
    json: dict[str, Any] | None = None
    text: str | None = None


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``max_depth`` without parsing it.

    A linear scan that tracks string literals, so brackets inside strings do not count.
    """
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise DocumentTooDeepError(f"JSON nested deeper than {max_depth} levels")
        elif ch in "]}":
            depth -= 1


def check_object_depth(value: object, max_depth: int = MAX_DEPTH) -> None:
    """The same limit for a document that arrives already parsed (iteratively: no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[object]
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > max_depth:
            raise DocumentTooDeepError(f"document nested deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)


def parse_json(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text after the depth check; duplicate keys and NaN are refused."""
    check_depth(text, max_depth)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise MalformedJsonError(f"duplicate key {key!r} in JSON object")
            out[key] = value
        return out

    def no_constants(name: str) -> Any:
        raise MalformedJsonError(f"{name} is not valid JSON")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise MalformedJsonError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise DocumentTooDeepError("JSON nested too deeply to parse") from None


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
    if "~" in text and _COMPACT_JWS.match(text.split("~", 1)[0]):
        return Input(format="sd-jwt", text=text)
    if _COMPACT_JWS.match(text):
        return Input(format="jwt", text=text)
    raise UnsupportedFormatError(
        "input is neither a JSON object nor a compact JWT (three base64url parts)"
    )
