"""Three verifier processes on one database (one SQLite file; one PostgreSQL database) and a
real webhook receiver on 127.0.0.1 that counts what it gets.

- Nothing crashes: results stored while the three deliverers run are each delivered exactly
  once, every delivery carrying ``Idempotency-Key: <response id>``.
- A process is killed (SIGKILL) in the middle of a delivery (the receiver holds the request
  open): another process delivers the result again once the dead one's lease has run out,
  with the same idempotency key: at least once across a crash.

The results are written to the database as the verifier stores them (``verifier.store``),
under the processes' own key-encryption key; only the deliverers run them to the receiver.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from servicekit.db import Database
from servicekit.sealing import Kek, KeyRing
from tests.processes import KEK, ServiceProcess, services, sockets_of, tcp_sockets, wait_until
from verifier import store
from verifier.migrations import migrate

SECRET = "ats-shared-secret-0123456789"
WHEN = "2026-03-02T09:30:00+00:00"
RESULTS = 30
SETTINGS = {
    "LER_REGISTRY": "",
    "LER_ALLOW_DID_WEB": "0",
    "LER_ALLOW_STATUS_FETCH": "0",
    "LER_ALLOW_HTTP_LOCALHOST": "1",  # the receiver is a local http server
    "LER_FETCH_TIMEOUT": "2",
    "LER_WEBHOOK_LEASE": "3",  # a dead process's delivery is taken over after 3 s
    "LER_WEBHOOK_POLL": "0.2",
}


@dataclass
class Receiver:
    """Every delivery received: the response id of its body and its Idempotency-Key."""

    url: str = ""
    delay: float = 0.03  # each answer takes a moment, as a real ATS's does
    hold_first: bool = False  # keep the first request open (its sender is killed meanwhile)
    got: list[tuple[str, str | None]] = field(default_factory=list)
    first_port: int = 0  # the client port of the first request (to find its sender)
    first: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> Counter[str]:
        with self.lock:
            return Counter(response for response, _ in self.got)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            with box.lock:
                box.got.append((body["response"], self.headers.get("Idempotency-Key")))
                first = len(box.got) == 1
            if first and box.hold_first:
                box.first_port = self.client_address[1]
                box.first.set()
                time.sleep(8)  # the sender is killed meanwhile; nobody reads this answer
            time.sleep(box.delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    box.url = f"http://127.0.0.1:{server.server_address[1]}/ats/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url, keyring=KeyRing(Kek.from_text(KEK, "test"), ()))
    migrate(database)
    yield database
    database.close()


def open_job(db: Database, receiver: Receiver) -> str:
    with db.transaction() as tx:
        job = store.add_job(tx, "Care assistant", {}, created=WHEN)
        store.set_webhook(tx, job.id, receiver.url, SECRET, created=WHEN)
    return job.id


def store_results(db: Database, job_id: str, count: int) -> list[str]:
    with db.transaction() as tx:
        return [
            store.add_response(
                tx, request_id=None, job_id=job_id, received=WHEN, verdict="verified",
                report={"verdict": "verified", "n": n},
            ).id
            for n in range(count)
        ]  # fmt: skip


def delivered(db: Database, response_ids: list[str]) -> bool:
    with db.transaction() as tx:
        rows = tx.all("SELECT DISTINCT response_id FROM webhook_deliveries WHERE status = 200")
    return set(response_ids) <= {row["response_id"] for row in rows}


def sender(processes: list[ServiceProcess], client_port: int) -> ServiceProcess:
    """The process whose socket has ``client_port`` as its local port (Linux ``/proc``)."""
    inodes = tcp_sockets(client_port)
    for process in processes:
        if sockets_of(process.pid) & inodes:
            return process
    raise AssertionError(f"no process has a socket on port {client_port}")


def verifiers(db: Database, tmp_path: Path, count: int) -> list[ServiceProcess]:
    return [ServiceProcess("verifier", db.url, tmp_path / f"v{n}", SETTINGS) for n in range(count)]


def test_three_processes_deliver_each_result_exactly_once(
    db: Database, receiver: Receiver, tmp_path: Path
) -> None:
    job_id = open_job(db, receiver)
    with services() as running:
        running += [process.start() for process in verifiers(db, tmp_path, 3)]
        for process in running:
            process.wait_ready()
        stored: list[str] = []
        for _ in range(3):  # while the three deliverers run
            stored += store_results(db, job_id, RESULTS // 3)
            time.sleep(0.3)
        wait_until(lambda: delivered(db, stored), "every result delivered", 90)
        time.sleep(2.5)  # more rounds of every process: nothing may come twice
        counts = receiver.count()
        assert all(process.alive() for process in running)
    assert set(counts) == set(stored)
    assert {response: n for response, n in counts.items() if n != 1} == {}
    assert all(key == response for response, key in receiver.got)  # Idempotency-Key


def test_a_process_killed_mid_delivery_leaves_it_to_another_with_the_same_key(
    db: Database, receiver: Receiver, tmp_path: Path
) -> None:
    receiver.hold_first = True
    job_id = open_job(db, receiver)
    with services() as running:
        running += [process.start() for process in verifiers(db, tmp_path, 3)]
        for process in running:
            process.wait_ready()
        [response_id] = store_results(db, job_id, 1)
        assert receiver.first.wait(30), "no process posted the result"
        killed = sender(running, receiver.first_port)
        killed.kill()  # in the middle of the delivery: its answer never comes
        wait_until(lambda: delivered(db, [response_id]), "the result delivered again", 60)
        time.sleep(1.0)
        assert [process.alive() for process in running if process is not killed] == [True, True]
    assert [response for response, _ in receiver.got] == [response_id, response_id]
    assert [key for _, key in receiver.got] == [response_id, response_id]
