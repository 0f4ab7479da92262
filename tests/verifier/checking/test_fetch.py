"""The verifier's fetch policy, against a real HTTP server on loopback (each test that fetches
from it turns ``allow_http_localhost`` on for itself: it is off by default).

Whatever went wrong once the network was tried reads the same ("<url> gave no usable
answer"); the tests read the logged reason from ``NoUsableAnswer.reason``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servicekit import fetching
from servicekit.outbound import NoUsableAnswer
from verifier.checking.fetch import (
    FetchPolicy,
    FetchRefused,
    check_peer,
    check_url,
    fetcher,
    local_demo_url,
)

BODY = b'{"id": "did:web:localhost"}'
LOCAL = FetchPolicy(allow_http_localhost=True, timeout=0.5)


class Handler(BaseHTTPRequestHandler):
    stop: threading.Event

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        try:
            if self.path == "/trickle":
                self._trickle()
            elif self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/did.json")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY)
        except OSError:  # the client hung up, as it should
            pass

    def _trickle(self) -> None:
        """One byte every 50 ms, 200 bytes: each read is quick, the whole is slow."""
        self.send_response(200)
        self.send_header("Content-Length", "200")
        self.end_headers()
        for _ in range(200):
            if self.stop.is_set():
                return
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[str]:
    stop = threading.Event()
    handler = type("StoppableHandler", (Handler,), {"stop": stop})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}"
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_fetches_from_loopback_when_allowed(server: str) -> None:
    assert fetcher(LOCAL)(server + "/did.json") == BODY


def test_plain_http_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchRefused, match="only https"):
        fetcher(FetchPolicy())(server + "/did.json")


def test_redirects_are_not_followed(server: str) -> None:
    with pytest.raises(NoUsableAnswer, match="gave no usable answer") as refused:
        fetcher(LOCAL)(server + "/moved")
    assert refused.value.reason == "answered HTTP 302"


def test_size_limit(server: str) -> None:
    with pytest.raises(NoUsableAnswer) as refused:
        fetcher(FetchPolicy(allow_http_localhost=True, max_bytes=10))(server + "/did.json")
    assert refused.value.reason == "sent more than 10 bytes"


def test_trickling_answer_is_cut_off_by_the_overall_deadline(server: str) -> None:
    """Every read arrives within the per-operation timeout; the whole would take 10 s."""
    began = time.monotonic()
    with pytest.raises(NoUsableAnswer, match="gave no usable answer"):
        fetcher(LOCAL)(server + "/trickle")
    assert time.monotonic() - began < 1.0


def test_dns_rebinding_connection_to_a_private_address_is_refused(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name check saw a public address (simulated); the connection went to loopback."""
    checked: list[str] = []
    monkeypatch.setattr(fetching, "check_url", lambda url, policy: checked.append(url))
    url = server.replace("localhost", "127.0.0.1") + "/did.json"
    with pytest.raises(NoUsableAnswer) as refused:
        fetcher(FetchPolicy(timeout=0.5))(url)
    assert refused.value.reason == "connected to a non-public address (127.0.0.1)"
    assert checked == [url]


PUBLIC, PRIVATE, HTTPS = FetchPolicy(), FetchPolicy(allow_private=True), "https://a.example/"
PEERS = [
    ("public", HTTPS, ("93.184.215.14", 443), PUBLIC, None),
    ("private", HTTPS, ("10.0.0.1", 443), PUBLIC, "non-public"),
    ("ipv6-loopback", HTTPS, ("::1", 443, 0, 0), PUBLIC, "non-public"),
    ("peer-unknown", HTTPS, None, PUBLIC, "unknown"),
    ("private-allowed", HTTPS, ("10.0.0.1", 443), PRIVATE, None),
    ("localhost-loopback", "http://localhost/", ("127.0.0.1", 80), LOCAL, None),
    ("localhost-rebound", "http://localhost/", ("192.168.1.5", 80), LOCAL, "not to loopback"),
]


@pytest.mark.parametrize(
    ("url", "peer", "policy", "refused"), [pytest.param(*p[1:], id=p[0]) for p in PEERS]
)
def test_check_peer(url: str, peer: object, policy: FetchPolicy, refused: str | None) -> None:
    if refused is None:
        check_peer(url, peer, policy)
    else:
        with pytest.raises(NoUsableAnswer) as found:
            check_peer(url, peer, policy)
        assert refused in found.value.reason


def test_check_url_refuses_a_literal_private_address() -> None:
    with pytest.raises(FetchRefused, match="10.1.2.3 is not a public address"):
        check_url("https://10.1.2.3/did.json", FetchPolicy())


# --- local demo: https to loopback is fetched over plain http (allow_http_localhost) --------


def test_https_to_localhost_is_fetched_over_http_when_allowed(server: str) -> None:
    """did:web:localhost%3A<port>:... resolves to https://localhost:<port>/...; the local
    demo server speaks plain http."""
    assert fetcher(LOCAL)(server.replace("http://", "https://") + "/did.json") == BODY


def test_https_to_localhost_is_not_downgraded_by_default(server: str) -> None:
    with pytest.raises(FetchRefused, match="localhost is not a public address"):
        fetcher(FetchPolicy(timeout=0.5))(server.replace("http://", "https://") + "/did.json")


DOWNGRADES = [
    ("localhost", "https://localhost:8001/a/did.json", LOCAL, "http://localhost:8001/a/did.json"),
    ("ipv4-loopback", "https://127.0.0.1:9/x?q=1", LOCAL, "http://127.0.0.1:9/x?q=1"),
    ("ipv6-loopback", "https://[::1]:9/x", LOCAL, "http://[::1]:9/x"),
    ("upper-case-host", "https://LOCALHOST:9/x", LOCAL, "http://LOCALHOST:9/x"),
    (
        "no-port",
        "https://localhost/.well-known/did.json",
        LOCAL,
        "http://localhost/.well-known/did.json",
    ),
    ("not-allowed", "https://localhost:8001/x", PUBLIC, "https://localhost:8001/x"),
    ("other-host", "https://example.org/x", LOCAL, "https://example.org/x"),
    (
        "localhost-lookalike",
        "https://localhost.example.org/x",
        LOCAL,
        "https://localhost.example.org/x",
    ),
    ("other-loopback-address", "https://127.0.0.2/x", LOCAL, "https://127.0.0.2/x"),
    ("private-address", "https://10.0.0.1/x", LOCAL, "https://10.0.0.1/x"),
    ("userinfo-trick", "https://localhost@example.org/x", LOCAL, "https://localhost@example.org/x"),
    ("already-http", "http://localhost:9/x", LOCAL, "http://localhost:9/x"),
]


@pytest.mark.parametrize(
    ("url", "policy", "fetched"), [pytest.param(*d[1:], id=d[0]) for d in DOWNGRADES]
)
def test_local_demo_url(url: str, policy: FetchPolicy, fetched: str) -> None:
    assert local_demo_url(url, policy) == fetched
