"""Dependencies named once (``Annotated`` aliases) for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from verifier.checking.verification import Verifier
from verifier.settings import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def _verifier(request: Request) -> Verifier:
    verifier: Verifier = request.app.state.verifier
    return verifier


VerifierDep = Annotated[Verifier, Depends(_verifier)]
