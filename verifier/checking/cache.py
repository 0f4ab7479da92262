"""A small time-bounded cache for fetched status lists.

A verifier checking many credentials of one issuer fetches the same status list again and
again; caching it for a short time saves the issuer and the verifier that work. The cost is
that a revocation is seen up to ``ttl`` seconds late, so the operator chooses ``ttl`` (0
turns the cache off). Only successful fetches are kept, at most ``max_entries`` of them
(the oldest goes first), and nothing is kept past ``ttl``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

Fetch = Callable[[str], bytes]


class TtlCache:
    def __init__(
        self, fetch: Fetch, ttl: float, clock: Callable[[], float], max_entries: int = 256
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        now = self._clock()
        with self._lock:
            found = self._entries.get(url)
            if found is not None and now - found[0] < self._ttl:
                return found[1]
        body = self._fetch(url)  # outside the lock: a slow fetch must not block the others
        with self._lock:
            self._entries[url] = (now, body)
            self._entries.move_to_end(url)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return body
