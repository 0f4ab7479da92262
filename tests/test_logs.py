"""Structured logs: one JSON object per line, with the fields operators need and none of
what they must not see (bodies, cookies, tokens, emails, query strings)."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from servicekit.logs import (
    QUIET,
    REQUEST_LOGGER,
    JsonFormatter,
    configure,
    safe_path,
    scrub,
    uvicorn_config,
)
from tests.wallet.conftest import PASSWORD, csrf_of
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

EMAIL = "logged.learner@example.org"
TOKEN = "issuer-secret-token-0123456789abcdef"
OFFER_ID = "Qm9mZmVyLWlkLXRoYXQtaXMtYS1iZWFyZXItc2VjcmV0"  # fetching it yields the offer's code
FIELDS = {"time", "level", "service", "event", "method", "path", "status", "duration_ms",
          "request_id"}  # fmt: skip


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the request logger writes, formatted as the services format it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("test"))
    logger = logging.getLogger(REQUEST_LOGGER)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def parsed(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_is_one_json_line_with_no_secrets(lines: io.StringIO, tmp_path: Path) -> None:
    wallet = TestClient(
        create_wallet(WalletSettings(data_dir=tmp_path / "wallet")), base_url="https://w.test"
    )
    page = wallet.get("/sign-up?email=" + EMAIL)
    wallet.post(
        "/sign-up",
        data={"csrf": csrf_of(page.text), "email": EMAIL, "password": PASSWORD,
              "password_again": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    wallet.get("/credentials")  # with the session cookie
    wallet.get(f"/s/{TOKEN}")  # a share-link capability in the path
    wallet.get(f"/no/such/{EMAIL}/{TOKEN}")  # no route matches
    issuer = TestClient(
        create_issuer(IssuerSettings(data_dir=tmp_path / "issuer", api_token=TOKEN)),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    issuer.post("/issuers/community-college/credentials", json={"recipient": {"email": EMAIL}})

    text = lines.getvalue()
    records = parsed(lines)
    assert len(records) == 6
    for record in records:
        assert set(record) == FIELDS, record
        assert record["event"] == "request" and isinstance(record["duration_ms"], float)
    assert [r["service"] for r in records] == ["wallet"] * 5 + ["issuer"]
    assert [r["status"] for r in records][:2] == [200, 303]
    assert records[3]["path"] == "/s/{token}"  # the route's template, not the token
    assert records[4]["path"] == "/no/such/…/…" and records[4]["status"] == 404
    assert records[5]["path"] == "/issuers/{slug}/credentials" and records[5]["status"] == 422
    cookie = wallet.cookies.get("ler_wallet") or next(iter(wallet.cookies.values()))
    for secret in (EMAIL, TOKEN, PASSWORD, "Bearer", cookie, "?email"):
        assert secret not in text, secret


def test_the_request_id_is_taken_when_plain_and_always_sent_back(
    lines: io.StringIO, tmp_path: Path
) -> None:
    client = TestClient(create_wallet(WalletSettings(data_dir=tmp_path / "wallet")))
    mine = client.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})
    assert mine.headers["x-request-id"] == "trace-42.a_b"
    odd = client.get("/healthz", headers={"X-Request-ID": "no spaces <or> tags"})
    fresh = odd.headers["x-request-id"]
    assert len(fresh) == 32 and fresh != "no spaces <or> tags"
    assert [r["request_id"] for r in parsed(lines)] == ["trace-42.a_b", fresh]


def test_configure_writes_every_logger_as_json_and_scrubs_messages() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        configure("wallet", stream=stream)
        configure("wallet", stream=stream)  # idempotent: still one line per record
        logging.getLogger("some.library").warning(
            "could not mail %s (Authorization: Bearer %s)", EMAIL, TOKEN
        )
    finally:
        for handler in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(handler)
        root.setLevel(before[1])
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["service"] == "wallet" and record["level"] == "warning"
    assert record["logger"] == "some.library"
    assert EMAIL not in line and TOKEN not in line and "[email]" in line


def test_scrub_and_safe_path() -> None:
    assert scrub(f"token={TOKEN} for {EMAIL}") == "token=[redacted] for [email]"
    assert safe_path("/issuers/community-college/did.json") == "/issuers/community-college/did.json"
    assert safe_path(f"/s/{TOKEN}") == "/s/…"


class _Offers(BaseHTTPRequestHandler):
    """Any GET: 200 with an empty JSON object (stands in for an issuer's offer endpoint)."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Silent: this server's own stderr line is not what the test inspects."""


@pytest.fixture
def offers() -> Iterator[str]:
    """A real local HTTP server; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Offers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """Put the root logger and the touched loggers back as they were."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access", *QUIET)
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level) for n in names}
    flags = {n: (logging.getLogger(n).propagate, logging.getLogger(n).disabled) for n in names}
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = flags[name]


@pytest.mark.parametrize("setup", ["uvicorn_config", "configure"])
def test_outbound_urls_never_reach_the_log_with_their_secrets(
    setup: str, offers: str, keep_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    if setup == "uvicorn_config":  # as servicekit.serve runs a service: JSON lines on stderr
        logging.config.dictConfig(uvicorn_config("wallet", "INFO"))
    else:
        configure("wallet")
    offer = f"{offers}/issuers/college/offers/{OFFER_ID}"
    with httpx.Client() as client:  # real outbound calls over a socket
        assert client.get(offer).status_code == 200
        assert client.get(f"{offers}/oid4vp/requests/abc?request_uri=x&state={TOKEN}").is_success
    logging.getLogger("wallet.oid4vci").warning("could not redeem %s?code=%s", offer, TOKEN)
    logging.getLogger("wallet.oid4vci").info("fetched %s", offer)

    output = capsys.readouterr().err
    records = [json.loads(line) for line in output.splitlines()]
    assert [r["level"] for r in records] == ["warning", "info"], output  # httpx wrote nothing
    assert all(r["service"] == "wallet" for r in records)
    assert records[0]["event"] == f"could not redeem {offers}/issuers/college/offers/…"
    assert records[1]["event"] == f"fetched {offers}/issuers/college/offers/…"
    for secret in (OFFER_ID, TOKEN, "request_uri", "?"):
        assert secret not in output, secret


def test_scrub_cuts_every_url_to_host_and_safe_path() -> None:
    url = f"https://learner:pw@issuer.example/issuers/c/offers/{OFFER_ID}?code={TOKEN}#x"
    assert scrub(f"GET {url} 200") == "GET https://issuer.example/issuers/c/offers/… 200"
    assert scrub("see https://issuer.example/issuers/c/did.json") == (
        "see https://issuer.example/issuers/c/did.json"
    )
