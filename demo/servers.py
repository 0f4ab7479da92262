"""``ler demo --start``: the issuer, wallet and verifier in this process, each a uvicorn server
in its own thread on a free loopback port, with their data in a temporary folder.

Each service's settings come from the environment as ``ler up`` gives them
(``Settings.from_env``: database URLs, the registry file ...); only the public URL, the data
folder and the issuer's API token are set here. The verifier reuses no status list unless
``LER_STATUS_CACHE`` says so, so a revocation shows at once. The public host is ``localhost``
(did:web needs a name); the wallet and the verifier are allowed plain http to it
(``allow_http_localhost``, off by default), as under ``ler up``.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import uvicorn
from fastapi import FastAPI

STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Running:
    issuer_url: str
    wallet_url: str
    verifier_url: str
    issuer_token: str
    data_dir: Path


def _socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


class _Server:
    """One app served on an already-bound socket, in a daemon thread."""

    def __init__(self, app: FastAPI, sock: socket.socket) -> None:
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.sock = sock
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]})
        self.thread.daemon = True

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("a demo service did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


def _apps(urls: dict[str, str], data: Path, token: str) -> dict[str, Callable[[], FastAPI]]:
    """The three app factories with their settings (imported here only: the story itself
    talks HTTP)."""
    from issuer.app import create_app as issuer_app
    from issuer.settings import Settings as IssuerSettings
    from verifier.app import create_app as verifier_app
    from verifier.settings import Settings as VerifierSettings
    from wallet.app import create_app as wallet_app
    from wallet.settings import Settings as WalletSettings

    issuer = replace(
        IssuerSettings.from_env(), base_url=urls["issuer"], data_dir=data / "issuer",
        api_token=token,
    )  # fmt: skip
    wallet = replace(
        WalletSettings.from_env(), base_url=urls["wallet"], data_dir=data / "wallet",
        allow_http_localhost=True,
    )  # fmt: skip
    verifier = replace(
        VerifierSettings.from_env(), base_url=urls["verifier"], issuer_url=urls["issuer"],
        data_dir=data / "verifier", allow_http_localhost=True,
        status_cache_seconds=float(os.environ.get("LER_STATUS_CACHE", "0")),
        demo_seed=True,  # the demo employers, their staff member and API token
    )  # fmt: skip
    return {
        "issuer": lambda: issuer_app(issuer),
        "wallet": lambda: wallet_app(wallet),
        "verifier": lambda: verifier_app(verifier),
    }


@contextmanager
def started(data_dir: Path | None = None) -> Iterator[Running]:
    """The three services, running until the block ends; then stopped and their databases
    closed. ``data_dir`` defaults to a fresh temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ler-demo-") as temporary:
        data = data_dir or Path(temporary)
        sockets = {name: _socket() for name in ("issuer", "wallet", "verifier")}
        urls = {n: f"http://localhost:{s.getsockname()[1]}" for n, s in sockets.items()}
        token = secrets.token_urlsafe(24)
        servers: list[tuple[FastAPI, _Server]] = []
        try:
            for name, factory in _apps(urls, data, token).items():
                app = factory()
                server = _Server(app, sockets[name])
                servers.append((app, server))
                server.start()
            yield Running(urls["issuer"], urls["wallet"], urls["verifier"], token, data)
        finally:
            for app, server in reversed(servers):
                server.stop()
                _close(app)
            for sock in sockets.values():
                sock.close()


def _close(app: FastAPI) -> None:
    """Close the app's database (the issuer and wallet keep it in ``state.inst``)."""
    inst = getattr(app.state, "inst", None)
    db = getattr(inst, "db", None) or getattr(app.state, "db", None)
    if db is not None:
        db.close()
