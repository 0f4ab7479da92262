"""The README's first command: ``ler up`` starts the three services and stops them on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_base_port() -> int:
    """A base port whose next three ports are free (the services use base+1..base+3)."""
    for base in range(23_000, 60_000, 10):
        try:
            for offset in (1, 2, 3):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def wait_until_up(url: str, deadline: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_ler_up_serves_all_three_and_stops_cleanly(tmp_path: Path) -> None:
    base = free_base_port()
    env = {**os.environ, "LER_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier.cli", "up", "--port", str(base)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        for offset in (1, 2, 3):
            response = wait_until_up(f"http://127.0.0.1:{base + offset}/healthz", deadline)
            assert response.json() == {"status": "ok"}
        did = httpx.get(f"http://127.0.0.1:{base + 1}/.well-known/did.json", timeout=5).json()
        assert did["id"] == f"did:web:127.0.0.1%3A{base + 1}"
        assert (tmp_path / "issuer" / "issuer-key.jwk").stat().st_mode & 0o777 == 0o600
        assert "Verify a credential" in httpx.get(f"http://127.0.0.1:{base + 3}/", timeout=5).text
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"verifier  http://127.0.0.1:{base + 3}/" in out
