"""The only road to the network for verification: did:web documents and status lists.

The operator decides what may be fetched (``FetchPolicy``, which is
``servicekit.outbound.OutboundPolicy``); every fetch goes through
:func:`servicekit.fetching.send`. In short, a fetch:

- uses https only (plain http only to loopback, and only when ``allow_http_localhost``,
  off by default; see ``FetchPolicy`` for the local-demo downgrade of https to loopback);
- refuses hosts that resolve to private, loopback, link-local or reserved addresses
  unless ``allow_private`` (a verifier must not be turned into a probe of its own network),
  and checks again, once connected, the address actually connected to (DNS rebinding);
- does not follow redirects, stops after ``max_bytes`` and ends ``timeout`` seconds after it
  began, whatever the host does (connect, headers and body together);
- answers only HTTP 200. Any other failure reads the same, "<url> gave no usable answer"
  (``FetchError``; the real reason goes to the log), so that a person pasting links cannot
  tell a closed port from an open one. A URL the policy refuses says why (``FetchRefused``).
"""

from __future__ import annotations

from collections.abc import Callable

from servicekit.fetching import no_usable_answer, send
from servicekit.outbound import (
    OutboundError as FetchError,
)
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
)

__all__ = [
    "FetchError",
    "FetchPolicy",
    "FetchRefused",
    "check_peer",
    "check_url",
    "fetcher",
    "local_demo_url",
]


def fetcher(policy: FetchPolicy) -> Callable[[str], bytes]:
    """A ``url -> bytes`` callable for ``DidResolver`` and status list checks."""

    def fetch(url: str) -> bytes:
        answer = send(policy, "GET", url, headers={"Accept": "application/json"})
        if answer.status != 200:
            raise no_usable_answer(answer.url, f"answered HTTP {answer.status}")
        return answer.body

    return fetch
