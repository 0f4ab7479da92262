"""API tokens for machines (an HR system calling the verifier): random, shown once, kept
only as a SHA-256 hash.

::

    secret, digest = new_token("lerv")   # secret: "lerv_<43 URL-safe characters>", shown once
    token_hash(secret) == digest         # what is stored and looked up

A token carries 256 random bits, so a plain SHA-256 is enough at rest (no salt or slow hash
is needed against guessing: there is nothing to guess but the 256 bits); the lookup is by
the hash, so comparing secrets never happens.
"""

from __future__ import annotations

import hashlib
import secrets

MAX_TOKEN = 200  # longer is no token of ours: refused before hashing


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh token ``<prefix>_<random>`` and its hash."""
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    return secret, token_hash(secret)


def bearer(authorization: str | None) -> str | None:
    """The token of an RFC 6750 §2.1 ``Authorization: Bearer <token>`` header (the scheme
    case-insensitive); None for any other header or none."""
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
