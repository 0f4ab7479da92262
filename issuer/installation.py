"""One installation: the database, the public base URL, the clock and the key source.

Several issuers share one installation. ``app.py`` builds it once; tests build it with a
frozen clock and fixed keys. Use-case modules (issuance, status, identity, batch, oid4vci)
take it as their first argument instead of reading globals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from servicekit.db import Database
from vckit.keys.keypair import KeyKind, KeyPair


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Installation:
    db: Database
    base_url: str  # e.g. http://localhost:8001, no trailing slash
    clock: Callable[[], datetime] = _now
    new_key: Callable[[KeyKind], KeyPair] = KeyPair.generate
    vc11_status: bool = False  # VC-API: VC 1.1 input gets a StatusList2021 entry by default
    batch_workers: int = 1  # processes signing a batch's credentials; 1: this one (batches.signing)
    _key_cache: dict[str, KeyPair] = field(default_factory=dict, repr=False, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def stamp(self) -> str:
        """Now as a stored timestamp (ISO 8601, UTC)."""
        return self.clock().astimezone(UTC).isoformat()

    def key_pair(self, key_id: str, private_jwk: dict[str, Any]) -> KeyPair:
        """The key pair of a stored key, parsed once per process."""
        pair = self._key_cache.get(key_id)
        if pair is None:
            pair = KeyPair.from_private_jwk(private_jwk)
            self._key_cache[key_id] = pair
        return pair
