"""Dependencies named once (``Annotated`` aliases): settings, the installation and its own
identity, the API token, and a page's visitor (its session and CSRF token).

``create_app`` puts what they read on ``app.state``: ``settings``, ``inst``, ``identity``,
``api_token_hash``, ``nonce_secret`` and ``sessions`` (the staff session signer).

The token checks count failures in the database (:mod:`servicekit.shared_ratelimit`), so
they are plain ``def`` dependencies, run in FastAPI's thread pool, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from issuer.installation import Installation
from issuer.organisations.access import token_ok
from issuer.organisations.identity import Identity
from issuer.settings import Settings
from servicekit.problems import Problem
from servicekit.ratelimit import address_key, limiter_of
from servicekit.sessions import COOKIE, Session, Sessions

_bearer = HTTPBearer(auto_error=False, description="The issuer's API token")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def installation_of(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


def _identity(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Bearer API token (RFC 6750 §2.1), compared in constant time: 401 without, 403 wrong.
    Wrong tokens count per address (:mod:`servicekit.ratelimit`): after 10 in 5 minutes the
    address gets 429 with ``Retry-After``, even with the right one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        detail = "this route needs the issuer's API token (Authorization: Bearer)"
        headers = {"WWW-Authenticate": 'Bearer realm="issuer"'}
        raise Problem(401, "Unauthorized", detail, "unauthorized", headers=headers)
    limiter, keys, now = limiter_of(request), address_key(request), installation_of(request).now()
    limiter.check(keys, now)
    expected: str = request.app.state.api_token_hash  # only the hash is kept
    if not token_ok(expected, credentials.credentials):
        limiter.failed(keys, now)
        raise Problem(403, "Forbidden", "the API token is not this issuer's", "forbidden")


# --- pages: who is asking ---------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    """Who is asking: no session, an anonymous one (the sign-in form), or staff."""

    session: Session | None
    csrf: str | None

    @property
    def staff(self) -> bool:
        return self.session is not None and self.session.staff


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def visitor_of(request: Request) -> Visitor:
    """The visitor of the session cookie (read with the installation's clock)."""
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(COOKIE), installation_of(request).now())
    return Visitor(session, None if session is None else sessions.csrf_token(session))


def token_or_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """A staff session (a page polling) or the API token: else 401/403 as
    :func:`require_token`."""
    if visitor_of(request).staff:
        return
    require_token(request, credentials)


SettingsDep = Annotated[Settings, Depends(_settings)]
InstallationDep = Annotated[Installation, Depends(installation_of)]
IdentityDep = Annotated[Identity, Depends(_identity)]
TokenDep = Annotated[None, Depends(require_token)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The Authorization header's bearer credentials, if any (for :func:`require_token`)."""
TokenOrStaffDep = Annotated[None, Depends(token_or_staff)]
VisitorDep = Annotated[Visitor, Depends(visitor_of)]
