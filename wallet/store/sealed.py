"""The wallet's secret columns and files, sealed under its key-encryption key
(:mod:`servicekit.sealing`; startup and ``ler keys rotate-kek`` walk :data:`SEALED` and
:data:`SEALED_FILES`). The service's own secrets (its session secret, ...) are rows of
``installation_secrets`` (:mod:`servicekit.installation_secrets`); the files are where an
older version kept them, imported once and still resealed by a rotation)."""

from __future__ import annotations

from servicekit.installation_secrets import SECRETS as INSTALLATION_SECRETS
from servicekit.sealing import SealedColumn
from servicekit.sessions import SESSION_SECRET

HOLDER_KEYS = SealedColumn("accounts", "holder_jwk", "id")
"""The learners' private holder keys (JWK)."""

ACCESS_TOKENS = SealedColumn("offers", "access_token", "id")
"""OpenID4VCI access tokens of offers being received (kept until the credential is stored)."""

IMPORT_SECRETS = SealedColumn("host_imports", "secrets_json", "id")
"""An import's client secret and PKCE verifier at another Open Badges host
(:mod:`wallet.host.importing`)."""

SEALED = (HOLDER_KEYS, ACCESS_TOKENS, IMPORT_SECRETS, INSTALLATION_SECRETS)

SEALED_FILES = (SESSION_SECRET,)
"""The learners' sessions' signing secret (whoever holds it can forge any session)."""
