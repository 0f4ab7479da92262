"""The wallet's secret columns, sealed under its key-encryption key (:mod:`servicekit.sealing`;
startup and ``ler keys rotate-kek`` walk :data:`SEALED`)."""

from __future__ import annotations

from servicekit.sealing import SealedColumn

HOLDER_KEYS = SealedColumn("accounts", "holder_jwk", "id")
"""The learners' private holder keys (JWK)."""

SEALED = (HOLDER_KEYS,)
