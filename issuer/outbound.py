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

from dataclasses import dataclass

from servicekit import outbound
from servicekit.http_client import Answer, Outbound
from servicekit.outbound import NoUsableAnswer, OutboundError, OutboundRefused

__all__ = ["Answer", "NoUsableAnswer", "Outbound", "OutboundError", "OutboundRefused", "Policy"]


@dataclass(frozen=True)
class Policy(outbound.OutboundPolicy):
    """The shared outbound policy with the issuer's limits (a host's answers are small)."""

    max_bytes: int = 1024 * 1024
    timeout: float = 5.0
