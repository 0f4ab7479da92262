"""The verifier's caches under load, over the network: the issuer's did:web document and
status list served by a real HTTP host on loopback that counts what it is asked, fails when
told to and sends the Cache-Control it is given; the verifier fetches them with its own
network fetcher (``allow_http_localhost``, ``allow_private``). And revocation latency: a
revoked credential reads revoked once the status cache's time has passed."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.issuer.conftest import LATER, TOKEN, revoke
from tests.verifier.conftest import ISSUER_URL, fetch_from, issue
from verifier.checking.registry import REGISTRY_FILE
from verifier.checking.verification import Verifier
from verifier.settings import Settings

ACHIEVEMENT = ("food-safety", "food-handler")
CONCURRENT = 20


@dataclass
class Host:
    """What the HTTP host serves (path -> body), what it was asked, what it does next."""

    documents: dict[str, bytes] = field(default_factory=dict)
    cache_control: dict[str, str] = field(default_factory=dict)
    asked: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # path -> 503s still to give
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        with self.lock:
            self.asked[path] += 1
            if self.failures[path] > 0:
                self.failures[path] -= 1
                return 503, b"busy", {}
        if path not in self.documents:
            return 404, b"", {}
        extra = {"Cache-Control": self.cache_control[path]} if path in self.cache_control else {}
        return 200, self.documents[path], extra


@contextmanager
def serving(host: Host, port: int) -> Iterator[None]:
    """``host`` answering HTTP on 127.0.0.1:``port`` until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            status, body, headers = host.answer(self.path)
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Live:
    host: Host
    issuer: TestClient
    url: str

    def credential(self) -> dict[str, Any]:
        found: dict[str, Any] = issue(self.issuer, *ACHIEVEMENT)
        return found

    def copy(self, path: str) -> bytes:
        """The issuer's document at ``path``."""
        response = self.issuer.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.content


@pytest.fixture
def live(issuer_app: Callable[..., FastAPI]) -> Iterator[Live]:
    port = free_port()
    url = f"http://localhost:{port}"  # the issuer's DIDs: did:web:localhost%3A<port>:...
    app = issuer_app(base_url=url)
    issuer = TestClient(app, base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})
    host = Host()
    with serving(host, port):
        yield Live(host, issuer, url)


def network_verifier(tmp_path: Path, **overrides: Any) -> Verifier:
    values: dict[str, Any] = {
        "allow_http_localhost": True,
        "allow_private": True,
        "data_dir": tmp_path / "verifier",
        "did_cache_seconds": 300.0,
        "status_cache_seconds": 60.0,
    }
    return Verifier(Settings(**(values | overrides)), clock=lambda: LATER)


def status_path(credential: dict[str, Any]) -> str:
    status = credential["credentialStatus"]
    entry = status[0] if isinstance(status, list) else status
    url: str = entry["statusListCredential"]
    return "/" + url.split("://", 1)[1].partition("/")[2]


def published(live: Live, credential: dict[str, Any]) -> tuple[str, str]:
    """The host serves the credential's issuer DID document and status list."""
    did_path, list_path = "/issuers/food-safety/did.json", status_path(credential)
    live.host.documents = {did_path: live.copy(did_path), list_path: live.copy(list_path)}
    return did_path, list_path


def checks(report: Any) -> dict[str, str]:
    return {c.id: c.status for c in report.all_checks()}


def test_many_concurrent_verifications_fetch_each_document_once(live: Live, tmp_path: Path) -> None:
    credential = live.credential()
    did_path, list_path = published(live, credential)
    verifier = network_verifier(tmp_path)
    with ThreadPoolExecutor(CONCURRENT) as pool:
        reports = list(pool.map(lambda _: verifier.verify(credential), range(CONCURRENT)))
    assert [r.verification for r in reports] == ["pass"] * CONCURRENT, checks(reports[0])
    assert live.host.asked == {did_path: 1, list_path: 1}


def test_a_host_failing_once_under_load_still_gives_verified(live: Live, tmp_path: Path) -> None:
    credential = live.credential()
    did_path, list_path = published(live, credential)
    live.host.failures.update({did_path: 1, list_path: 1})  # 503 once each, then answers
    report = network_verifier(tmp_path).verify(credential)
    assert report.verification == "pass", checks(report)
    assert checks(report)["status"] == "pass"
    assert live.host.asked == {did_path: 2, list_path: 2}


def test_a_host_that_answers_404_is_not_asked_again_and_reads_could_not_check(
    live: Live, tmp_path: Path
) -> None:
    credential = live.credential()
    did_path, _ = published(live, credential)
    del live.host.documents[did_path]
    report = network_verifier(tmp_path).verify(credential)
    assert checks(report)["issuer-key"] == "could-not-check"
    # asked once per lookup (the credential's key, the status list's key), never again:
    # a 404 is an answer, not a host too busy to answer
    assert live.host.asked[did_path] == 2


def test_the_documents_max_age_is_respected_within_the_bounds(live: Live, tmp_path: Path) -> None:
    credential = live.credential()
    did_path, list_path = published(live, credential)
    live.host.cache_control = {did_path: "max-age=30", list_path: "no-cache"}
    now = [LATER]
    settings = Settings(
        allow_http_localhost=True,
        allow_private=True,
        data_dir=tmp_path / "v",
        did_cache_seconds=300,
        status_cache_seconds=60,
        cache_floor_seconds=5,
    )
    verifier = Verifier(settings, clock=lambda: now[0])
    # 3: within the floor, and before the refresh-ahead point (servicekit.fetch_cache.REFRESH_AT,
    # 75 % of 5 s: a use at 4 s would start a background fetch, which the next step races);
    # 20 and 31: past the floor of 5
    for seconds in (0, 3, 20, 31):
        now[0] = LATER + timedelta(seconds=seconds)
        assert verifier.verify(credential).verification == "pass"
    assert live.host.asked[did_path] == 2  # kept its 30 s, fetched again at 31
    assert live.host.asked[list_path] == 3  # no-cache: kept the floor's 5 s (0, 20, 31)


def test_a_revoked_credential_reads_revoked_once_the_status_cache_time_has_passed(
    issuer: TestClient, tmp_path: Path
) -> None:
    now: list[datetime] = [LATER]
    settings = Settings(
        issuer_url=ISSUER_URL,
        registry_file=REGISTRY_FILE,
        data_dir=tmp_path / "v",
        status_cache_seconds=60,
        did_cache_seconds=300,
    )
    verifier = Verifier(settings, fetch=fetch_from(issuer), clock=lambda: now[0])
    credential = issue(issuer, *ACHIEVEMENT)
    assert checks(verifier.verify(credential))["status"] == "pass"
    revoke(issuer, credential["id"])
    now[0] = LATER + timedelta(seconds=30)
    assert checks(verifier.verify(credential))["status"] == "pass"  # within the stated latency
    now[0] = LATER + timedelta(seconds=61)
    assert checks(verifier.verify(credential))["status"] == "fail"  # revoked


def test_a_refresh_service_is_asked_every_time_never_answered_from_the_cache(
    live: Live, tmp_path: Path
) -> None:
    live.host.documents = {"/refresh/1": b"{}"}
    verifier = network_verifier(tmp_path, allow_refresh=True)
    refresh = verifier.options(LATER).fetch_refresh
    assert refresh is not None
    for _ in range(2):
        assert refresh(f"{live.url}/refresh/1") == b"{}"
    assert live.host.asked["/refresh/1"] == 2
