"""The status list cache: reused within its time, fetched again after, bounded in size."""

from __future__ import annotations

import pytest

from verifier.checking.cache import TtlCache


class Origin:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.version = 0

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url.endswith("/down"):
            raise OSError("unreachable")
        return f"{url} v{self.version}".encode()


def test_reused_within_ttl_then_fetched_again() -> None:
    origin, now = Origin(), [1000.0]
    cache = TtlCache(origin, ttl=60, clock=lambda: now[0])
    assert cache("https://x/1") == b"https://x/1 v0"
    origin.version = 1
    now[0] += 59
    assert cache("https://x/1") == b"https://x/1 v0"  # still within its time
    now[0] += 2
    assert cache("https://x/1") == b"https://x/1 v1"  # a revocation shows after ttl
    assert origin.calls == ["https://x/1", "https://x/1"]


def test_failures_are_not_cached() -> None:
    origin = Origin()
    cache = TtlCache(origin, ttl=60, clock=lambda: 0.0)
    for _ in range(2):
        with pytest.raises(OSError):
            cache("https://x/down")
    assert origin.calls == ["https://x/down", "https://x/down"]


def test_size_is_bounded_oldest_first() -> None:
    origin = Origin()
    cache = TtlCache(origin, ttl=60, clock=lambda: 0.0, max_entries=2)
    for url in ("https://x/a", "https://x/b", "https://x/c", "https://x/a"):
        cache(url)
    assert origin.calls == ["https://x/a", "https://x/b", "https://x/c", "https://x/a"]


def test_the_verifier_uses_the_cache_only_when_configured(tmp_path: object) -> None:
    from verifier.checking.verification import Verifier
    from verifier.settings import Settings

    origin = Origin()
    cached = Verifier(Settings(status_cache_seconds=60), fetch=origin)
    assert cached.status_fetch is not None
    cached.status_fetch("https://x/list")
    cached.status_fetch("https://x/list")
    assert origin.calls == ["https://x/list"]
    assert Verifier(Settings(), fetch=origin).status_fetch is None
