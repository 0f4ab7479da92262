"""servicekit.fetch_cache: lifetimes within bounds, one fetch for many, retries within the
budget, a bounded size, refresh ahead. The origin is a counting function; the clock is moved
by hand (nothing here is timed)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from servicekit.fetch_cache import Answered, FetchCache, Fetched, max_age
from servicekit.outbound import OutboundRefused

URL = "https://host.example/did.json"
BOUNDED_WAIT_S = 10  # a bound on a wait that ends at once when the code is right


class Origin:
    """Counts calls; answers ``body v<version>`` with ``said`` as max-age; fails
    ``failures`` times first (with ``error``); can hold every call until ``release``."""

    def __init__(self, said: float | None = None) -> None:
        self.calls: list[str] = []
        self.version = 0
        self.said = said
        self.failures = 0
        self.error: Exception = OSError("connection reset")
        self.release: threading.Event | None = None
        self.lock = threading.Lock()

    def __call__(self, url: str, left: float) -> Fetched:
        with self.lock:
            self.calls.append(url)
            failing = self.failures > 0
            self.failures -= failing
        if self.release is not None:
            self.release.wait(BOUNDED_WAIT_S)
        if failing:
            raise self.error
        return Fetched(f"{url} v{self.version}".encode(), self.said)


def cache_of(origin: Origin, now: list[float], **bounds: float) -> FetchCache:
    values: dict[str, float] = {"ceiling": 60.0, "floor": 0.0} | bounds
    return FetchCache(
        origin,
        ceiling=values["ceiling"],
        floor=values["floor"],
        clock=lambda: now[0],
        sleep=lambda _s: None,
    )


def test_reused_within_its_lifetime_then_fetched_again() -> None:
    origin, now = Origin(), [1000.0]
    cache = cache_of(origin, now)
    assert cache(URL) == f"{URL} v0".encode()
    origin.version = 1
    now[0] += 59
    assert cache(URL) == f"{URL} v0".encode()
    now[0] += 2
    assert cache(URL) == f"{URL} v1".encode()  # a change (a revocation) shows after the ceiling
    assert len(origin.calls) == 2


@pytest.mark.parametrize(
    ("said", "floor", "ceiling", "lifetime"),
    [
        (None, 5, 60, 60),  # the host says nothing: the operator's ceiling
        (10, 5, 60, 10),  # the host's max-age, within the bounds
        (3600, 5, 60, 60),  # a long max-age is cut to the ceiling (the revocation latency)
        (0, 5, 60, 5),  # no-cache / max-age=0 under load: kept for the floor
        (10, 5, 0, 0),  # ceiling 0: nothing is kept
    ],
)
def test_the_hosts_max_age_is_respected_within_the_bounds(
    said: float | None, floor: float, ceiling: float, lifetime: float
) -> None:
    origin, now = Origin(said), [0.0]
    cache = cache_of(origin, now, floor=floor, ceiling=ceiling)
    assert cache.lifetime(said) == lifetime
    cache(URL)
    now[0] = lifetime / 2  # before a refresh ahead would start
    cache(URL)
    expected = 1 if lifetime > 0 else 2
    assert len(origin.calls) == expected
    now[0] = lifetime + 0.5
    cache(URL)
    assert len(origin.calls) == expected + 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=30", 30.0),
        ("public, max-age=120", 120.0),
        ('max-age="7", must-revalidate', 7.0),
        ("no-cache", 0.0),
        ("no-store, max-age=600", 0.0),
        ("s-maxage=600", None),
        ("public", None),
        ("max-age=abc", None),
    ],
)
def test_max_age_reads_cache_control(header: str, seconds: float | None) -> None:
    assert max_age({"Cache-Control": header}) == seconds
    assert max_age({"cache-control": header}) == seconds
    assert max_age({"Content-Type": "application/json"}) is None


def test_many_concurrent_misses_make_one_fetch() -> None:
    origin, now = Origin(), [0.0]
    origin.release = threading.Event()
    cache = cache_of(origin, now)
    bodies: list[bytes] = []

    def verify() -> None:
        bodies.append(cache(URL))

    threads = [threading.Thread(target=verify) for _ in range(20)]
    for thread in threads:
        thread.start()
    threading.Event().wait(0.3)  # let the others arrive while the first fetch is held
    origin.release.set()
    for thread in threads:
        thread.join(BOUNDED_WAIT_S)
    assert bodies == [f"{URL} v0".encode()] * 20
    assert len(origin.calls) == 1


def test_a_failure_is_shared_by_the_waiters_and_not_kept() -> None:
    origin, now = Origin(), [0.0]
    origin.failures, origin.error = 1, Answered("HTTP 404")
    cache = cache_of(origin, now)
    with pytest.raises(Answered):
        cache(URL)
    assert cache(URL) == f"{URL} v0".encode()  # asked again: the failure was not kept
    assert len(origin.calls) == 2


def test_a_fetch_failing_once_is_retried() -> None:
    origin, now = Origin(), [0.0]
    origin.failures = 1  # a host dropping one request under load
    assert cache_of(origin, now)(URL) == f"{URL} v0".encode()
    assert len(origin.calls) == 2


@pytest.mark.parametrize(
    "error", [Answered("HTTP 404"), OutboundRefused("not allowed")], ids=["answered", "refused"]
)
def test_a_definite_answer_or_a_refusal_is_not_retried(error: Exception) -> None:
    origin, now = Origin(), [0.0]
    origin.failures, origin.error = 5, error
    with pytest.raises(type(error)):
        cache_of(origin, now)(URL)
    assert len(origin.calls) == 1


def test_retries_end_within_the_budget() -> None:
    origin, ticks = Origin(), [0.0]
    origin.failures = 100
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        ticks[0] += seconds

    cache = FetchCache(
        origin, ceiling=60, budget=0.2, monotonic=lambda: ticks[0], sleep=sleep, clock=lambda: 0
    )
    with pytest.raises(OSError):
        cache(URL)
    assert sum(slept) <= 0.2
    assert len(origin.calls) == len(slept) + 1


def test_size_is_bounded_least_recently_used_first() -> None:
    origin, now = Origin(), [0.0]
    cache = FetchCache(origin, ceiling=60, max_entries=2, clock=lambda: now[0])
    for name in ("a", "b", "a", "c", "a", "b"):  # c pushes out b (a was used since)
        cache(f"https://x/{name}")
    assert origin.calls == ["https://x/a", "https://x/b", "https://x/c", "https://x/b"]


def test_a_busy_entry_is_refreshed_ahead_in_the_background() -> None:
    origin, now = Origin(), [0.0]
    cache = cache_of(origin, now)
    cache(URL)
    origin.version = 1
    now[0] = 50.0  # past REFRESH_AT of its 60 s: still served, and refreshed behind
    assert cache(URL) == f"{URL} v0".encode()
    wait_for(lambda: cache(URL) == f"{URL} v1".encode())
    assert len(origin.calls) == 2


def wait_for(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(BOUNDED_WAIT_S * 100):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("the condition never held")
