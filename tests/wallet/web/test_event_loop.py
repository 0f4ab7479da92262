"""The wallet's async routes keep the event loop free: while one request verifies (and
waits for an issuer's did:web document), another request is answered.

The issuer app sits behind a gate: the first request the wallet sends to it waits until the
test opens the gate. One client (one event loop, as one server process has) posts a
credential, and once its verification is waiting at the gate, asks ``/healthz``. On a loop
that the credential's route holds, ``/healthz`` cannot answer until the gate opens; the test
checks the order of events, not a duration (the wait below only bounds a failing run).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import (
    ALICE,
    ISSUER_HOST,
    WALLET_URL,
    AppsTransport,
    Clock,
    sign_up,
)
from tests.wallet.held import issue, issuer_client
from tests.wallet.host.rfc_client import ALL, ObClient, bearer
from wallet.app import create_app
from wallet.settings import Settings

BOUND = 10.0  # seconds: only a failing run waits this long


class Gate(httpx.BaseTransport):
    """The apps' transport, holding the first request until :attr:`opened` is set."""

    def __init__(self, apps: Mapping[str, FastAPI]) -> None:
        self.inner = AppsTransport(apps)
        self.waiting = threading.Event()
        self.opened = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.waiting.is_set():
            self.waiting.set()
            self.opened.wait(BOUND)
        return self.inner.handle_request(request)


def _answered_while_held(client: TestClient, gate: Gate, slow: Callable[[], Any]) -> bool:
    """Run ``slow`` (held at the gate); whether ``/healthz`` answered before the gate opened."""
    results: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: results.update(slow=slow()))
    worker.start()
    assert gate.waiting.wait(BOUND), "the slow request never reached the issuer"
    healthy = threading.Event()

    def health() -> None:
        results["health"] = client.get("/healthz").status_code
        healthy.set()

    prober = threading.Thread(target=health)
    prober.start()
    answered_first = healthy.wait(BOUND) and not gate.opened.is_set()
    gate.opened.set()
    worker.join(BOUND)
    prober.join(BOUND)
    assert results.get("health") == 200
    assert results["slow"].status_code in (200, 201), results["slow"].text
    return answered_first


@pytest.fixture
def gated(tmp_path: Any, clock: Clock, issuer_service: FastAPI) -> Any:
    gate = Gate({ISSUER_HOST: issuer_service})
    settings = Settings(base_url=WALLET_URL, data_dir=tmp_path / "w", allow_private=True,
                        max_body_bytes=200_000)  # fmt: skip
    app = create_app(settings, clock=clock, transport=gate)
    yield app, gate
    app.state.inst.db.close()


def test_receiving_a_credential_does_not_hold_the_loop(gated: Any, issuer_service: FastAPI) -> None:
    app, gate = gated
    credential = issue(issuer_client(issuer_service), "eddsa-rdfc-2022",
                       recipient={"email": ALICE})["credential"]  # fmt: skip
    with TestClient(app, base_url=WALLET_URL) as learner:
        sign_up(learner, ALICE)
        assert _answered_while_held(
            learner, gate, lambda: learner.post("/api/receive/credential", json=credential)
        )


def test_an_upsert_through_the_host_api_does_not_hold_the_loop(
    gated: Any, issuer_service: FastAPI
) -> None:
    app, gate = gated
    credential = issue(issuer_client(issuer_service), "eddsa-rdfc-2022",
                       recipient={"email": ALICE})["credential"]  # fmt: skip
    with TestClient(app, base_url=WALLET_URL) as learner:
        sign_up(learner, ALICE)
        tokens = ObClient(TestClient(app, base_url=WALLET_URL)).tokens(learner, ALL)
        post = lambda: learner.post(  # noqa: E731
            "/ims/ob/v3p0/credentials", json=credential, headers=bearer(tokens["access_token"])
        )
        assert _answered_while_held(learner, gate, post)
