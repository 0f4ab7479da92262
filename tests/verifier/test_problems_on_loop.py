"""An API error answer (problem+json) is made on the event loop: it needs no worker thread.

Starlette runs a plain ``def`` exception handler in its thread pool. Under load every
revoked credential's 422 then waited for a thread and for the interpreter lock behind the
verifications running in the CPU lane, and those answers made most of the load bench's
slowest percent. Here the thread pool has one thread and it is taken: an answer that needed
it would never come."""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from inspect import iscoroutinefunction
from pathlib import Path

import anyio
import anyio.to_thread
import httpx
import pytest

from servicekit.serve import SERVICES
from tests.verifier.conftest import VerifierFactory

JSON_AS_TEXT = {"verifiableCredential": '{"@context": []}'}  # refused with a Problem (422)


def answer_with_the_thread_pool_taken(app: object, body: dict[str, object]) -> httpx.Response:
    async def ask() -> httpx.Response:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = 1
        taken, finished = anyio.Event(), anyio.Event()

        async def hold_the_only_thread() -> None:
            async with limiter:
                taken.set()
                await finished.wait()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(hold_the_only_thread)
            await taken.wait()
            try:
                transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
                async with httpx.AsyncClient(transport=transport, base_url="http://v") as client:
                    with anyio.fail_after(10):
                        return await client.post("/credentials/verify", json=body)
            finally:
                finished.set()

    # in a thread of its own: the browser tests keep an event loop running in the main thread
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(anyio.run, ask).result(timeout=60)


def test_a_problem_answer_needs_no_worker_thread(verifier_app: VerifierFactory) -> None:
    answer = answer_with_the_thread_pool_taken(verifier_app(), JSON_AS_TEXT)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:ler:problem:unsupported-format"


def test_a_body_that_does_not_match_the_model_is_answered_without_a_thread(
    verifier_app: VerifierFactory,
) -> None:
    answer = answer_with_the_thread_pool_taken(verifier_app(), {"verifiableCredential": 7})
    assert answer.status_code == 422
    assert answer.json()["type"] == "urn:ler:problem:invalid-request"


@pytest.mark.parametrize("service", SERVICES)
def test_every_services_error_handlers_run_on_the_event_loop(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starlette sends a plain ``def`` handler to its thread pool (see the module docstring);
    a handler that needs I/O hands that part to a thread itself
    (``servicekit.app.answer_error_async``)."""
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path))
    app = importlib.import_module(f"{service}.app").create_app()
    handlers = app.exception_handlers.items()
    in_threads = [getattr(c, "__name__", c) for c, h in handlers if not iscoroutinefunction(h)]
    assert in_threads == []
