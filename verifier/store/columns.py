"""How values sit in the verifier's columns (no SQL): ids, and JSON columns."""

from __future__ import annotations

import json
import uuid
from typing import Any


def new_id() -> str:
    return uuid.uuid4().hex


def dump(value: Any) -> str:
    """A JSON column's text: compact, keys sorted."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load(text: str | None) -> Any:
    """A JSON column's value (None for NULL)."""
    return None if text is None else json.loads(text)
