"""``ler serve ROLE --workers N``: N processes answer on one port, on an empty database
(SQLite file or PostgreSQL): the migrations and the demo seeding run once, in the parent,
before the workers start, so none of them races another."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.paths import ROOT
from tests.processes import free_port, sockets_of, tcp_sockets

STARTUP_LIMIT_S = 90  # how long N workers may take to answer; not a speed test
WORKERS = 2


def workers_of(pid: int) -> list[int]:
    """The worker processes under uvicorn's supervisor ``pid`` (multiprocessing spawns)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in command:
            found.append(int(child))
    return found


def start(role: str, data: Path, port: int, env_extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LER_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), **env_extra}
    env["LER_LOG_LEVEL"] = "warning"
    command = [sys.executable, "-m", "ler", "serve", role, "--port", str(port)]
    with (data / f"{role}.log").open("wb") as log:
        return subprocess.Popen(
            [*command, "--workers", str(WORKERS)], cwd=ROOT, env=env, stdout=log, stderr=log
        )


def wait_for_workers(process: subprocess.Popen[bytes], url: str, log: Path) -> list[int]:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            up = httpx.get(f"{url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            up = False
        workers = workers_of(process.pid)
        if up and len(workers) == WORKERS:
            return workers
        time.sleep(0.3)
    pytest.fail(f"{WORKERS} workers did not answer within {STARTUP_LIMIT_S} s:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.parametrize("role", ["issuer", "verifier"])
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_workers_start_on_an_empty_database_and_all_keep_running(
    role: str, engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    extra = {"LER_DEMO_SEED": "1", "LER_REGISTRY": ""}
    if engine == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        extra[f"LER_{role.upper()}_DATABASE_URL"] = url
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(role, tmp_path, port, extra)
    try:
        workers = wait_for_workers(process, base, tmp_path / f"{role}.log")
        for _ in range(20):  # answered by whichever worker the kernel chose
            assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
        assert all(Path(f"/proc/{pid}").exists() for pid in workers)  # none stopped
        assert "Traceback" not in (tmp_path / f"{role}.log").read_text()
    finally:
        stop(process)
    assert process.returncode == 0


def test_a_worker_count_out_of_range_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "servicekit.serve", "verifier", "--port", "0", "--workers", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "1 to 64" in done.stderr


BURST = 40


def healthz_on(client: socket.socket, port: int) -> None:
    client.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert client.recv(64).startswith(b"HTTP/1.1 200")


def wait_until_each_worker_answers(port: int, workers: list[int]) -> None:
    """Until a connection of each worker has been answered: all of them accept by then."""
    answered: set[int] = set()
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while answered != set(workers) and time.monotonic() < deadline:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            healthz_on(client, port)
            mine = tcp_sockets(port, established_only=True)
            answered |= {pid for pid in workers if sockets_of(pid) & mine}
        time.sleep(0.05)
    assert answered == set(workers), "not every worker answered"


def test_a_burst_of_kept_alive_connections_is_shared_evenly_by_the_workers(tmp_path: Path) -> None:
    """Clients that connect together (a balancer's pool, a load test) and keep their
    connections: each worker gets a fair part (``servicekit.fair_accept``), where asyncio's own
    loop let the first worker to wake take most of them (38 of 50 in bench/load.py)."""
    port = free_port()
    process = start("verifier", tmp_path, port, {"LER_REGISTRY": ""})
    try:
        workers = wait_for_workers(process, f"http://127.0.0.1:{port}", tmp_path / "verifier.log")
        wait_until_each_worker_answers(port, workers)
        clients = [socket.socket() for _ in range(BURST)]
        for client in clients:
            client.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                client.connect(("127.0.0.1", port))
        for client in clients:  # an answer on each: every connection has been accepted
            client.settimeout(30)
            healthz_on(client, port)
        connections = tcp_sockets(port, established_only=True)
        held = sorted(len(sockets_of(pid) & connections) for pid in workers)
        for client in clients:
            client.close()
        assert sum(held) == BURST
        assert held[0] >= BURST * 0.35, f"the workers hold {held} of {BURST} connections"
    finally:
        stop(process)
