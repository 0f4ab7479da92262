"""Each fetch builds its own DeadlineTransport; the TLS context (the CA bundle, tens of
milliseconds of CPU to load) is built once per process, not once per fetch."""

from __future__ import annotations

import ssl
import time
from typing import Any

import pytest

from servicekit import deadline


def test_the_ca_bundle_is_loaded_once_for_many_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    deadline.shared_ssl_context.cache_clear()
    for _ in range(5):
        deadline.DeadlineTransport(time.monotonic() + 5)
    assert len(built) == 1
