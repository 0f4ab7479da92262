"""The wallet's one road to the network: requests to issuers (OpenID4VCI, did:web,
status lists) and verifiers (OpenID4VP ``direct_post``, VC-API exchanges).

The operator decides what may be reached (:class:`Policy`, the shared
``servicekit.outbound`` policy with the wallet's limits); every request:

- uses https only; plain http only to ``localhost`` / ``127.0.0.1`` / ``[::1]`` and only
  when ``allow_http_localhost`` (off by default; the local demo, where ``ler up``'s issuer
  speaks plain http, turns it on). With that setting an *https* URL naming one of those
  hosts is sent over plain http, same host, port and path: did:web always means https,
  and the demo issuer's DIDs are ``did:web:localhost%3A8001:...``. It never applies to any
  other host;
- refuses hosts that resolve to private, loopback, link-local or reserved addresses unless
  ``allow_private`` (a learner's pasted offer must not turn the wallet into a probe of its
  own network), and checks the address actually connected to as well (DNS rebinding);
- follows no redirects, reads at most ``max_bytes`` of the answer and ends ``timeout``
  seconds after it began, whatever the host does (:func:`servicekit.fetching.send`);
- fails the same way whatever went wrong on the network ("<url> gave no usable answer",
  :class:`NoUsableAnswer`; the reason is logged), so that nothing a learner pastes tells
  them what some address answered.

Tests pass an httpx ``transport`` that routes to in-process apps (the real issuer app);
the URL policy still applies, but there is no socket, so the connected-address check is
skipped for such a transport.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicekit import outbound
from servicekit.http_client import Answer, Outbound
from servicekit.outbound import NoUsableAnswer, OutboundError, OutboundRefused

__all__ = [
    "Answer",
    "NoUsableAnswer",
    "Outbound",
    "OutboundError",
    "OutboundRefused",
    "Policy",
    "check_peer",
    "check_url",
    "effective_url",
]


@dataclass(frozen=True)
class Policy(outbound.OutboundPolicy):
    """The shared outbound policy, with the wallet's limits (issuers' answers can be larger
    than a status list)."""

    max_bytes: int = 2 * 1024 * 1024
    timeout: float = 5.0


def effective_url(url: str, policy: Policy) -> str:
    """``url`` as it will be requested (``servicekit.outbound.local_demo_url``)."""
    return outbound.local_demo_url(url, policy)


def check_url(url: str, policy: Policy) -> None:
    """OutboundRefused unless ``policy`` allows a request to ``url`` (already effective)."""
    outbound.check_url(url, policy)


def check_peer(url: str, peer: object, policy: Policy) -> None:
    """NoUsableAnswer unless the address connected to is allowed (DNS rebinding)."""
    outbound.check_peer(url, peer, policy)
