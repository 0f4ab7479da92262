"""The verifier's secret columns, sealed under its key-encryption key
(:mod:`servicekit.sealing`; startup and ``ler keys rotate-kek`` walk :data:`SEALED` and
:data:`SEALED_FILES`). The service's own secrets (its session secret, ...) are rows of
``installation_secrets`` (:mod:`servicekit.installation_secrets`); the files are where an
older version kept them, imported once and still resealed by a rotation)."""

from __future__ import annotations

from servicekit.installation_secrets import SECRETS as INSTALLATION_SECRETS
from servicekit.sealing import SealedColumn
from servicekit.sessions import SESSION_SECRET

WEBHOOK_SECRETS = SealedColumn("job_webhooks", "secret", "job_id")
"""The jobs' webhook HMAC secrets (read back to sign each delivery, so sealed, not hashed)."""

SEALED = (WEBHOOK_SECRETS, INSTALLATION_SECRETS)

SEALED_FILES = (SESSION_SECRET,)
"""The staff sessions' signing secret (whoever holds it can forge any staff session)."""
