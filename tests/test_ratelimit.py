"""servicekit.ratelimit: a sliding window per key, with the wait until the next hit."""

from __future__ import annotations

import pytest

from servicekit.ratelimit import SlidingWindowLimiter, retry_after_header


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_holds_per_key_and_says_how_long_to_wait() -> None:
    ticks = Ticks()
    limiter = SlidingWindowLimiter(3, 60, clock=ticks)
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    assert limiter.hit("a") == 60.0
    assert limiter.hit("b") is None  # another key has its own window
    ticks.now += 20
    assert limiter.hit("a") == 40.0  # a refused hit is not counted
    assert retry_after_header(40.0) == {"Retry-After": "40"}
    assert retry_after_header(0.2) == {"Retry-After": "1"}


def test_the_window_slides() -> None:
    ticks = Ticks()
    limiter = SlidingWindowLimiter(2, 10, clock=ticks)
    assert limiter.hit("k") is None
    ticks.now += 6
    assert limiter.hit("k") is None
    assert limiter.hit("k") == pytest.approx(4.0)
    ticks.now += 4  # the first hit has left the window
    assert limiter.hit("k") is None
    assert limiter.hit("k") == pytest.approx(6.0)


def test_a_flood_of_keys_keeps_at_most_max_keys() -> None:
    limiter = SlidingWindowLimiter(1, 60, clock=Ticks(), max_keys=100)
    for n in range(1000):
        assert limiter.hit(f"addr-{n}") is None
    assert len(limiter._hits) == 100
    assert limiter.hit("addr-999") == 60.0  # the most recent keys are kept


def test_a_limit_needs_a_positive_limit_and_window() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 60)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0)
