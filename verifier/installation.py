"""One verifier installation: the database, settings, the verification (fetch, registry,
status cache), the clock and the limits on answers (:mod:`verifier.jobs.answer_limits`).

``app.py`` builds it once; tests build it with an in-process fetch and a frozen clock.
Use-case modules (jobs, delivery, views) take it as their first argument instead of
reading globals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from servicekit.db import Database
from vckit.protocols.oid4vp import redirect_uri_client_id
from verifier.checking.fetch import FetchPolicy
from verifier.checking.verification import Verifier, fetch_policy
from verifier.jobs.answer_limits import AnswerLimits
from verifier.settings import Settings

RESPONSE_PATH = "/oid4vp/response"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Installation:
    db: Database
    settings: Settings
    verification: Verifier
    clock: Callable[[], datetime] = utc_now
    answer_limits: AnswerLimits = field(default_factory=AnswerLimits)

    @property
    def base_url(self) -> str:
        """The verifier's public base URL, as configured."""
        return self.settings.base_url

    @property
    def lifetime(self) -> timedelta:
        """How long a presentation request (its nonce) stays usable."""
        return timedelta(seconds=self.settings.request_lifetime_seconds)

    @property
    def fetch_policy(self) -> FetchPolicy:
        """What the operator lets the verifier reach (did:web, status lists, webhooks)."""
        return fetch_policy(self.settings)

    def now(self) -> datetime:
        return self.clock()

    def stamp(self) -> str:
        """Now as a stored timestamp (ISO 8601)."""
        return self.clock().isoformat()

    @property
    def response_uri(self) -> str:
        return self.base_url.rstrip("/") + RESPONSE_PATH

    @property
    def client_id(self) -> str:
        return redirect_uri_client_id(self.response_uri)
