"""The only road to the network for verification: did:web documents and status lists.

The operator decides what may be fetched (``FetchPolicy``, which is
``servicekit.outbound.OutboundPolicy``). By default nothing is. When allowed, a fetch:

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

import time
from collections.abc import Callable

import httpx

from servicekit.outbound import (
    OutboundPolicy as FetchPolicy,
)
from servicekit.outbound import (
    OutboundRefused as FetchRefused,
)
from servicekit.outbound import (
    check_peer,
    check_url,
    local_demo_url,
    peer_of,
)

__all__ = ["FetchPolicy", "FetchRefused", "check_peer", "check_url", "fetcher", "local_demo_url"]


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
            check_peer(url, peer_of(response), policy)
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
