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
- answers only HTTP 200 (:func:`document_origin`, for ``servicekit.fetch_cache``, also
  reads the answer's ``Cache-Control`` and tells a host that answered something else, 4xx
  but 408 and 429, ``NotTheDocument``: not worth asking again). Any other failure reads
  the same, "<url> gave no usable answer" (``FetchError``; the real reason goes to the
  log), so that a person pasting links cannot tell a closed port from an open one. A URL
  the policy refuses says why (``FetchRefused``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from servicekit.fetch_cache import Answered, Fetched, max_age
from servicekit.fetching import no_usable_answer, send
from servicekit.outbound import (
    NoUsableAnswer,
    check_peer,
    check_url,
    local_demo_url,
)
from servicekit.outbound import (
    OutboundError as FetchError,
)
from servicekit.outbound import (
    OutboundPolicy as FetchPolicy,
)
from servicekit.outbound import (
    OutboundRefused as FetchRefused,
)

__all__ = [
    "FetchError",
    "FetchPolicy",
    "FetchRefused",
    "NotTheDocument",
    "check_peer",
    "check_url",
    "document_origin",
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


class NotTheDocument(NoUsableAnswer, Answered):
    """The host answered with a status other than 200 that asking again will not change."""


RETRIED_STATUSES = frozenset({408, 429})
"""Statuses below 500 that a busy host gives and a retry may get past."""


def document_origin(policy: FetchPolicy) -> Callable[[str, float], Fetched]:
    """The origin of ``servicekit.fetch_cache.FetchCache``: one GET of ``url`` that ends within
    ``left`` seconds (and the policy's own timeout), its body and ``Cache-Control`` max-age."""

    def fetch(url: str, left: float) -> Fetched:
        timed = replace(policy, timeout=min(policy.timeout, left))
        answer = send(timed, "GET", url, headers={"Accept": "application/json"})
        if answer.status == 200:
            return Fetched(answer.body, max_age(answer.headers))
        reason = f"answered HTTP {answer.status}"
        error = no_usable_answer(answer.url, reason)  # logged
        if answer.status >= 500 or answer.status in RETRIED_STATUSES:
            raise error
        raise NotTheDocument(answer.url, reason)

    return fetch
