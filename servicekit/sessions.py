"""Staff sign-in for the issuer's pages: a signed session cookie and its CSRF token.

The pages that change things (issue, revoke, create an achievement, upload a batch) are for
the issuer's staff, who sign in once with the installation's API token. The browser then
holds a session cookie (``Secure; HttpOnly; SameSite=Strict``), whose value is::

    <expires, unix seconds>.<session id>.<role>.<HMAC-SHA256 of the first three, base64url>

signed with a per-installation secret kept in ``<data>/session-secret`` (created once,
mode 600). Nothing is stored on the server: a forged, altered or expired cookie fails the
MAC or the time check. A visitor who opens the sign-in page gets an ``anonymous`` session
first, so even the sign-in form carries a CSRF token; signing in replaces it with a new
``staff`` session (a new id: no session fixation).

Every form that POSTs carries the session's CSRF token, ``HMAC(secret, "csrf|" + id)``
(OWASP CSRF Cheat Sheet, "Synchronizer token pattern", stateless variant): an attacker's
page can neither read the cookie nor compute the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

COOKIE = "ler_issuer_session"
SESSION_TTL = timedelta(hours=8)
SECRET_FILE = "session-secret"
Role = Literal["anonymous", "staff"]
_ROLES: tuple[Role, ...] = ("anonymous", "staff")


def load_or_create_secret(data_dir: Path) -> bytes:
    """The installation's signing secret: 32 random bytes in ``<data>/session-secret``."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Session:
    id: str
    role: Role
    expires: int

    @property
    def staff(self) -> bool:
        return self.role == "staff"


@dataclass(frozen=True)
class Sessions:
    secret: bytes

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self.secret, f"{purpose}|{text}".encode(), hashlib.sha256).digest())

    def new(self, role: Role, now: datetime) -> tuple[Session, str]:
        """A fresh session and its cookie value."""
        session = Session(secrets.token_urlsafe(18), role, int((now + SESSION_TTL).timestamp()))
        payload = f"{session.expires}.{session.id}.{role}"
        return session, f"{payload}.{self._mac('session', payload)}"

    def read(self, cookie: str | None, now: datetime) -> Session | None:
        """The session of a cookie value, or None when it is missing, forged or expired."""
        if not cookie or len(cookie) > 200:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac.encode(), self._mac("session", payload).encode()):
            return None
        expires, _, rest = payload.partition(".")
        session_id, _, role = rest.partition(".")
        if not expires.isdigit() or int(expires) <= now.timestamp() or role not in _ROLES:
            return None
        return Session(session_id, "staff" if role == "staff" else "anonymous", int(expires))

    def csrf_token(self, session: Session) -> str:
        """The CSRF token every POST form of this session carries."""
        return self._mac("csrf", session.id)

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(session).encode())
