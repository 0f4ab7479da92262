"""The only road to the network for verification: did:web documents and status lists.

The operator decides what may be fetched (``FetchPolicy``). By default nothing is. When
allowed, a fetch:

- uses https only (plain http only to loopback, and only when ``allow_http_localhost``;
  see ``FetchPolicy`` for the local-demo downgrade of https to loopback);
- refuses hosts that resolve to private, loopback, link-local or reserved addresses
  unless ``allow_private`` (a verifier must not be turned into a probe of its own network);
- checks again, once connected, the address actually connected to: a name that resolved
  to a public address for the check and to a private one for the connection (DNS
  rebinding) is refused before any byte of the answer is read. The request itself has
  been sent by then; the answer is never used;
- does not follow redirects and stops after ``max_bytes``;
- gives up once ``timeout`` seconds have passed in all (a monotonic deadline checked after
  the headers and after every chunk). httpx's own timeout bounds each single wait
  (connect, write, each read) by ``timeout`` as well, so a fetch that trickles bytes is cut
  off at the first chunk past the deadline, and no fetch lasts much more than twice
  ``timeout``.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


class FetchRefused(Exception):
    """The policy does not allow this URL, or the answer broke a limit."""


@dataclass(frozen=True)
class FetchPolicy:
    """What a verifier may fetch.

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


def _check_host(host: str, policy: FetchPolicy) -> None:
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise FetchRefused(f"cannot resolve host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchRefused(f"host {host!r} resolves to a non-public address ({address})")


def _plain_http_to_loopback(url: str, policy: FetchPolicy) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme == "http"
        and policy.allow_http_localhost
        and (parts.hostname or "") in _LOCAL_NAMES
    )


def local_demo_url(url: str, policy: FetchPolicy) -> str:
    """``url`` as it will be fetched: with ``allow_http_localhost``, an https URL whose host
    is localhost / 127.0.0.1 / [::1] becomes plain http (see ``FetchPolicy``); any other
    URL is unchanged."""
    parts = urlsplit(url)
    if (
        policy.allow_http_localhost
        and parts.scheme == "https"
        and (parts.hostname or "") in _LOCAL_NAMES
    ):
        return parts._replace(scheme="http").geturl()
    return url


def check_url(url: str, policy: FetchPolicy) -> None:
    """Raise ``FetchRefused`` unless ``policy`` allows fetching ``url``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _plain_http_to_loopback(url, policy):
        return
    if parts.scheme != "https":
        raise FetchRefused(f"only https URLs may be fetched, not {url!r}")
    if not host:
        raise FetchRefused(f"no host in {url!r}")
    _check_host(host, policy)


def check_peer(url: str, peer: object, policy: FetchPolicy) -> None:
    """Raise ``FetchRefused`` unless ``policy`` allows the address the fetch of ``url``
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
        raise FetchRefused(f"fetching {url}: the address connected to is unknown")
    if _plain_http_to_loopback(url, policy):
        if not address.is_loopback:
            raise FetchRefused(f"fetching {url} connected to {address}, not to loopback")
        return
    if not address.is_global:
        raise FetchRefused(f"fetching {url} connected to a non-public address ({address})")


def _peer_of(response: httpx.Response) -> object:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("server_addr") if stream is not None else None


def _check_deadline(url: str, deadline: float, policy: FetchPolicy) -> None:
    if time.monotonic() > deadline:
        raise FetchRefused(f"{url} took longer than {policy.timeout} seconds in all")


def fetcher(policy: FetchPolicy) -> Callable[[str], bytes]:
    """A ``url -> bytes`` callable for ``DidResolver`` and status list checks."""

    def fetch(url: str) -> bytes:
        deadline = time.monotonic() + policy.timeout
        url = local_demo_url(url, policy)
        check_url(url, policy)
        body = bytearray()
        with (
            httpx.Client(timeout=policy.timeout, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "application/json"}) as response,
        ):
            check_peer(url, _peer_of(response), policy)
            _check_deadline(url, deadline, policy)
            if response.status_code != 200:
                raise FetchRefused(f"{url} answered HTTP {response.status_code}")
            for chunk in response.iter_bytes():
                _check_deadline(url, deadline, policy)
                body.extend(chunk)
                if len(body) > policy.max_bytes:
                    raise FetchRefused(f"{url} sent more than {policy.max_bytes} bytes")
        return bytes(body)

    return fetch
