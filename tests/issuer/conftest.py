"""Issuer test fixtures: an app factory with fixed keys and a frozen clock, an authorized
client and resolvers that reach the app through its TestClient. The real PostgreSQL
(``postgres_url``, ``database_url``) is in tests/conftest.py, shared with the wallet's tests.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app
from issuer.settings import EXAMPLES, Settings
from vckit.did.resolver import DidResolver
from vckit.keys.keypair import KeyKind, KeyPair
from vckit.verification import VerifyOptions

BASE_URL = "http://issuer.test"
TOKEN = "test-token-0123456789"
FROZEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LATER = FROZEN + timedelta(hours=1)
KEYS_PER_KIND = 6

AppFactory = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def key_pool() -> dict[KeyKind, list[KeyPair]]:
    """Keys generated once per session (RSA is slow to generate)."""
    kinds: tuple[KeyKind, ...] = ("Ed25519", "P-256", "P-384", "RSA")
    return {kind: [KeyPair.generate(kind) for _ in range(KEYS_PER_KIND)] for kind in kinds}


@pytest.fixture
def issuer_app(tmp_path: Path, key_pool: dict[KeyKind, list[KeyPair]]) -> Iterator[AppFactory]:
    """``issuer_app(database_url=None, **settings)``: a fresh app on ``tmp_path``, its
    clock frozen at FROZEN and its keys taken in turn from the session's pool."""
    apps: list[FastAPI] = []

    def factory(database_url: str | None = None, **overrides: Any) -> FastAPI:
        counters = {kind: itertools.count() for kind in key_pool}

        def new_key(kind: KeyKind) -> KeyPair:
            return key_pool[kind][next(counters[kind]) % KEYS_PER_KIND]

        values: dict[str, Any] = {
            "base_url": BASE_URL,
            "data_dir": tmp_path / f"issuer-{len(apps)}",
            "database_url": database_url,
            "api_token": TOKEN,
            "max_body_bytes": 100_000,
            "demo_file": EXAMPLES / "issuers.json",
        }
        values.update(overrides)
        app = create_app(Settings(**values), clock=lambda: FROZEN, new_key=new_key)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.state.inst.db.close()


def authorized(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def client(issuer_app: AppFactory) -> TestClient:
    """A client of a fresh SQLite-backed issuer (demo loaded), sending the API token."""
    return authorized(issuer_app())


def https_to_client(client: TestClient) -> Callable[[str], bytes]:
    """A fetch callback for vckit: https://issuer.test/... is served by the TestClient."""

    def fetch(url: str) -> bytes:
        path = url.split("://", 1)[1].partition("/")[2]
        response = client.get("/" + path)
        if response.status_code != 200:
            raise OSError(f"GET {url}: {response.status_code}")
        return response.content

    return fetch


def verify_options(client: TestClient, now: datetime = LATER) -> VerifyOptions:
    fetch = https_to_client(client)
    return VerifyOptions(resolver=DidResolver(fetch), fetch_status_list=fetch, now=now)


def checks_by_id(report: Any) -> dict[str, str]:
    return {check.id: check.status for check in report.all_checks()}


def document_of(response_json: dict[str, Any]) -> Any:
    """The credential in an issue response (project route or VC-API)."""
    found = response_json.get("credential", response_json.get("verifiableCredential"))
    return json.loads(json.dumps(found))


def revoke(client: TestClient, credential_id: str) -> None:
    """Revoke one credential over the VC-API status endpoint (the client is authorized)."""
    response = client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
    )
    assert response.status_code == 200, response.text
