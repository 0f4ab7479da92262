"""Signed session cookies and their CSRF tokens, for the issuer's staff and the wallet's learners.

A session names a *subject*: ``anonymous`` (a visitor who opened a sign-in or sign-up form,
so that form too carries a CSRF token), ``staff`` (the issuer's staff, signed in with the
installation's API token) or ``account:<id>:<epoch>`` (a wallet learner; the epoch lets the
wallet end every session of an account by counting it up). The browser holds a cookie
(``Secure; HttpOnly; SameSite=Strict``; its name is per service) whose value is::

    <expires, unix seconds>.<session id>.<subject>.<HMAC-SHA256 of the first three, base64url>

signed with a per-installation secret kept in the service's database (created once by
whichever process starts first, sealed under the service's key-encryption key: whoever
holds the secret can forge any session), so every process of the service accepts the
cookies of every other. Nothing is stored on the server: a forged, altered or
expired cookie fails the MAC or the time check. Signing in replaces the anonymous session
with a new one (a new id: no session fixation).

Every form that POSTs carries the session's CSRF token, ``HMAC(secret, "csrf|" + id)``
(OWASP CSRF Cheat Sheet, "Synchronizer token pattern", stateless variant): an attacker's
page can neither read the cookie nor compute the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from servicekit.db import Database
from servicekit.installation_secrets import keep
from servicekit.kek import read_sealed_file
from servicekit.sealing import SealedFile

COOKIE = "ler_issuer_session"
SESSION_TTL = timedelta(hours=8)
SECRET_FILE = "session-secret"
Role = Literal["anonymous", "staff"]
ACCOUNT = "account:"
_SUBJECT = re.compile(r"anonymous|staff|account:[A-Za-z0-9_-]{1,64}:[0-9]{1,9}")


SESSION_SECRET = SealedFile(SECRET_FILE)
"""Where an older version kept the signing secret (imported once): a service lists it in its
``SEALED_FILES``."""


def session_secret(db: Database, data_dir: Path) -> bytes:
    """The installation's signing secret: 32 random bytes, kept sealed in the database
    (:mod:`servicekit.installation_secrets`), so every process of the service signs and
    accepts the same cookies; the ``session-secret`` file of an older version's data folder
    is imported on the first start, so its sessions stay valid."""
    kept = keep(
        db,
        SECRET_FILE,
        make=lambda: secrets.token_hex(32),
        legacy=lambda ring: read_sealed_file(data_dir, SESSION_SECRET, ring),
    )
    return bytes.fromhex(kept.value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Session:
    id: str
    subject: str  # "anonymous", "staff" or "account:<id>:<epoch>"
    expires: int

    @property
    def role(self) -> str:
        """``anonymous``, ``staff`` or ``account``."""
        return "account" if self.subject.startswith(ACCOUNT) else self.subject

    @property
    def staff(self) -> bool:
        return self.subject == "staff"

    @property
    def account(self) -> tuple[str, int] | None:
        """The wallet account id and session epoch this session names, or None."""
        if not self.subject.startswith(ACCOUNT):
            return None
        account_id, _, epoch = self.subject.removeprefix(ACCOUNT).rpartition(":")
        return account_id, int(epoch)


def account_subject(account_id: str, epoch: int) -> str:
    """The subject of a wallet learner's session."""
    return f"{ACCOUNT}{account_id}:{epoch}"


@dataclass(frozen=True)
class Sessions:
    secret: bytes
    cookie: str = COOKIE  # the cookie's name: one per service

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self.secret, f"{purpose}|{text}".encode(), hashlib.sha256).digest())

    def new(self, subject: str, now: datetime) -> tuple[Session, str]:
        """A fresh session for ``subject`` (see the module docstring) and its cookie value."""
        if not _SUBJECT.fullmatch(subject):
            raise ValueError(f"not a session subject: {subject!r}")
        session = Session(secrets.token_urlsafe(18), subject, int((now + SESSION_TTL).timestamp()))
        payload = f"{session.expires}.{session.id}.{subject}"
        return session, f"{payload}.{self._mac('session', payload)}"

    def read(self, cookie: str | None, now: datetime) -> Session | None:
        """The session of a cookie value, or None when it is missing, forged or expired."""
        if not cookie or len(cookie) > 200:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac.encode(), self._mac("session", payload).encode()):
            return None
        expires, _, rest = payload.partition(".")
        session_id, _, subject = rest.partition(".")
        if not expires.isdigit() or int(expires) <= now.timestamp():
            return None
        if not _SUBJECT.fullmatch(subject):
            return None
        return Session(session_id, subject, int(expires))

    def csrf_token(self, session: Session) -> str:
        """The CSRF token every POST form of this session carries."""
        return self._mac("csrf", session.id)

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(session).encode())
