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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from servicekit import fetching, outbound
from servicekit.outbound import NoUsableAnswer, OutboundError, OutboundRefused
from vckit.document import parse_json
from vckit.errors import InputError

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


@dataclass(frozen=True)
class Answer(fetching.Answer):
    """An answer, read whole (within the limit), with what the wallet reads of it."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; OutboundError when it is not JSON."""
        try:
            return parse_json(self.body.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            raise OutboundError(f"{self.url} did not answer with JSON") from exc


def effective_url(url: str, policy: Policy) -> str:
    """``url`` as it will be requested (``servicekit.outbound.local_demo_url``)."""
    return outbound.local_demo_url(url, policy)


def check_url(url: str, policy: Policy) -> None:
    """OutboundRefused unless ``policy`` allows a request to ``url`` (already effective)."""
    outbound.check_url(url, policy)


def check_peer(url: str, peer: object, policy: Policy) -> None:
    """NoUsableAnswer unless the address connected to is allowed (DNS rebinding)."""
    outbound.check_peer(url, peer, policy)


class Outbound:
    """The outbound client. ``transport``: tests only (an in-process ASGI/WSGI route)."""

    def __init__(self, policy: Policy, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self._transport = transport

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("GET", url, headers=headers)

    def post_form(
        self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Answer:
        """POST ``application/x-www-form-urlencoded`` (OpenID4VCI token, OpenID4VP
        direct_post)."""
        return self.request("POST", url, data=dict(form), headers=headers)

    def post_json(self, url: str, body: Any, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("POST", url, json_body=body, headers=headers)

    def fetch(self, url: str) -> bytes:
        """``url -> bytes`` for vckit's DidResolver and status list checks: GET, HTTP 200
        only, else NoUsableAnswer."""
        answer = self.get(url, headers={"Accept": "application/json"})
        if answer.status != 200:
            raise fetching.no_usable_answer(answer.url, f"answered HTTP {answer.status}")
        return answer.body

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Answer:
        """One request under the policy; the whole answer (any status) or OutboundError."""
        got = fetching.send(
            self.policy, method, url, headers=headers, data=data, json_body=json_body,
            transport=self._transport,
        )  # fmt: skip
        return Answer(got.url, got.status, got.headers, got.body)
