"""The issuer's one road to the network: requests to a learner's Open Badges host (its
discovery document, registration, token and ``upsertCredential`` endpoints).

The operator decides what may be reached (:class:`Policy`, the shared
:mod:`servicekit.outbound` policy with the issuer's limits), exactly as for the wallet
(:mod:`wallet.outbound`): https only (plain http to loopback only with
``allow_http_localhost``), no private addresses unless ``allow_private`` (a URL a learner
types must not turn the issuer into a probe of its own network), no redirects, at most
``max_bytes`` read and ``timeout`` seconds in all (:func:`servicekit.fetching.send`); every
failure on the network reads the same (:class:`NoUsableAnswer`).

Tests pass an httpx ``transport`` that routes to in-process apps (the real wallet app); the
URL policy still applies.
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

__all__ = ["Answer", "NoUsableAnswer", "Outbound", "OutboundError", "OutboundRefused", "Policy"]


@dataclass(frozen=True)
class Policy(outbound.OutboundPolicy):
    """The shared outbound policy with the issuer's limits (a host's answers are small)."""

    max_bytes: int = 1024 * 1024
    timeout: float = 5.0


@dataclass(frozen=True)
class Answer(fetching.Answer):
    """An answer, read whole (within the limit)."""

    def json(self) -> Any:
        """The body as JSON; OutboundError when it is not JSON."""
        try:
            return parse_json(self.body.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            raise OutboundError(f"{outbound.shown(self.url)} did not answer with JSON") from exc


class Outbound:
    """The outbound client. ``transport``: tests only (an in-process app)."""

    def __init__(self, policy: Policy, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self._transport = transport

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("GET", url, headers=headers)

    def post_form(
        self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Answer:
        return self.request("POST", url, data=dict(form), headers=headers)

    def post_json(self, url: str, body: Any, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("POST", url, json_body=body, headers=headers)

    def post_text(self, url: str, text: str, *, headers: Mapping[str, str] | None = None) -> Answer:
        """POST ``text/plain`` (a compact JWS to ``upsertCredential``)."""
        sent = {**(headers or {}), "Content-Type": "text/plain"}
        return self.request("POST", url, content=text.encode("utf-8"), headers=sent)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
    ) -> Answer:
        """One request under the policy; the whole answer (any status) or OutboundError."""
        got = fetching.send(
            self.policy, method, url, headers=headers, data=data, json_body=json_body,
            content=content, transport=self._transport,
        )  # fmt: skip
        return Answer(got.url, got.status, got.headers, got.body)
