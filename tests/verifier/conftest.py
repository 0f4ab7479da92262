"""Verifier test fixtures: a verifier app whose fetch reaches the REAL issuer app.

The issuer (``issuer.app.create_app`` with the demo data and a frozen clock, from
tests/issuer/conftest.py) runs in-process behind a ``TestClient``; the verifier's injected
``fetch`` serves did:web documents and status lists from it. ``ISSUER_URL`` is both the
issuer's base URL and the verifier's ``issuer_url``, so the registry's DIDs and achievement
ids are the ones the issuer issues with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.issuer.conftest import FROZEN, LATER, TOKEN, issuer_app, key_pool  # noqa: F401
from verifier.app import create_app
from verifier.checking.registry import REGISTRY_FILE
from verifier.settings import Settings

ISSUER_URL = "https://issuer.test"
ISSUER_HOST = urlsplit(ISSUER_URL).netloc
VerifierFactory = Callable[..., FastAPI]


def did_of(slug: str) -> str:
    """The DID the issuer at ``ISSUER_URL`` gives its issuer ``slug``."""
    return f"did:web:{ISSUER_HOST}:issuers:{slug}"


def achievement_of(issuer_slug: str, slug: str) -> str:
    return f"{ISSUER_URL}/issuers/{issuer_slug}/achievements/{slug}"


@pytest.fixture
def issuer(issuer_app: Callable[..., FastAPI]) -> TestClient:  # noqa: F811
    """The demo issuer (SQLite, frozen clock), as a client sending its API token."""
    app = issuer_app(base_url=ISSUER_URL)
    return TestClient(app, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {TOKEN}"})


def fetch_from(issuer: TestClient) -> Callable[[str], bytes]:
    """A verifier fetch: URLs on the issuer's host are served by the issuer app, every other
    host is unreachable (as a did:web of an unknown host would be)."""

    def fetch(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.netloc != ISSUER_HOST:
            raise OSError(f"no route to {parts.netloc}")
        response = issuer.get(parts.path)
        if response.status_code != 200:
            raise OSError(f"GET {url}: HTTP {response.status_code}")
        return response.content

    return fetch


@pytest.fixture
def verifier_app(issuer: TestClient, tmp_path: Path) -> VerifierFactory:
    """``verifier_app(**settings)``: a verifier with the demo registry (its DIDs on
    ``ISSUER_URL``), fetching from the issuer app, its clock at ``LATER``."""

    def factory(**overrides: Any) -> FastAPI:
        values: dict[str, Any] = {
            "issuer_url": ISSUER_URL,
            "registry_file": REGISTRY_FILE,
            "max_body_bytes": 200_000,
            "data_dir": tmp_path / "verifier",
        }
        values.update(overrides)
        return create_app(Settings(**values), fetch=fetch_from(issuer), clock=lambda: LATER)

    return factory


@pytest.fixture
def verifier(verifier_app: VerifierFactory) -> TestClient:
    return TestClient(verifier_app())


def issue(issuer: TestClient, issuer_slug: str, achievement: str, **extra: Any) -> Any:
    """A credential issued by the real issuer app (Data Integrity unless ``format`` says)."""
    body = {"achievement": achievement, "recipient": {"did": "did:example:ana"}, **extra}
    response = issuer.post(f"/issuers/{issuer_slug}/credentials", json=body)
    assert response.status_code == 201, response.text
    return response.json()["credential"]
