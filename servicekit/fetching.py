"""One request under the outbound policy (:mod:`servicekit.outbound`): :func:`send`.

Every request of every service that goes to an address a user named (a did:web document, a
status list, a pasted link, an issuer's or a verifier's endpoint):

- is checked against the policy first (``check_url``), its https-to-loopback local-demo
  downgrade applied (``local_demo_url``);
- follows no redirects; once connected, the address connected to is checked again
  (``check_peer``) before any byte of the answer is read;
- ends by one deadline, ``policy.timeout`` seconds after it started, whatever the host does
  (:class:`servicekit.deadline.DeadlineTransport`: a host trickling one byte a second, in
  its headers or its body, is cut off then), and reads at most ``policy.max_bytes``;
- fails with :class:`~servicekit.outbound.NoUsableAnswer` whatever went wrong on the way (no
  connection, a timeout, a limit, a refused peer): its message does not tell a closed port
  from an open one. The real reason is logged here, at WARNING, under ``servicekit.fetching``
  (the URL cut by :func:`servicekit.logs.scrub`: no query string, no secret-looking segment).

``transport``: tests only (an in-process app); the policy's URL check still applies, but
there is no socket, so neither the connected-address check nor the deadline transport.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from servicekit.deadline import DeadlineTransport
from servicekit.logs import scrub
from servicekit.outbound import (
    NoUsableAnswer,
    OutboundPolicy,
    check_peer,
    check_url,
    local_demo_url,
    peer_of,
)

log = logging.getLogger("servicekit.fetching")


@dataclass(frozen=True)
class Answer:
    """An answer, read whole (within the limit)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


def no_usable_answer(url: str, reason: str) -> NoUsableAnswer:
    """The error to raise (and the real reason, logged)."""
    event = scrub(f"fetching {url}: no usable answer: {reason}")  # no query, no secret path
    log.warning("no usable answer", extra={"event": event})
    return NoUsableAnswer(url, reason)


def send(
    policy: OutboundPolicy,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    json_body: Any = None,
    content: bytes | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Answer:
    """One request under ``policy``: the whole answer (any status), OutboundRefused before
    anything is sent, or NoUsableAnswer."""
    deadline = time.monotonic() + policy.timeout
    url = local_demo_url(url, policy)
    try:
        check_url(url, policy)
    except NoUsableAnswer as exc:
        raise no_usable_answer(url, exc.reason) from None
    extra: dict[str, Any] = {}
    if data is not None:
        extra["data"] = data
    if json_body is not None:
        extra["json"] = json_body
    if content is not None:
        extra["content"] = content
    body = bytearray()
    try:
        with (
            httpx.Client(
                timeout=policy.timeout,
                follow_redirects=False,
                transport=transport or DeadlineTransport(deadline),
                trust_env=False,
            ) as client,
            client.stream(method, url, headers=dict(headers or {}), **extra) as response,
        ):
            if transport is None:
                _check_peer(url, peer_of(response), policy)
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > policy.max_bytes:
                    raise no_usable_answer(url, f"sent more than {policy.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise no_usable_answer(url, f"took longer than {policy.timeout} s in all")
            return Answer(url, response.status_code, dict(response.headers), bytes(body))
    except (httpx.HTTPError, OSError) as exc:
        raise no_usable_answer(url, f"{type(exc).__name__}: {exc}") from None


def _check_peer(url: str, peer: object, policy: OutboundPolicy) -> None:
    try:
        check_peer(url, peer, policy)
    except NoUsableAnswer as exc:
        raise no_usable_answer(url, exc.reason) from None
