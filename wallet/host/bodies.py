"""Reading the host's request bodies strictly, the way every other API of the project reads
JSON (:func:`vckit.document.parse_json`: UTF-8, bounded depth, no duplicate names, no NaN):
:func:`json_value` returns the parsed value or raises ``ValueError`` with a reason the caller
words in its own protocol's error (``Imsx_StatusInfo`` or an OAuth ``error``)."""

from __future__ import annotations

from typing import Any

from vckit.document import parse_json
from vckit.errors import VckitError


def json_value(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8 text") from None
    if not text.strip():
        raise ValueError("the body is empty")
    try:
        return parse_json(text.strip().lstrip("\ufeff"))
    except VckitError as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
