"""Rate limits: an in-process sliding window per key (an address, a request id, an account).

**Hits** (:class:`SlidingWindowLimiter`, answers per request):

::

    per_address = SlidingWindowLimiter(limit=10, window_seconds=60)
    wait = per_address.hit("203.0.113.7")   # None: go ahead; else seconds until a retry
    if wait is not None:
        ...answer 429 with Retry-After: ceil(wait)   (RFC 6585 §4)

Each key keeps the times of its recent hits; a hit while ``limit`` of them fall inside the
last ``window_seconds`` is refused (and not counted), and the answer says how long until the
oldest leaves the window. The clock is injectable (tests freeze it; the default is
monotonic). The state is per process: a deployment with several workers allows that many
times the limit; the services use :mod:`servicekit.shared_ratelimit` instead, which counts
in the database for every process. At most ``max_keys`` keys are kept (the least
recently hit dropped first), so a flood of distinct keys cannot exhaust memory.

**Failures** (:class:`FailureLimiter`, sign-in forms and token checks)

::

    limiter = limiter_of(request)           # the app's (app.state.limiter), made on first use
    keys = sign_in_keys(request, email)     # ("addr:<client>", "account:<email>")
    limiter.check(keys, now)          # raises TooManyFailures (Retry-After seconds) when over
    ... the check fails ...
    limiter.failed(keys, now)         # counts one failure under each key

Each key (an address, an account, a token prefix) keeps the times of its recent failures;
once ``max_failures`` fall inside ``window``, :meth:`FailureLimiter.check` refuses until the
oldest of them leaves the window. A success does not reset the count (an attacker who
knows one password must not be able to clear the counter of another account). The state is
per process; the services' apps set ``app.state.limiter`` to
:class:`servicekit.shared_ratelimit.SharedFailureLimiter`, counted in the database. At most
``max_keys`` keys are kept (the oldest dropped first), so a flood of addresses cannot
exhaust memory.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Protocol

from fastapi import Request

from servicekit.problems import Problem


def retry_after_header(wait: float) -> dict[str, str]:
    """The ``Retry-After`` header (whole seconds, at least 1) for a wait :meth:`hit` gave."""
    return {"Retry-After": str(max(1, math.ceil(wait)))}


class SlidingWindowLimiter:
    """At most ``limit`` hits per key in any ``window_seconds``."""

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window = float(window_seconds)
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count a hit for ``key``: None when it is within the limit, else the seconds until
        one more would be (the hit is then not counted)."""
        now = self._clock()
        with self._lock:
            times = self._hits.pop(key, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            wait: float | None = None
            if len(times) >= self.limit:
                wait = max(times[0] + self.window - now, 0.0)
            else:
                times.append(now)
            self._hits[key] = times  # the most recently hit is last
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return wait


MAX_FAILURES = 10
WINDOW = timedelta(minutes=5)


class TooManyFailures(Problem):
    """429 problem+json with ``Retry-After`` (RFC 6585 §4)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            "Too many attempts",
            f"too many failed attempts; try again in {retry_after} seconds",
            "rate-limited",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class FailureLimiter:
    def __init__(
        self, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW, max_keys: int = 10_000
    ) -> None:
        self.max_failures = max_failures
        self.window = window.total_seconds()
        self.max_keys = max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, keys: Iterable[str], now: datetime) -> int | None:
        """Seconds until a key over the limit may try again; None when none is over."""
        at = now.timestamp()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, at)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[-self.max_failures] + self.window - at)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def check(self, keys: Iterable[str], now: datetime) -> None:
        """Raise :class:`TooManyFailures` when any key is over the limit."""
        wait = self.retry_after(keys, now)
        if wait is not None:
            raise TooManyFailures(wait)

    def failed(self, keys: Iterable[str], now: datetime) -> None:
        at = now.timestamp()
        with self._lock:
            for key in keys:
                times = self._recent(key, at)
                times.append(at)
                self._failures[key] = times
                self._failures.move_to_end(key)
                while len(self._failures) > self.max_keys:
                    self._failures.popitem(last=False)


class FailureCounter(Protocol):
    """What counts failures: :class:`FailureLimiter` (one process) or
    :class:`servicekit.shared_ratelimit.SharedFailureLimiter` (every process, the database)."""

    def check(self, keys: Iterable[str], now: datetime) -> None: ...

    def failed(self, keys: Iterable[str], now: datetime) -> None: ...


def limiter_of(request: Request) -> FailureCounter:
    """The app's one failure counter (``app.state.limiter``: each service's app sets the
    shared one; else a :class:`FailureLimiter` made on first use)."""
    state = request.app.state
    limiter: FailureCounter | None = getattr(state, "limiter", None)
    if limiter is None:
        limiter = state.limiter = FailureLimiter()
    return limiter


def sign_in_keys(request: Request, account: str) -> tuple[str, ...]:
    """The keys a failed sign-in counts under: the client's address and the account."""
    address = request.client.host if request.client else "unknown"
    return (f"addr:{address}", f"account:{account.strip().lower()[:254]}")


def address_key(request: Request) -> tuple[str]:
    """The key a wrong API token counts under: the client's address."""
    return (f"addr:{request.client.host if request.client else 'unknown'}",)
