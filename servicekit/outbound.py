"""The one outbound policy of every service: what it may reach on the network.

The operator decides (``OutboundPolicy``); by default only public https hosts:

- https only; plain http only to loopback, and only with ``allow_http_localhost`` (the
  local demo; see ``OutboundPolicy`` for its https-to-loopback downgrade);
- no URLs with credentials; no host that resolves to a private, loopback, link-local or
  reserved address unless ``allow_private`` (a service must not become a probe of its own
  network), and, once connected, the address actually connected to is checked again
  (``check_peer``: DNS rebinding);
- the callers add: no redirects, at most ``max_bytes``, ``timeout`` seconds in all.

The verifier's ``verifier.checking.fetch`` and the wallet's ``wallet.outbound`` are its two users.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


class OutboundRefused(Exception):
    """The policy does not allow this URL, or the answer broke a limit."""


@dataclass(frozen=True)
class OutboundPolicy:
    """What a service may reach.

    ``allow_http_localhost`` is a local-demo affordance: plain http is allowed to
    ``localhost``, ``127.0.0.1`` and ``[::1]`` (and the connection must then go to a
    loopback address), and an *https* URL naming one of those hosts is fetched over plain
    http, same host, port and path (no port: http's 80). That is what lets ``ler up``'s
    issuer, whose DIDs are ``did:web:localhost%3A8001:issuers:<slug>`` (did:web always
    means https) but which speaks plain http, be verified on one machine. It never
    applies to any other host, whatever it resolves to. ``allow_private`` lets fetches
    reach private, loopback and link-local addresses.
    """

    allow_http_localhost: bool = False
    allow_private: bool = False
    max_bytes: int = 1024 * 1024
    timeout: float = 5.0


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _check_host(host: str, policy: OutboundPolicy) -> None:
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise OutboundRefused(f"cannot resolve host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise OutboundRefused(f"host {host!r} resolves to a non-public address ({address})")


def _plain_http_to_loopback(url: str, policy: OutboundPolicy) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme == "http"
        and policy.allow_http_localhost
        and (parts.hostname or "") in _LOCAL_NAMES
    )


def local_demo_url(url: str, policy: OutboundPolicy) -> str:
    """``url`` as it will be fetched: with ``allow_http_localhost``, an https URL whose host
    is localhost / 127.0.0.1 / [::1] becomes plain http (see ``OutboundPolicy``); any other
    URL is unchanged."""
    parts = urlsplit(url)
    if (
        policy.allow_http_localhost
        and parts.scheme == "https"
        and (parts.hostname or "") in _LOCAL_NAMES
    ):
        return parts._replace(scheme="http").geturl()
    return url


def check_url(url: str, policy: OutboundPolicy) -> None:
    """Raise ``OutboundRefused`` unless ``policy`` allows fetching ``url``."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(f"URLs with credentials are refused: {url!r}")
    host = parts.hostname or ""
    if _plain_http_to_loopback(url, policy):
        return
    if parts.scheme != "https":
        raise OutboundRefused(f"only https URLs may be fetched, not {url!r}")
    if not host:
        raise OutboundRefused(f"no host in {url!r}")
    _check_host(host, policy)


def check_peer(url: str, peer: object, policy: OutboundPolicy) -> None:
    """Raise ``OutboundRefused`` unless ``policy`` allows the address the fetch of ``url``
    actually connected to (``peer``: a socket address tuple, or None when unknown).

    The address must be public; for plain http to loopback (``allow_http_localhost``) it
    must be a loopback address; with ``allow_private`` anything goes.
    """
    if policy.allow_private:
        return
    host = peer[0] if isinstance(peer, tuple) and peer else None
    try:
        address = ipaddress.ip_address(host) if isinstance(host, str) else None
    except ValueError:
        address = None
    if address is None:
        raise OutboundRefused(f"fetching {url}: the address connected to is unknown")
    if _plain_http_to_loopback(url, policy):
        if not address.is_loopback:
            raise OutboundRefused(f"fetching {url} connected to {address}, not to loopback")
        return
    if not address.is_global:
        raise OutboundRefused(f"fetching {url} connected to a non-public address ({address})")


def peer_of(response: httpx.Response) -> object:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("server_addr") if stream is not None else None
