"""Secrets at rest: envelope encryption of secret columns under a key-encryption key (KEK).

A column that holds a secret the service must read back (a private JWK, a webhook's HMAC
secret) is *sealed*: AES-256-GCM (NIST SP 800-38D) under the service's KEK, stored as text::

    sealed:v1:<kid>:<nonce, base64url>:<ciphertext and tag, base64url>

``kid`` names the KEK (the first 9 bytes of SHA-256 over ``"ler-kek|"`` and the key, so
it says which key sealed a value without revealing anything of it); the nonce is 12 random
bytes. The associated data is ``v1|<table>.<column>|<row id>``: a sealed value copied to
another row or column, or altered in any byte, does not open.

:class:`KeyRing` holds the current KEK (it seals) and older ones (they still open, while a
rotation reseals everything under the new one). A value that does not start with
``sealed:`` is a legacy plaintext one from before sealing: :meth:`KeyRing.open` returns it
as it is, and the service seals it at its next start (:mod:`servicekit.kek`).

Each service names its sealed columns once, as :class:`SealedColumn` constants in
``<service>/store/sealed.py``; startup and ``ler keys rotate-kek`` walk that list, so
sealing one more column is one line there and a call of :meth:`SealedColumn.seal` /
:meth:`SealedColumn.open` in the table's store module. A secret kept in a file of the data
folder (the issuer's own key) is a :class:`SealedFile`, listed the same way.

Errors: :class:`SealingError` (a value that does not open: tampered, moved, or sealed under
a key the ring does not hold) and its subclass :class:`KekError` (the KEK itself is
unusable: not 32 bytes of base64url, or not the key the stored values were sealed with);
both name the setting the KEK came from.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "sealed:"
VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM nonce size SP 800-38D recommends
_KEK_TEXT = re.compile(r"[A-Za-z0-9_-]{43}=?")


class SealingError(Exception):
    """A sealed value that cannot be opened (tampered, moved, or an unknown KEK)."""


class KekError(SealingError):
    """The key-encryption key is unusable: malformed, or not the one the data was sealed with."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Kek:
    """One key-encryption key: 32 random bytes."""

    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise KekError(f"a key-encryption key is {KEY_BYTES} bytes, not {len(self.key)}")

    @classmethod
    def generate(cls) -> Kek:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_text(cls, text: str, source: str) -> Kek:
        """A KEK written as base64url (padding optional); ``source`` names where it came from
        (a setting or a file), for the error when it is not 32 bytes of base64url."""
        value = text.strip()
        key = _unb64(value.rstrip("=")) if _KEK_TEXT.fullmatch(value) else b""
        if len(key) != KEY_BYTES:
            raise KekError(
                f"{source}: a key-encryption key is {KEY_BYTES} random bytes in base64url "
                f'(43 characters), e.g. from: python -c "import os, base64; '
                f'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
            )
        return cls(key)

    @property
    def kid(self) -> str:
        """A public name of the key (12 characters): which key sealed a value."""
        return _b64(hashlib.sha256(b"ler-kek|" + self.key).digest()[:9])

    def text(self) -> str:
        """The key as base64url, without padding (how it is written to a file or printed)."""
        return _b64(self.key)

    def __repr__(self) -> str:  # never the key itself in a log or a traceback
        return f"Kek(kid={self.kid!r})"


def is_sealed(stored: str) -> bool:
    """Whether a stored value is sealed (else it is a legacy plaintext value)."""
    return stored.startswith(PREFIX)


@dataclass(frozen=True)
class KeyRing:
    """The current KEK (seals and opens) and older ones (open only); ``source`` says where
    the current one came from, naming the setting, for error messages."""

    current: Kek
    old: tuple[Kek, ...] = ()
    source: str = "the key-encryption key"

    def seal(self, plaintext: str, aad: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.current.key).encrypt(nonce, plaintext.encode("utf-8"), aad.encode())
        return f"{PREFIX}{VERSION}:{self.current.kid}:{_b64(nonce)}:{_b64(sealed)}"

    def open(self, stored: str, aad: str) -> str:
        """The plaintext of a sealed value (a legacy plaintext value comes back as it is)."""
        if not is_sealed(stored):
            return stored
        parts = stored.split(":")
        if len(parts) != 5 or parts[1] != VERSION:
            raise SealingError(f"{aad}: not a sealed value of version {VERSION}")
        _, _, kid, nonce_text, sealed_text = parts
        key = next((k for k in (self.current, *self.old) if k.kid == kid), None)
        if key is None:
            raise KekError(
                f"{aad}: sealed under key-encryption key {kid}, but {self.source} is key "
                f"{self.current.kid}: start the service with the key the data was sealed with"
            )
        try:
            nonce, sealed = _unb64(nonce_text), _unb64(sealed_text)
            return AESGCM(key.key).decrypt(nonce, sealed, aad.encode()).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError):
            raise SealingError(
                f"{aad}: the sealed value does not open (altered, or moved from another row)"
            ) from None

    def rotated(self, new: Kek) -> KeyRing:
        """A ring that seals under ``new`` and still opens what this one opens."""
        return KeyRing(new, (self.current, *self.old), self.source)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(k.kid for k in (self.current, *self.old))


@dataclass(frozen=True)
class SealedColumn:
    """One secret column: its table, its column and the column that identifies the row (the
    associated data binds a sealed value to that row)."""

    table: str
    column: str
    id_column: str

    def aad(self, row_id: str) -> str:
        return f"{VERSION}|{self.table}.{self.column}|{row_id}"

    def seal(self, ring: KeyRing, row_id: str, plaintext: str) -> str:
        """What to store in this column of row ``row_id``."""
        return ring.seal(plaintext, self.aad(row_id))

    def open(self, ring: KeyRing, row_id: str, stored: str) -> str:
        """The plaintext of what this column of row ``row_id`` holds."""
        return ring.open(stored, self.aad(row_id))


@dataclass(frozen=True)
class SealedFile:
    """One secret file in the service's data folder (the associated data names the file)."""

    name: str

    def aad(self) -> str:
        return f"{VERSION}|file|{self.name}"

    def seal(self, ring: KeyRing, plaintext: str) -> str:
        return ring.seal(plaintext, self.aad())

    def open(self, ring: KeyRing, stored: str) -> str:
        return ring.open(stored.strip(), self.aad())
