"""Fetched documents kept for a while: :class:`FetchCache`, a ``url -> bytes`` callable.

A verifier under load checks many credentials of a few issuers: the same DID documents,
controller documents and status lists again and again. Fetching each one per verification
costs the issuer a request and the verifier a wait, and under load those waits time out
and a valid credential reads *could not check*. A ``FetchCache`` in front of the fetch:

- **keeps** a successful answer for its lifetime: the document's own ``Cache-Control``
  ``max-age`` (``no-store`` / ``no-cache``: 0; ``s-maxage`` is a shared cache's and is
  ignored; no header: ``ceiling``), held within the operator's bounds
  ``[floor, ceiling]``. The ceiling is what bounds staleness: for status lists it is the
  revocation latency the operator chose. ``ceiling`` 0 keeps nothing.
- is **bounded**: at most ``max_entries`` documents; the least recently used goes first.
- fetches **once for many**: callers asking for a URL that is being fetched wait for that
  fetch and share its outcome, body or error (single flight).
- **refreshes ahead**: once an entry has lived ``REFRESH_AT`` of its lifetime, the first
  caller to see it starts one fetch in the background and everyone keeps the entry
  meanwhile, so a busy document is never missing (nor older than its lifetime).
- **retries** a failed fetch within ``budget`` seconds of its first try (pauses of
  ``PAUSES``), unless ``retry(error)`` says asking again cannot help (a policy refusal,
  a 404): a host that drops one request under load does not turn a valid credential into
  *could not check*. Failures are never kept.

``outside`` wraps every wait for the network (a fetch, a wait for another caller's fetch):
:meth:`servicekit.cpu_lane.CpuLane.outside`, so a miss does not hold a CPU lane.

The origin is ``Callable[[str, float], Fetched]``: given the URL and the seconds left of
the budget (each try must end by then: ``servicekit.fetching.send`` under a policy with
that ``timeout``), the body and the ``max-age`` it came with (:func:`max_age` reads the
header). ``clock`` measures lifetimes (tests move it);
``monotonic`` measures the retry budget.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from servicekit.outbound import OutboundRefused

REFRESH_AT = 0.75
"""The share of an entry's lifetime after which a use of it starts a background refresh."""
PAUSES = (0.05, 0.25)
"""Pauses between tries of a failed fetch (each cut to what is left of the budget)."""


@dataclass(frozen=True)
class Fetched:
    """A fetched document: its body and the ``max-age`` it came with (None: none said)."""

    body: bytes
    max_age: float | None = None


class Answered(Exception):
    """The host answered, and not with the document (e.g. HTTP 404): asking again will not
    help, so the cache does not retry. Raised by an origin."""


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:[=,]|$)", re.IGNORECASE)


def max_age(headers: Mapping[str, str]) -> float | None:
    """The seconds a response's ``Cache-Control`` lets it be reused (RFC 9111 §5.2.2.1,
    §5.2.2.4-5: ``no-store`` / ``no-cache`` -> 0), or None when it does not say."""
    value = next((v for k, v in headers.items() if k.lower() == "cache-control"), None)
    if value is None:
        return None
    if _NO_STORE.search(value):
        return 0.0
    found = _MAX_AGE.search(value)
    return float(found.group(1)) if found else None


def retry_unless_answered(error: Exception) -> bool:
    """The default ``retry``: everything but a policy refusal or a definite answer."""
    return not isinstance(error, OutboundRefused | Answered)


@dataclass
class _Entry:
    body: bytes
    stored: float
    lifetime: float


class _Flight:
    """One fetch in progress; its waiters read ``body`` or ``error`` once ``done`` is set."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.body: bytes | None = None
        self.error: Exception | None = None


class FetchCache:
    """``url -> bytes`` through a bounded, lifetime-respecting, single-flight cache."""

    def __init__(
        self,
        origin: Callable[[str, float], Fetched],
        *,
        ceiling: float,
        floor: float = 0.0,
        max_entries: int = 1000,
        budget: float = 5.0,
        retry: Callable[[Exception], bool] = retry_unless_answered,
        clock: Callable[[], float] = time.monotonic,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        outside: Callable[[Callable[[], object]], object] = lambda wait: wait(),
    ) -> None:
        self._origin = origin
        self._ceiling = max(0.0, ceiling)
        self._floor = min(max(0.0, floor), self._ceiling)
        self._max = max_entries
        self._budget = budget
        self._retry = retry
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._outside = outside
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()

    def lifetime(self, said: float | None) -> float:
        """How long a document whose host said ``max-age=said`` (None: nothing) is kept."""
        return self._ceiling if said is None else min(max(said, self._floor), self._ceiling)

    def __call__(self, url: str) -> bytes:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and now - entry.stored < entry.lifetime:
                self._entries.move_to_end(url)
                if now - entry.stored >= REFRESH_AT * entry.lifetime and url not in self._flights:
                    flight = self._flights[url] = _Flight()
                    threading.Thread(target=self._fly, args=(url, flight), daemon=True).start()
                return entry.body
            joined = self._flights.get(url)
            leader = joined is None
            flight = self._flights[url] = _Flight() if joined is None else joined
        if leader:
            self._outside(lambda: self._fly(url, flight))
        else:  # the leader ends within its budget
            self._outside(lambda: flight.done.wait(self._budget + 1.0))
        if flight.error is not None:
            raise flight.error
        if flight.body is None:
            raise TimeoutError(f"fetching {url} did not end within {self._budget} s")
        return flight.body

    def _fly(self, url: str, flight: _Flight) -> None:
        try:
            answer = self._with_retries(url)
            flight.body = answer.body
            self._keep(url, answer)
        except Exception as exc:  # shared with the waiters, raised to each of them
            flight.error = exc
        finally:
            with self._lock:
                self._flights.pop(url, None)
            flight.done.set()

    def _with_retries(self, url: str) -> Fetched:
        ends = self._monotonic() + self._budget
        pauses: Iterable[float] = PAUSES
        for pause in (*pauses, None):
            try:
                return self._origin(url, max(ends - self._monotonic(), 0.001))
            except Exception as exc:
                left = ends - self._monotonic()
                if pause is None or not self._retry(exc) or left <= pause:
                    raise
            self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _keep(self, url: str, answer: Fetched) -> None:
        lifetime = self.lifetime(answer.max_age)
        if lifetime <= 0:
            return
        with self._lock:
            self._entries[url] = _Entry(answer.body, self._clock(), lifetime)
            self._entries.move_to_end(url)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
