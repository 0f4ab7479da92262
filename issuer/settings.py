"""Issuer settings, read from the environment by ``from_env`` (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8001"
    data_dir: Path = Path("var/issuer")
    name: str = "Demo Community College"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("LER_ISSUER_URL", cls.base_url),
            data_dir=Path(os.environ.get("LER_DATA_DIR", "var")) / "issuer",
            name=os.environ.get("LER_ISSUER_NAME", cls.name),
        )
