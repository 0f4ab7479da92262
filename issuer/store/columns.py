"""How the store writes a JSON column: compact, sorted keys, UTF-8 kept as is."""

from __future__ import annotations

import json
from typing import Any


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
