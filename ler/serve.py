"""``ler serve ROLE``: one service alone in this process (a container runs one)."""

from __future__ import annotations

import os
from typing import Any

DEFAULT_PORTS = {"landing": 8000, "issuer": 8001, "wallet": 8002, "verifier": 8003}


def serve(role: str, host: str = "127.0.0.1", port: int | None = None, workers: int = 1) -> int:
    """Serve one role's app in this process (``servicekit.serve``: its ``create_app`` with
    settings from the environment, JSON-line logs) until SIGINT or SIGTERM; with
    ``workers`` > 1, that many processes on the one port (migrations run once, first)."""
    from servicekit import serve as service

    chosen = DEFAULT_PORTS[role] if port is None else port
    level = os.environ.get("LER_LOG_LEVEL", "info")
    service.main(
        [role, "--host", host, "--port", str(chosen), "--log-level", level]
        + ["--workers", str(workers)]
    )
    return 0


def add_parser(sub: Any) -> None:
    """Add ``serve`` to the ``ler`` command's sub-parsers."""
    s = sub.add_parser("serve", help="serve one service (settings from the environment)")
    s.add_argument("role", choices=tuple(DEFAULT_PORTS))
    s.add_argument("--host", default="127.0.0.1", help="listen here (0.0.0.0 in a container)")
    s.add_argument("--port", type=int, help="default: landing 8000, issuer 8001, wallet 8002, "
                   "verifier 8003")  # fmt: skip
    s.add_argument("--workers", type=int, default=1,
                   help="processes serving the one port (1-64; default 1)")  # fmt: skip
    s.set_defaults(run=lambda args: serve(args.role, args.host, args.port, args.workers))
