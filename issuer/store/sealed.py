"""The issuer's secret columns and files, sealed under its key-encryption key
(:mod:`servicekit.sealing`; startup and ``ler keys rotate-kek`` walk :data:`SEALED` and
:data:`SEALED_FILES`). The service's own secrets (its session secret, ...) are rows of
``installation_secrets`` (:mod:`servicekit.installation_secrets`); the files are where an
older version kept them, imported once and still resealed by a rotation)."""

from __future__ import annotations

from servicekit.installation_secrets import SECRETS as INSTALLATION_SECRETS
from servicekit.sealing import SealedColumn, SealedFile
from servicekit.sessions import SESSION_SECRET

ISSUER_KEYS = SealedColumn("issuer_keys", "private_jwk", "id")
"""The issuers' private signing keys (JWK)."""

BACKPACK_CLIENT_SECRETS = SealedColumn("backpack_clients", "secret", "id")
"""This issuer's client secret at each learner's Open Badges host (:mod:`issuer.backpack`)."""

BACKPACK_SEND_SECRETS = SealedColumn("backpack_sends", "secrets_json", "id")
"""A send's PKCE verifier, state and learner's email (:mod:`issuer.backpack`)."""

SEALED = (ISSUER_KEYS, BACKPACK_CLIENT_SECRETS, BACKPACK_SEND_SECRETS, INSTALLATION_SECRETS)

INSTALLATION_KEY = SealedFile("issuer-key.jwk")
"""The installation's own key (``/.well-known/did.json``), in the data folder."""

SEALED_FILES = (INSTALLATION_KEY, SESSION_SECRET)
"""The files: this key, and the staff sessions' signing secret."""
