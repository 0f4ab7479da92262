"""How the store keeps values in columns: record ids (:func:`new_id`), JSON columns
(:func:`dump_json` canonical, :func:`load_json`), and documents, kept as canonical JSON for a
JSON-LD credential or presentation and as the text sent for a JWT (:func:`document_text`,
:func:`decode_document`). Shared by the store's table modules; no SQL here."""

from __future__ import annotations

import json
import uuid
from typing import Any


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load_json(text: str | None) -> Any:
    """A stored JSON column, decoded (None stays None)."""
    return None if text is None else json.loads(text)


def document_text(document: dict[str, Any] | str) -> str:
    return dump_json(document) if isinstance(document, dict) else document.strip()


def decode_document(text: str) -> dict[str, Any] | str:
    """A stored document: the JSON object, or the text as stored (a JWT)."""
    if text.startswith("{"):
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    return text


def new_id() -> str:
    """A fresh record id: 32 hex digits (random; safe in a URL path)."""
    return uuid.uuid4().hex
