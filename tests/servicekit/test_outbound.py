"""The shared outbound road (servicekit.outbound, servicekit.fetching) against real sockets:
URLs that are not URLs are refused cleanly (never a ValueError, so never a 500), one deadline
bounds a whole fetch however slowly a host trickles, and a closed port, an open port answering
garbage and an open port answering an error all read the same to whoever asked.

Each test that fetches from loopback turns ``allow_http_localhost`` on for itself (it is off by
default everywhere).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicekit.fetching import send
from servicekit.outbound import NoUsableAnswer, OutboundPolicy, OutboundRefused, check_url
from verifier.app import create_app as create_verifier
from verifier.delivery import webhook
from verifier.errors import WebhookUrlRefusedError
from verifier.settings import Settings as VerifierSettings
from wallet.outbound import Outbound, Policy

LOCAL = OutboundPolicy(allow_http_localhost=True, timeout=1.0)

NOT_URLS = {
    "unclosed-ipv6": "https://[::1/did.json",
    "bad-ipv6": "https://[zz::1]/did.json",
    "port-too-large": "https://example.org:99999/x",
    "port-not-a-number": "https://example.org:http/x",
    "port-zero": "https://example.org:0/x",
    "label-too-long": "https://" + "a" * 64 + ".example/x",
    "empty-label": "https://a..example/x",
    "lone-surrogate": "https://\ud800.example/x",
    "zero-width-joiner": "https://exa\u200dmple.org/x",
    "space": "https://exa mple.org/x",
    "newline": "https://example.org/x\r\nHost: evil",
    "credentials": "https://user:secret@example.org/x",
    "user-only": "https://user@example.org/x",
    "too-long": "https://example.org/" + "a" * 5000,
    "empty": "",
    "no-host": "https:///x",
    "not-http": "gopher://example.org/x",
}


@pytest.mark.parametrize("url", NOT_URLS.values(), ids=NOT_URLS.keys())
def test_what_is_not_a_url_is_refused_cleanly(url: str) -> None:
    for policy in (OutboundPolicy(), LOCAL, OutboundPolicy(allow_private=True)):
        with pytest.raises(OutboundRefused):
            check_url(url, policy)


@pytest.mark.parametrize("url", NOT_URLS.values(), ids=NOT_URLS.keys())
def test_the_verifier_answers_4xx_for_them(tmp_path: Path, url: str) -> None:
    """The link form and the webhook API: a 4xx with a clear text, never a 500."""
    app = create_verifier(VerifierSettings(data_dir=tmp_path / "v"))
    if url.isprintable() or "\n" in url:  # a form cannot carry a lone surrogate
        page = TestClient(app).post("/", data={"link": url or " "})
        assert page.status_code == 400, page.text[-500:]
    with pytest.raises(WebhookUrlRefusedError):  # a 422 problem (verifier.app's statuses)
        webhook.configure(app.state.inst, "any-job", url)


# --- a host that trickles --------------------------------------------------------------------


class Trickler:
    """A TCP server that sends one byte a second: in its status line and headers
    (``headers=True``) or, after quick headers, in its body."""

    def __init__(self, *, headers: bool) -> None:
        self.headers = headers
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            slow = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 60
            if not self.headers:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
                slow = b"{" + b" " * 59
            try:
                for byte in slow:
                    if self.stop.wait(1.0):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up, as it should

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(params=[True, False], ids=["trickled-headers", "trickled-body"])
def trickler(request: pytest.FixtureRequest) -> Iterator[Trickler]:
    server = Trickler(headers=request.param)
    yield server
    server.close()


def test_a_trickling_host_cannot_hold_a_fetch_past_its_deadline(trickler: Trickler) -> None:
    url = f"http://localhost:{trickler.port}/did.json"
    began = time.monotonic()
    with pytest.raises(NoUsableAnswer, match="gave no usable answer"):
        send(LOCAL, "GET", url)
    assert time.monotonic() - began < 2.0  # 1 s deadline (each byte alone comes in 1 s)


def test_the_wallet_outbound_has_the_same_deadline(trickler: Trickler) -> None:
    outbound = Outbound(Policy(allow_http_localhost=True, timeout=1.0))
    began = time.monotonic()
    with pytest.raises(NoUsableAnswer):
        outbound.fetch(f"http://localhost:{trickler.port}/did.json")
    assert time.monotonic() - began < 2.0


def test_the_default_deadline_is_five_seconds() -> None:
    assert OutboundPolicy().timeout == 5.0
    assert Policy().timeout == 5.0
    assert VerifierSettings().fetch_timeout == 5.0


# --- what an address answered is not told -----------------------------------------------------


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """An open port that answers garbage, then hangs up."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01garbage")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_closed_and_open_ports_read_the_same_on_the_link_form(
    tmp_path: Path, garbage_port: int
) -> None:
    settings = VerifierSettings(data_dir=tmp_path / "v", allow_http_localhost=True)
    client = TestClient(create_verifier(settings))
    said = {}
    for name, port in (("closed", _closed_port()), ("open", garbage_port)):
        url = f"http://localhost:{port}/x"
        page = client.post("/", data={"link": url})
        assert page.status_code == 400
        assert f"{url} gave no usable answer" in page.text
        said[name] = page.text.replace(str(port), "PORT")
    assert said["closed"] == said["open"]


def test_closed_and_open_ports_read_the_same_in_the_wallet(garbage_port: int) -> None:
    outbound = Outbound(Policy(allow_http_localhost=True, timeout=1.0))
    said = []
    for port in (_closed_port(), garbage_port):
        with pytest.raises(NoUsableAnswer) as failed:
            outbound.get(f"http://localhost:{port}/x")
        said.append(str(failed.value).replace(str(port), "PORT"))
    assert said[0] == said[1] == "http://localhost:PORT/x gave no usable answer"


def test_the_reason_is_logged_without_the_query(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://localhost:{_closed_port()}/offer?code=secret-code-123"
    with caplog.at_level("WARNING", logger="servicekit.fetching"), pytest.raises(NoUsableAnswer):
        send(LOCAL, "GET", url)
    events = [str(getattr(record, "event", "")) for record in caplog.records]
    assert any("ConnectError" in event for event in events), events
    assert not any("secret-code" in event for event in events), events
