"""Use case: how many answers the verifier reads, per client address and per request.

Every answer costs a verification (signatures, DID documents, status lists), and a request's
id is known to anyone who saw its link. :class:`AnswerLimits` bounds that work: at most
``Settings.answer_limit_per_address`` answers from one client address and
``Settings.answer_limit_per_request`` answers to one request in any
``Settings.answer_limit_window`` seconds, counted in the database for every process of the
verifier (:class:`servicekit.shared_ratelimit.SharedWindowLimiter`; without a database, in
process: :class:`servicekit.ratelimit.SlidingWindowLimiter`). Past either,
:class:`~verifier.errors.TooManyAnswersError` (the routes answer 429 with ``Retry-After``);
nothing is read, verified or stored, and the request stays open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from servicekit.db import Database
from servicekit.ratelimit import SlidingWindowLimiter
from servicekit.shared_ratelimit import SharedWindowLimiter
from verifier.errors import TooManyAnswersError
from verifier.settings import Settings


@dataclass(frozen=True)
class AnswerLimits:
    per_address: SlidingWindowLimiter | SharedWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(
            Settings.answer_limit_per_address, Settings.answer_limit_window
        )
    )
    per_request: SlidingWindowLimiter | SharedWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(
            Settings.answer_limit_per_request, Settings.answer_limit_window
        )
    )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
        db: Database | None = None,
    ) -> AnswerLimits:
        window = settings.answer_limit_window
        if db is not None:
            return cls(
                SharedWindowLimiter(db, "answers-address", settings.answer_limit_per_address,
                                    window, clock=clock),
                SharedWindowLimiter(db, "answers-request", settings.answer_limit_per_request,
                                    window, clock=clock),
            )  # fmt: skip
        return cls(
            SlidingWindowLimiter(settings.answer_limit_per_address, window, clock=clock),
            SlidingWindowLimiter(settings.answer_limit_per_request, window, clock=clock),
        )

    def check_address(self, address: str) -> None:
        """One more answer from ``address``, or :class:`TooManyAnswersError`."""
        wait = self.per_address.hit(address)
        if wait is not None:
            raise TooManyAnswersError("too many answers from this address", wait)

    def check_request(self, request_id: str) -> None:
        """One more answer to the request, or :class:`TooManyAnswersError`."""
        wait = self.per_request.hit(request_id)
        if wait is not None:
            raise TooManyAnswersError("too many answers to this request", wait)
