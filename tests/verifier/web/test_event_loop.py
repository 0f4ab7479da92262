"""A verification that waits for a host (a did:web document not cached yet) waits off the
event loop: meanwhile the verifier answers everyone else. The paste-and-verify page and the
OpenID4VP response URI used to verify on the event loop, so one slow issuer host stalled
every request of the process until its fetch ended."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import LATER
from tests.verifier.callers import as_employer
from tests.verifier.conftest import ISSUER_URL, fetch_from, issue
from tests.verifier.jobs.test_requests import SpecWallet, new_request, open_job
from verifier.app import create_app
from verifier.checking.registry import REGISTRY_FILE
from verifier.settings import Settings

BOUND_S = 10  # a bound on waits that end at once when the code is right


class Gate:
    """A fetch that holds every did:web document until ``release`` (a slow issuer host)."""

    def __init__(self, fetch: Callable[[str], bytes]) -> None:
        self.fetch = fetch
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, url: str) -> bytes:
        if url.endswith("/did.json"):
            self.entered.set()
            self.release.wait(BOUND_S)
        return self.fetch(url)


@pytest.fixture
def gated(issuer: TestClient, tmp_path: Path) -> Iterator[tuple[TestClient, Gate]]:
    gate = Gate(fetch_from(issuer))
    settings = Settings(
        base_url="https://verifier.test",
        issuer_url=ISSUER_URL,
        registry_file=REGISTRY_FILE,
        data_dir=tmp_path / "verifier",
    )
    app = create_app(settings, fetch=gate, clock=lambda: LATER)
    try:
        with TestClient(app, base_url="https://verifier.test") as client:  # one event loop
            yield client, gate
    finally:
        gate.release.set()
        app.state.inst.db.close()


def others_are_answered_while(gate: Gate, client: TestClient, slow: Callable[[], Any]) -> Any:
    """Start ``slow`` (it reaches the gate), then ask /healthz: answered before the gate opens."""
    answers: dict[str, Any] = {}
    waiting = threading.Thread(target=lambda: answers.update(slow=slow()))
    waiting.start()
    assert gate.entered.wait(BOUND_S)
    other = threading.Thread(target=lambda: answers.update(other=client.get("/healthz")))
    other.start()
    other.join(BOUND_S / 2)
    answered_meanwhile = not other.is_alive()
    gate.release.set()
    waiting.join(BOUND_S * 3)
    other.join(BOUND_S)
    assert answered_meanwhile, "the verifier stopped answering while one fetch waited"
    assert answers["other"].status_code == 200
    return answers["slow"]


def test_the_paste_page_verifies_off_the_event_loop(
    gated: tuple[TestClient, Gate], issuer: TestClient
) -> None:
    client, gate = gated
    credential = issue(issuer, "community-college", "fundamentals-of-nursing-1")
    page = others_are_answered_while(
        gate, client, lambda: client.post("/", data={"document": json.dumps(credential)})
    )
    assert page.status_code == 200


def test_the_openid4vp_response_uri_verifies_off_the_event_loop(
    gated: tuple[TestClient, Gate], issuer: TestClient
) -> None:
    client, gate = gated
    as_employer(client)
    job_id = open_job(client, {"types": ["OpenBadgeCredential"]})
    request = new_request(client, job_id)
    wallet = SpecWallet(client)
    claims = wallet.read_request(request["links"]["by_reference"])
    credential = issue(
        issuer, "community-college", "fundamentals-of-nursing-1", recipient={"did": wallet.did}
    )
    vp = wallet.presentation(claims, [credential])
    answered = others_are_answered_while(gate, client, lambda: wallet.answer(claims, vp))
    assert answered.status_code == 200, answered.text
