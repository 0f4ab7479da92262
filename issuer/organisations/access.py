"""The installation's secrets of access: its API token and its OpenID4VCI c_nonce key.

The API token (``Authorization: Bearer``; also the staff sign-in) is either given
(``LER_ISSUER_TOKEN``: every process of the installation is given the same) or made on the
first start of the installation. A made token is kept only as its SHA-256 hash, sealed in
the database (:mod:`servicekit.installation_secrets`; 256 random bits, so a plain hash is
enough: :mod:`servicekit.api_tokens`), and shown once: the one process that made it writes
it to ``<data>/api-token`` (mode 600), where ``ler up`` says it is. Every process of the
installation, whatever its data folder, accepts it. A data folder of an older version holds
its token in that same file: on the first start its hash is imported, so the token stays.

The c_nonce key (:class:`issuer.offers.credential.Nonces`) is its own random secret in the
database, so every process accepts the nonces of every other.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from servicekit.api_tokens import token_hash
from servicekit.db import Database
from servicekit.installation_secrets import keep
from servicekit.kek import write_secret_file
from servicekit.sealing import KeyRing

TOKEN_FILE = "api-token"
TOKEN_HASH = "api-token-sha256"
NONCE_KEY = "oid4vci-nonce-key"


def _token_in(path: Path) -> str | None:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return token or None


def api_token_hash(db: Database, data_dir: Path, given: str | None) -> str:
    """The SHA-256 (hex) of the installation's API token: of ``given`` when set, else of the
    token kept in the database, made (and written to ``<data>/api-token``) on the first
    start, or imported from that file left by an older version."""
    if given:
        return token_hash(given)
    path = data_dir / TOKEN_FILE
    fresh = secrets.token_urlsafe(32)

    def legacy(ring: KeyRing) -> str | None:
        token = _token_in(path)
        return None if token is None else token_hash(token)

    kept = keep(db, TOKEN_HASH, lambda: token_hash(fresh), legacy)
    if kept.made:  # shown once, to whoever runs this process
        path.parent.mkdir(parents=True, exist_ok=True)
        write_secret_file(path, fresh)
    return kept.value


def token_ok(expected_hash: str, given: str) -> bool:
    """Whether ``given`` is the API token whose hash is ``expected_hash`` (constant time)."""
    return hmac.compare_digest(token_hash(given).encode(), expected_hash.encode())


def nonce_secret(db: Database) -> str:
    """The secret the OpenID4VCI c_nonce key is derived from, the same in every process."""
    return keep(db, NONCE_KEY, lambda: secrets.token_hex(32)).value
