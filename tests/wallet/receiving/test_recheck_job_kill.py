"""A wallet process killed (SIGKILL) in the middle of a "verify all again" job finishes the
job after it is started again: ``uvicorn wallet.app:create_app --factory`` on a free port
and a SQLite file, the job and its credentials written to that file as the wallet keeps them
(credentials signed by a did:key issuer, so they verify without the network), the process
killed once the job has made progress, started again, and the job read from the database
until it is done. Each credential's check and the job's step are one transaction, so after
the kill the job has counted exactly the credentials whose new report was committed.
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
import pytest

from servicekit.db import Database
from tests.scenarios import HOLDER, did_of, good_credential
from wallet import store
from wallet.migrations import migrate

ROOT = Path(__file__).resolve().parents[3]
COUNT = 300
WAIT_SECONDS = 240.0


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


class WalletProcess:
    """``uvicorn wallet.app:create_app --factory`` on a free port, a SQLite file in tmp."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LER_WALLET_URL": self.url,
            "LER_DATA_DIR": str(self.data_dir),
            "LER_WALLET_RECHECK_INTERVAL": "0",  # only the job re-checks
        }
        command = [sys.executable, "-m", "uvicorn", "wallet.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

        def healthy() -> bool:
            assert self.process is not None and self.process.poll() is None, "the wallet died"
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            return False

        wait_until(healthy, "the wallet to start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def wallet_process(tmp_path: Path) -> Iterator[WalletProcess]:
    server = WalletProcess(tmp_path, free_port())
    yield server
    server.kill()


def test_a_killed_wallet_finishes_the_job_after_a_restart(wallet_process: WalletProcess) -> None:
    db = Database.connect(f"sqlite:///{wallet_process.data_dir / 'wallet' / 'wallet.db'}")
    migrate(db)
    with db.transaction() as tx:
        account = store.add_account(
            tx,
            email="alice@example.org",
            password_hash="-",
            did=did_of(HOLDER),
            holder_jwk=HOLDER.to_private_jwk(),
            created="2026-03-02T09:30:00+00:00",
        )
        ids = [
            store.add_credential(
                tx,
                account.id,
                good_credential(id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}"),
                format="ldp_vc",
                source="upload",
                received_at="2026-03-02T09:30:00+00:00",
            ).id
            for n in range(COUNT)
        ]
        job = store.add_recheck_job(
            tx, account.id, ids, state="queued", created="2026-03-02T09:30:00+00:00"
        )

    def job_now() -> store.RecheckJobRecord:
        with db.transaction() as tx:
            found = store.get_recheck_job(tx, account.id, job.id)
        assert found is not None
        return found

    def checked_credentials() -> int:
        with db.transaction() as tx:
            return sum(1 for r in store.list_credentials(tx, account.id) if r.checked_at)

    try:
        wallet_process.start()  # the lifespan picks up the queued job
        wait_until(lambda: job_now().checked >= 10, "the job to make progress")
        wallet_process.kill()
        killed = job_now()
        assert killed.finished is None and 10 <= killed.checked < COUNT, killed.checked
        assert checked_credentials() == killed.checked  # each step went with its report

        wallet_process.start()
        wait_until(lambda: job_now().finished is not None, "the job to finish")
        done = job_now()
        assert (done.state, done.checked, done.total) == ("done", COUNT, COUNT)
        assert done.counts == {"verified": COUNT}
        assert checked_credentials() == COUNT
    finally:
        wallet_process.kill()
        db.close()
