"""Status list credentials that verified, remembered by URL and exact bytes.

A verifier checking many credentials of one issuer fetches (from its cache) the same status
list credential for each, and would verify that list's proof, key and validity again each
time: under load, as much work as the credential itself. :class:`VerifiedLists` is the
``VerifyOptions.remember_status_list`` of :class:`verifier.checking.verification.Verifier`:
a list whose URL and bytes are exactly those of one that verified within the last
``seconds`` (the status cache's time, ``LER_STATUS_CACHE``: a list is never trusted longer
than it is cached) is not verified again; anything else is, and only what verifies is kept
(at most ``max_entries`` lists, the least recently used going first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

Verify = Callable[[], Mapping[str, Any]]


class VerifiedLists:
    def __init__(self, seconds: float, clock: Callable[[], float], max_entries: int = 1000) -> None:
        self._seconds = seconds
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[bytes, float, Mapping[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, url: str, body: bytes, verify: Verify) -> Mapping[str, Any]:
        now = self._clock()
        with self._lock:
            found = self._entries.get(url)
        if found is not None and found[0] == body and now - found[1] < self._seconds:
            return found[2]
        document = verify()  # raises when the list does not verify: nothing is kept
        if self._seconds > 0:
            with self._lock:
                self._entries[url] = (body, now, document)
                self._entries.move_to_end(url)
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
        return document
