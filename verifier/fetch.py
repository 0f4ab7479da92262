"""The only road to the network for verification: did:web documents and status lists.

The operator decides what may be fetched (``FetchPolicy``). By default nothing is. When
allowed, a fetch:

- uses https only (plain http only to loopback, and only when ``allow_http_localhost``);
- refuses hosts that resolve to private, loopback, link-local or reserved addresses
  unless ``allow_private`` (a verifier must not be turned into a probe of its own network);
- does not follow redirects, stops after ``max_bytes`` and ``timeout`` seconds.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


class FetchRefused(Exception):
    """The policy does not allow this URL, or the answer broke a limit."""


@dataclass(frozen=True)
class FetchPolicy:
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


def check_url(url: str, policy: FetchPolicy) -> None:
    """Raise ``FetchRefused`` unless ``policy`` allows fetching ``url``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http" and policy.allow_http_localhost and host in _LOCAL_NAMES:
        return
    if parts.scheme != "https":
        raise FetchRefused(f"only https URLs may be fetched, not {url!r}")
    if not host:
        raise FetchRefused(f"no host in {url!r}")
    _check_host(host, policy)


def fetcher(policy: FetchPolicy) -> Callable[[str], bytes]:
    """A ``url -> bytes`` callable for ``DidResolver`` and status list checks."""

    def fetch(url: str) -> bytes:
        check_url(url, policy)
        body = bytearray()
        with (
            httpx.Client(timeout=policy.timeout, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code != 200:
                raise FetchRefused(f"{url} answered HTTP {response.status_code}")
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > policy.max_bytes:
                    raise FetchRefused(f"{url} sent more than {policy.max_bytes} bytes")
        return bytes(body)

    return fetch
