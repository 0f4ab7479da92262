"""``ler up``: start the issuer, wallet and verifier as separate processes on fixed ports.

Each service runs in its own process, as it would in production; they never import each
other. Ctrl-C (SIGINT) or SIGTERM stops them all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

SERVICES = (("issuer", 1), ("wallet", 2), ("verifier", 3))


def run_all(host: str = "127.0.0.1", base_port: int = 8000) -> int:
    env = dict(os.environ)
    env.setdefault("LER_DATA_DIR", "var")
    processes: list[subprocess.Popen[bytes]] = []
    public_host = "localhost" if host in ("127.0.0.1", "::1") else host  # did:web needs a name
    for name, offset in SERVICES:
        port = base_port + offset
        env[f"LER_{name.upper()}_URL"] = f"http://{public_host}:{port}"
    for name, offset in SERVICES:
        port = base_port + offset
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{name}.app:create_app",
            "--factory",
            "--host",
            host,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        processes.append(subprocess.Popen(command, env=env))
        print(f"{name:9} http://{public_host}:{port}/")
    token_file = os.path.join(env["LER_DATA_DIR"], "issuer", "api-token")
    if "LER_ISSUER_TOKEN" not in env:
        print(f"issuer API token (Authorization: Bearer): in {token_file}")
    print("Ctrl-C stops all services.")
    stopping: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored
        signal.signal(signum, stop)
    try:
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.2)
        if stopping:
            return 0
        print("a service stopped; stopping the others", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
