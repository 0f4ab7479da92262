"""One wallet installation: the database, settings, the clock, the key source and the
outbound HTTP client.

``app.py`` builds it once; tests build it with a frozen clock, fixed keys and an httpx
transport that reaches in-process apps. The use cases (``accounts/``, ``receiving/``,
``answering/``, ``sharing/``, ``views/``) take it as their first argument instead of reading
globals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from servicekit.db import Database
from vckit.keys.keypair import KeyKind, KeyPair
from wallet.outbound import Outbound
from wallet.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Installation:
    db: Database
    settings: Settings
    http: Outbound  # the only road to issuers and verifiers
    clock: Callable[[], datetime] = _now
    new_key: Callable[[KeyKind], KeyPair] = KeyPair.generate

    @property
    def base_url(self) -> str:
        """The wallet's public base URL, no trailing slash."""
        return self.settings.base_url.rstrip("/")

    def now(self) -> datetime:
        return self.clock()

    def stamp(self) -> str:
        """Now as a stored timestamp (ISO 8601, UTC)."""
        return self.clock().astimezone(UTC).isoformat()
