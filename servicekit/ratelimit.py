"""Rate limits: an in-process sliding window per key (an address, a request id, an account).

::

    per_address = SlidingWindowLimiter(limit=10, window_seconds=60)
    wait = per_address.hit("203.0.113.7")   # None: go ahead; else seconds until a retry
    if wait is not None:
        ...answer 429 with Retry-After: ceil(wait)   (RFC 6585 §4)

Each key keeps the times of its recent hits; a hit while ``limit`` of them fall inside the
last ``window_seconds`` is refused (and not counted), and the answer says how long until the
oldest leaves the window. The clock is injectable (tests freeze it; the default is
monotonic). The state is per process: a deployment with several workers allows that many
times the limit, which still bounds the work. At most ``max_keys`` keys are kept (the least
recently hit dropped first), so a flood of distinct keys cannot exhaust memory.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


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
