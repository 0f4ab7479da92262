"""While one write waits for SQLite's write lock, the rest of the process keeps answering
(issue 15). A write may wait up to ``write_wait`` seconds for the lock; an ``async def`` route
that reached the database on the event loop stalled every other request of the process for
that long, ``/readyz`` included (and ``/readyz`` itself waited for the write lock). Routes
that reach the database are plain ``def`` (FastAPI's thread pool) or hand that work to a
thread; ``/readyz`` reads without the write lock.

A real server (uvicorn, in a thread of this process, on a free port) and another program
holding the lock (a plain sqlite3 connection in ``BEGIN IMMEDIATE``). A write is sent; then,
while it still waits, ``/readyz`` and a read answer, again and again; the write ends only
once the lock is let go. The order is asserted, not a duration: the bound on each read (a
few seconds, far below the writer's wait) only keeps a failure short.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.issuer.conftest import TOKEN, AppFactory
from tests.issuer.web.test_pages import csrf_of
from tests.processes import free_port

AUTH = {"Authorization": f"Bearer {TOKEN}"}
READS = ("/readyz", "/issuers/community-college/did.json")
ROUNDS = 8
READ_BOUND = 5.0  # seconds; the writer waits up to WRITE_WAIT
WRITE_WAIT = 30.0


@pytest.fixture
def served(issuer_app: AppFactory, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The issuer on a SQLite file, served by uvicorn in a thread: its URL and the file."""
    path = tmp_path / "issuer.db"
    app: FastAPI = issuer_app(database_url=f"sqlite:///{path}", write_wait=WRITE_WAIT)
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}", path
    finally:
        server.should_exit = True
        thread.join(10)


def _status_change(url: str) -> Callable[[], httpx.Response]:
    """A revocation over the VC-API (``POST /credentials/status``): writes."""
    issued = httpx.post(
        f"{url}/issuers/community-college/credentials",
        json={"achievement": "fundamentals-of-nursing-1", "recipient": {"did": "did:example:x"}},
        headers=AUTH,
        timeout=30,
    )
    assert issued.status_code == 201, issued.text
    body = {
        "credentialId": issued.json()["id"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    return lambda: httpx.post(f"{url}/credentials/status", json=body, headers=AUTH, timeout=60)


def _wrong_sign_in(url: str) -> Callable[[], httpx.Response]:
    """The staff sign-in form with a wrong token (``POST /sign-in``): the failure is counted
    in the database."""
    page = httpx.get(f"{url}/sign-in", timeout=30)
    cookie = "; ".join(f"{name}={value}" for name, value in page.cookies.items())
    form = {"csrf": csrf_of(page.text), "token": "not-the-token", "next": "/"}
    headers = {"Cookie": cookie}  # the session cookie is Secure: sent by hand over http
    return lambda: httpx.post(f"{url}/sign-in", data=form, headers=headers, timeout=60)


@pytest.mark.parametrize(
    ("write", "answer"), [(_status_change, 200), (_wrong_sign_in, 403)], ids=["status", "sign-in"]
)
def test_the_process_answers_while_a_write_waits_for_the_lock(
    served: tuple[str, Path], write: Callable[[str], Callable[[], httpx.Response]], answer: int
) -> None:
    url, path = served
    send = write(url)
    holder = sqlite3.connect(path, isolation_level=None)
    with ThreadPoolExecutor(1) as pool:
        try:
            holder.execute("BEGIN IMMEDIATE")
            waiting = pool.submit(send)
            statuses = []
            for _ in range(ROUNDS):  # the write is waiting by now (or soon): reads still answer
                for read in READS:
                    statuses.append(httpx.get(url + read, timeout=READ_BOUND).status_code)
                time.sleep(0.05)
            still_waiting = not waiting.done()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        written = waiting.result(timeout=WRITE_WAIT)
    assert statuses == [200] * (ROUNDS * len(READS))
    assert still_waiting, "the write did not wait for the lock: this test proves nothing"
    assert written.status_code == answer, written.text
