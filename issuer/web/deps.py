"""Dependencies named once (``Annotated`` aliases): settings, the installation, the token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from issuer.installation import Installation
from issuer.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="The issuer's API token")


class TokenRefused(Exception):
    """401 (no token) or 403 (a wrong one); app.py turns it into problem+json."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _installation(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Bearer API token (RFC 6750 §2.1), compared in constant time."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise TokenRefused(401, "this route needs the issuer's API token (Authorization: Bearer)")
    expected: str = request.app.state.api_token
    if not hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise TokenRefused(403, "the API token is not this issuer's")


async def check_token(request: Request) -> None:
    """:func:`require_token` for a route that needs the token only in some cases."""
    require_token(request, await _bearer(request))


SettingsDep = Annotated[Settings, Depends(_settings)]
InstallationDep = Annotated[Installation, Depends(_installation)]
TokenDep = Annotated[None, Depends(require_token)]
