"""The wallet's secret columns and files, sealed under its key-encryption key
(:mod:`servicekit.sealing`; startup and ``ler keys rotate-kek`` walk :data:`SEALED` and
:data:`SEALED_FILES`)."""

from __future__ import annotations

from servicekit.sealing import SealedColumn
from servicekit.sessions import SESSION_SECRET

HOLDER_KEYS = SealedColumn("accounts", "holder_jwk", "id")
"""The learners' private holder keys (JWK)."""

SEALED = (HOLDER_KEYS,)

SEALED_FILES = (SESSION_SECRET,)
"""The learners' sessions' signing secret (whoever holds it can forge any session)."""
