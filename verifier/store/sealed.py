"""The verifier's secret columns, sealed under its key-encryption key
(:mod:`servicekit.sealing`; startup and ``ler keys rotate-kek`` walk :data:`SEALED` and
:data:`SEALED_FILES`)."""

from __future__ import annotations

from servicekit.sealing import SealedColumn
from servicekit.sessions import SESSION_SECRET

WEBHOOK_SECRETS = SealedColumn("job_webhooks", "secret", "job_id")
"""The jobs' webhook HMAC secrets (read back to sign each delivery, so sealed, not hashed)."""

SEALED = (WEBHOOK_SECRETS,)

SEALED_FILES = (SESSION_SECRET,)
"""The staff sessions' signing secret (whoever holds it can forge any staff session)."""
