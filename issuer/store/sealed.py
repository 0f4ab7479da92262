"""The issuer's secret columns, sealed under its key-encryption key (:mod:`servicekit.sealing`;
startup and ``ler keys rotate-kek`` walk :data:`SEALED`)."""

from __future__ import annotations

from servicekit.sealing import SealedColumn

ISSUER_KEYS = SealedColumn("issuer_keys", "private_jwk", "id")
"""The issuers' private signing keys (JWK)."""

SEALED = (ISSUER_KEYS,)
