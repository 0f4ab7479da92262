"""Landing settings, read from the environment by ``from_env`` (never at import time).

=====================  ============================================================
``LER_LANDING_URL``    public base URL of the landing page (default http://localhost:8000)
``LER_ISSUER_URL``     the issuer service (default http://localhost:8001)
``LER_WALLET_URL``     the wallet service (default http://localhost:8002)
``LER_VERIFIER_URL``   the verifier service (default http://localhost:8003)
``LER_STATS_TIMEOUT``  seconds to wait for one service's ``/stats`` (default 3)
=====================  ============================================================

The service URLs are the operator's: the landing page links to them and fetches their
``/stats`` from them, and from nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8000"
    issuer_url: str = "http://localhost:8001"
    wallet_url: str = "http://localhost:8002"
    verifier_url: str = "http://localhost:8003"
    stats_timeout: float = 3.0
    stats_max_bytes: int = 1024 * 1024
    max_body_bytes: int = 64 * 1024  # the landing pages take no body; 413 past this

    def service_url(self, service: str) -> str:
        """The base URL (no trailing slash) of a service (``issuer`` ... ``landing``)."""
        urls = {
            "issuer": self.issuer_url,
            "wallet": self.wallet_url,
            "verifier": self.verifier_url,
            "landing": self.base_url,
        }
        return urls[service].rstrip("/")

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("LER_LANDING_URL", cls.base_url),
            issuer_url=os.environ.get("LER_ISSUER_URL", cls.issuer_url),
            wallet_url=os.environ.get("LER_WALLET_URL", cls.wallet_url),
            verifier_url=os.environ.get("LER_VERIFIER_URL", cls.verifier_url),
            stats_timeout=float(os.environ.get("LER_STATS_TIMEOUT", cls.stats_timeout)),
        )
