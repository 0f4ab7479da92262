"""Wallet test fixtures: an app factory with a frozen clock, browsers signed in as learners,
and a real issuer app reachable over the wallet's outbound client.

* ``clock``            one :class:`Clock` shared by the wallet and issuer apps of a test;
                       ``clock.advance(timedelta(...))`` moves both.
* ``wallet_app``       ``wallet_app(database_url=None, apps=None, **settings)``: a fresh wallet
                       on ``tmp_path``; ``apps`` maps host names to in-process apps its
                       outbound client reaches (``https://issuer.test/...`` -> the issuer app).
* ``issuer_service``   the real issuer app (demo issuers loaded) at https://issuer.test, its
                       API token :data:`ISSUER_TOKEN`.
* ``browser(app)``     a TestClient at https://wallet.test (the session cookie is Secure);
                       ``sign_up(browser, email)`` signs it up and in and returns it.
* ``database_url`` / ``postgres_url`` come from tests/conftest.py (SQLite and PostgreSQL).

Outbound requests go through :class:`AppsTransport`, an httpx transport that hands each
request to the in-process app of its host: the real app answers, nothing is mocked. The
wallet's settings allow private addresses in these tests only because ``*.test`` names do
not resolve; the policy itself is tested in test_http.py with the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer_app
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from wallet.app import create_app
from wallet.settings import Settings

WALLET_URL = "https://wallet.test"
ISSUER_URL = "https://issuer.test"
ISSUER_HOST = "issuer.test"
ISSUER_TOKEN = "issuer-test-token-0123456789"
FROZEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
ALICE = "alice@example.org"
BOB = "bob@example.org"

WalletFactory = Callable[..., FastAPI]


@dataclass
class Clock:
    """A frozen clock tests can move: ``clock()`` is now, ``clock.advance(delta)``."""

    now: datetime = FROZEN

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now = self.now + delta


class AppsTransport(httpx.BaseTransport):
    """An httpx transport that hands each request to the in-process app of its host."""

    def __init__(self, apps: Mapping[str, FastAPI]) -> None:
        self._clients = {
            host: TestClient(app, base_url=f"https://{host}") for host, app in apps.items()
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        client = self._clients.get(request.url.host)
        if client is None:
            raise httpx.ConnectError(f"no app at {request.url.host}", request=request)
        answer = client.request(
            request.method,
            request.url.raw_path.decode("ascii"),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            content=request.read(),
            follow_redirects=False,
        )
        return httpx.Response(
            answer.status_code, headers=answer.headers.multi_items(), content=answer.content
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def issuer_service(tmp_path: Path, clock: Clock) -> Iterator[FastAPI]:
    """The real issuer app at https://issuer.test (demo issuers loaded)."""
    settings = IssuerSettings(
        base_url=ISSUER_URL,
        data_dir=tmp_path / "issuer",
        api_token=ISSUER_TOKEN,
        max_body_bytes=100_000,
        demo_file=EXAMPLES / "issuers.json",
    )
    app = create_issuer_app(settings, clock=clock)
    yield app
    app.state.inst.db.close()


@pytest.fixture
def wallet_app(tmp_path: Path, clock: Clock) -> Iterator[WalletFactory]:
    """``wallet_app(database_url=None, apps=None, **settings)``: a fresh wallet app."""
    made: list[FastAPI] = []

    def factory(
        database_url: str | None = None,
        apps: Mapping[str, FastAPI] | None = None,
        **overrides: Any,
    ) -> FastAPI:
        values: dict[str, Any] = {
            "base_url": WALLET_URL,
            "data_dir": tmp_path / f"wallet-{len(made)}",
            "database_url": database_url,
            "allow_http_localhost": False,
            "allow_private": True,  # *.test names do not resolve (see the module docstring)
            "max_body_bytes": 200_000,
        }
        values.update(overrides)
        app = create_app(Settings(**values), clock=clock, transport=AppsTransport(apps or {}))
        made.append(app)
        return app

    yield factory
    for app in made:
        app.state.inst.db.close()


@pytest.fixture
def app(wallet_app: WalletFactory) -> FastAPI:
    """A SQLite-backed wallet."""
    return wallet_app()


def browser(app: FastAPI) -> TestClient:
    """A browser of the wallet without a session."""
    return TestClient(app, base_url=WALLET_URL)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_up(client: TestClient, email: str = ALICE, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` up (and so in) as ``email``; returns it."""
    page = client.get("/sign-up")
    response = client.post(
        "/sign-up",
        data={
            "csrf": csrf_of(page.text),
            "email": email,
            "password": password,
            "password_again": password,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    return client


def sign_in(client: TestClient, email: str = ALICE, password: str = PASSWORD) -> Any:
    """Post the sign-in form; the response (303 when it worked)."""
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"csrf": csrf_of(page.text), "email": email, "password": password},
        follow_redirects=False,
    )


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session (read from the account page)."""
    return csrf_of(client.get("/account").text)


def account_id_of(app: FastAPI, email: str) -> str:
    from wallet import store

    with app.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, email)
    assert account is not None
    return account.id
