"""Stateless verification leaves the event loop once, for the verification itself, in the
verifier's CPU lane (:meth:`servicekit.cpu_lane.CpuLane.call`). FastAPI runs a plain ``def``
dependency in its thread pool: the door of the public route and the verifier dependency were
two such hand-overs, and the verification a third, on every request."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from tests.verifier.conftest import issue


def test_a_stateless_verification_uses_no_generic_thread_pool(
    verifier: TestClient, issuer: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    credential = issue(issuer, "community-college", "fundamentals-of-nursing-1")
    body = {"verifiableCredential": credential}
    assert verifier.post("/credentials/verify", json=body).status_code == 200  # caches warm
    handed: list[str] = []
    lanes: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        called = work.func if isinstance(work, functools.partial) else work
        if called.__module__.startswith("verifier."):  # not the in-process issuer's
            handed.append(called.__qualname__)
        return await run_sync(work, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    lane = verifier.app.state.inst.verification.lane  # type: ignore[attr-defined]
    monkeypatch.setattr(lane, "run", _noting(lane.run, lanes))
    answer = verifier.post("/credentials/verify", json=body)
    assert answer.status_code == 200 and answer.json()["verified"] is True
    assert handed == []  # no dependency, nor the verification, went to FastAPI's pool
    assert lanes and all(name.startswith("cpu-lane") for name in lanes)  # its own threads


def _noting(run: Callable[..., Any], threads: list[str]) -> Callable[..., Any]:
    def noted(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return run(*args, **kwargs)

    return noted
