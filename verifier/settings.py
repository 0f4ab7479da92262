"""Verifier settings, read from the environment by ``from_env`` (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8003"
    allow_did_web: bool = True
    allow_status_fetch: bool = True
    allow_http_localhost: bool = True
    allow_private: bool = False
    max_body_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        def flag(name: str, default: bool) -> bool:
            return os.environ.get(name, str(default)).lower() in ("1", "true", "yes")

        return cls(
            base_url=os.environ.get("LER_VERIFIER_URL", cls.base_url),
            allow_did_web=flag("LER_ALLOW_DID_WEB", cls.allow_did_web),
            allow_status_fetch=flag("LER_ALLOW_STATUS_FETCH", cls.allow_status_fetch),
            allow_http_localhost=flag("LER_ALLOW_HTTP_LOCALHOST", cls.allow_http_localhost),
            allow_private=flag("LER_ALLOW_PRIVATE", cls.allow_private),
        )
