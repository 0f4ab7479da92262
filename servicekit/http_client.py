"""The outbound HTTP client every service that calls out uses: one request under the
service's :class:`servicekit.outbound.OutboundPolicy`, sent by :func:`servicekit.fetching.send`
(no redirects, a size cap, one total deadline, the connected address checked), the whole
answer back (any status) or an :class:`~servicekit.outbound.OutboundError`.

::

    client = Outbound(policy, transport=None)       # transport: tests' in-process apps
    answer = client.get(url, headers=...)           # Answer: url, status, headers, body
    answer.json(); answer.content_type
    client.post_form(url, form); client.post_json(url, body); client.post_text(url, text)
    client.fetch(url)                               # bytes of a 200, for vckit's resolvers

Each service names its limits in its own ``outbound.py`` (a :class:`Policy` subclass) and
re-exports this client: the wallet (issuers, verifiers, other Open Badges hosts) and the
issuer (a learner's Open Badges host).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from servicekit import fetching, outbound
from servicekit.outbound import OutboundError
from vckit.document import parse_json
from vckit.errors import InputError

__all__ = ["Answer", "Outbound"]


@dataclass(frozen=True)
class Answer(fetching.Answer):
    """An answer, read whole (within the limit)."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON (read as every other input is: :func:`vckit.document.parse_json`);
        OutboundError when it is not JSON."""
        try:
            return parse_json(self.body.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            raise OutboundError(f"{outbound.shown(self.url)} did not answer with JSON") from exc


class Outbound:
    """The outbound client. ``transport``: tests only (an in-process ASGI/WSGI route; the URL
    policy still applies, the connected-address check has no socket to look at)."""

    def __init__(
        self, policy: outbound.OutboundPolicy, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.policy = policy
        self._transport = transport

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("GET", url, headers=headers)

    def post_form(
        self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Answer:
        """POST ``application/x-www-form-urlencoded`` (OAuth and OpenID4VCI token requests,
        OpenID4VP ``direct_post``)."""
        return self.request("POST", url, data=dict(form), headers=headers)

    def post_json(self, url: str, body: Any, *, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("POST", url, json_body=body, headers=headers)

    def post_text(self, url: str, text: str, *, headers: Mapping[str, str] | None = None) -> Answer:
        """POST ``text/plain`` (a compact JWS to ``upsertCredential``)."""
        sent = {**(headers or {}), "Content-Type": "text/plain"}
        return self.request("POST", url, content=text.encode("utf-8"), headers=sent)

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
        content: bytes | None = None,
    ) -> Answer:
        """One request under the policy; the whole answer (any status) or OutboundError."""
        got = fetching.send(
            self.policy, method, url, headers=headers, data=data, json_body=json_body,
            content=content, transport=self._transport,
        )  # fmt: skip
        return Answer(got.url, got.status, got.headers, got.body)
