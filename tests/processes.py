"""Real service processes for the multi-process tests: ``uvicorn <role>.app:create_app
--factory`` on a free loopback port, each with the environment a replica gets in production
(its database URL, the role's key-encryption key, a data folder).

:class:`ServiceProcess` starts without waiting (so many start at the same moment),
:meth:`~ServiceProcess.wait_ready` polls ``/readyz``, :meth:`~ServiceProcess.kill` sends
SIGKILL (a crash: nothing is cleaned up). :func:`services` stops whatever is still running
when the test ends, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
KEK = "bXVsdGktcHJvY2Vzcy10ZXN0cy1rZXktZW5jcnlwdCE"  # 32 bytes, base64url: tests only
DATABASE_VARIABLE = {
    "issuer": "LER_ISSUER_DATABASE_URL",
    "wallet": "LER_WALLET_DATABASE_URL",
    "verifier": "LER_VERIFIER_DATABASE_URL",
}
URL_VARIABLE = {
    "issuer": "LER_ISSUER_URL",
    "wallet": "LER_WALLET_URL",
    "verifier": "LER_VERIFIER_URL",
}


_given: set[int] = set()


def free_port() -> int:
    """A loopback port free now and not given before in this test run: processes created
    together bind only later, and the kernel may offer a port it just freed twice (an issuer
    and a wallet once got the same one; the wallet then answered the issuer's ``/readyz``)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in _given:
            _given.add(port)
            return port


def wait_until(check: Callable[[], bool], what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class ServiceProcess:
    """One process of ``role`` on a free port."""

    def __init__(
        self, role: str, database_url: str, data_dir: Path, extra: dict[str, str] | None = None
    ) -> None:
        self.role = role
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"{role}-{self.port}.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LER_DATA_DIR": str(data_dir),
            URL_VARIABLE[role]: self.url,
            DATABASE_VARIABLE[role]: database_url,
            f"LER_{role.upper()}_KEY_ENCRYPTION_KEY": KEK,
            **(extra or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        command = [sys.executable, "-m", "uvicorn", f"{self.role}.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=log)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ready(self) -> bool:
        if not self.alive():
            tail = self.log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"{self.role} on port {self.port} exited:\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
        return False

    def wait_ready(self, seconds: float = 120.0) -> None:
        wait_until(self.ready, f"{self.role} on port {self.port} to be ready", seconds)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, in the middle of whatever it was doing."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def services() -> Iterator[list[ServiceProcess]]:
    """A list to put started processes in; each is stopped when the block ends."""
    started: list[ServiceProcess] = []
    try:
        yield started
    finally:
        for process in started:
            process.stop()


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs (Linux ``/proc``): e.g. a signing pool's
    workers."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def running(pid: int) -> bool:
    """``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_all_gone(pids: list[int], seconds: float) -> list[int]:
    """The pids still running after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if running(pid)]


def tcp_sockets(local_port: int, *, established_only: bool = False) -> set[int]:
    """The inodes of the IPv4 TCP sockets whose local port is ``local_port`` (Linux
    ``/proc/net/tcp``); with ``established_only``, of the established connections only."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rpartition(":")[2], 16) != local_port:
            continue
        if not established_only or fields[3] == "01":  # 01: ESTABLISHED
            found.add(int(fields[9]))
    return found


def sockets_of(pid: int) -> set[int]:
    """The inodes of the sockets process ``pid`` holds open (Linux ``/proc``)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                found.add(int(target.removeprefix("socket:[").removesuffix("]")))
    return found
