"""Passwords of people who sign in (the wallet's learners, the verifier's staff): argon2id.

::

    from servicekit import passwords
    stored = passwords.hash_password("correct horse battery")
    passwords.verify(stored, "correct horse battery")   # True
    passwords.verify(None, "anything")                   # False, at the cost of a real check
    passwords.needs_rehash(stored)                       # the parameters changed since

Hashes are argon2id (RFC 9106; argon2-cffi's defaults, its "low memory" recommended profile:
t=3, m=64 MiB, p=4). :func:`verify` with no stored hash (an unknown email) still checks the
password against a fixed hash, so an unknown email costs what a wrong password does (no
account enumeration by timing). Emails are normalised (trimmed, NFKC, lower case) before
they are stored or looked up.
"""

from __future__ import annotations

import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; this bounds the work a request can ask for
MAX_EMAIL = 254  # RFC 5321 §4.5.3.1.3 path limit, less the angle brackets
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$wK4u7D6xbN9CH2+MWGswlw$"
    "3r+YzsXt/hv42zs9QerqHAkneWLAP0Q52gg6OguNTns"
)


def normalise_email(email: str) -> str | None:
    """Trimmed, NFKC-normalised, lower case; None unless it looks like an address (one
    ``@``, a dot in the domain, no spaces, at most 254 characters)."""
    value = unicodedata.normalize("NFKC", email).strip().lower()
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        return None
    return value


def password_problem(password: str) -> str | None:
    """What is wrong with a new password (too short, too long), or None."""
    if len(password) < MIN_PASSWORD:
        return f"choose a password of at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"a password has at most {MAX_PASSWORD} characters"
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (or an over-long password) the dummy hash
    is checked and the answer is False."""
    if password_hash is None or len(password) > MAX_PASSWORD:
        _check(_DUMMY_HASH, password[:MAX_PASSWORD])
        return False
    return _check(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def _check(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
