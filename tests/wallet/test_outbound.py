"""The wallet's outbound client (wallet/outbound.py): what the operator's policy lets through,
the limits, and the test transport reaching the real issuer app."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.wallet.conftest import ISSUER_HOST, ISSUER_URL, WalletFactory
from wallet.outbound import (
    NoUsableAnswer,
    Outbound,
    OutboundError,
    OutboundRefused,
    Policy,
    check_peer,
    check_url,
    effective_url,
)

STRICT = Policy()  # the defaults: https only, no private addresses
DEMO = Policy(allow_http_localhost=True)


@pytest.mark.parametrize(
    ("url", "policy"),
    [
        ("http://example.org/offer", STRICT),
        ("ftp://example.org/x", STRICT),
        ("file:///etc/passwd", STRICT),
        ("https://127.0.0.1/x", STRICT),
        ("https://10.0.0.7/x", STRICT),
        ("https://169.254.169.254/latest/meta-data", STRICT),
        ("https://[::1]/x", STRICT),
        ("http://localhost:8001/x", STRICT),
        ("http://192.168.1.2:8001/x", DEMO),
        ("https://user:secret@example.org/x", STRICT),
        ("https:///no-host", STRICT),
    ],
    ids=[
        "plain-http",
        "ftp",
        "file",
        "loopback-ip",
        "private-ip",
        "cloud-metadata",
        "ipv6-loopback",
        "http-localhost-not-allowed",
        "http-private-in-demo",
        "userinfo",
        "no-host",
    ],
)
def test_policy_refuses(url: str, policy: Policy) -> None:
    with pytest.raises(OutboundRefused):
        check_url(effective_url(url, policy), policy)


def test_the_local_demo_reaches_localhost_over_plain_http() -> None:
    assert effective_url("https://localhost:8001/x", DEMO) == "http://localhost:8001/x"
    assert effective_url("https://localhost:8001/x", STRICT) == "https://localhost:8001/x"
    assert effective_url("https://example.org/x", DEMO) == "https://example.org/x"
    check_url("http://localhost:8001/.well-known/did.json", DEMO)  # no exception
    check_url("http://127.0.0.1:8001/x", DEMO)


@pytest.mark.parametrize(
    ("url", "peer", "policy"),
    [
        ("https://example.org/x", ("10.1.2.3", 443), STRICT),
        ("https://example.org/x", ("127.0.0.1", 443), STRICT),
        ("https://example.org/x", None, STRICT),
        ("http://localhost:8001/x", ("93.184.216.34", 8001), DEMO),
    ],
    ids=["rebound-to-private", "rebound-to-loopback", "unknown-peer", "localhost-not-loopback"],
)
def test_the_address_connected_to_is_checked(url: str, peer: object, policy: Policy) -> None:
    with pytest.raises(NoUsableAnswer, match="gave no usable answer"):
        check_peer(url, peer, policy)


def test_allowed_peers() -> None:
    check_peer("https://example.org/x", ("93.184.216.34", 443), STRICT)
    check_peer("http://localhost:8001/x", ("127.0.0.1", 8001), DEMO)
    check_peer("https://example.org/x", ("10.0.0.1", 443), Policy(allow_private=True))


def handler_of(status: int, body: bytes, headers: dict[str, str] | None = None) -> Outbound:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers)

    return Outbound(Policy(allow_private=True, max_bytes=1000), httpx.MockTransport(handle))


def test_answers_past_the_size_limit_are_refused() -> None:
    with pytest.raises(NoUsableAnswer) as refused:
        handler_of(200, b"x" * 1001).get("https://issuer.example/big")
    assert str(refused.value) == "https://issuer.example/big gave no usable answer"
    assert refused.value.reason == "sent more than 1000 bytes"  # logged, not shown
    assert handler_of(200, b"x" * 1000).get("https://issuer.example/ok").body == b"x" * 1000


def test_redirects_are_not_followed() -> None:
    outbound = handler_of(302, b"", {"location": "https://169.254.169.254/"})
    assert outbound.get("https://issuer.example/x").status == 302
    with pytest.raises(NoUsableAnswer) as refused:
        outbound.fetch("https://issuer.example/x")
    assert refused.value.reason == "answered HTTP 302"


def test_json_that_is_not_json_is_an_outbound_error() -> None:
    answer = handler_of(200, b"<html>").get("https://issuer.example/x")
    with pytest.raises(OutboundError, match="did not answer with JSON"):
        answer.json()


def test_the_test_transport_reaches_the_real_issuer(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    app = wallet_app(apps={ISSUER_HOST: issuer_service})
    outbound: Outbound = app.state.inst.http
    document = outbound.get(f"{ISSUER_URL}/.well-known/did.json").json()
    assert document["id"] == "did:web:issuer.test"
    with pytest.raises(OutboundError):
        outbound.fetch("https://unknown.test/x")  # no app there: a connection error
    with pytest.raises(OutboundRefused):
        outbound.fetch("http://issuer.test/.well-known/did.json")  # http, not localhost
