"""Wallet settings, read from the environment by ``from_env`` (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8002"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(base_url=os.environ.get("LER_WALLET_URL", cls.base_url))
