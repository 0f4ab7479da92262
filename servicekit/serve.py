"""Run one service under uvicorn with JSON-line logs: ``python -m servicekit.serve NAME``.

``NAME`` is a service package (``issuer``, ``wallet``, ``verifier``, ``landing``) whose
``app.create_app`` is the factory. ``ler up`` (``ler.up``) starts each service
this way, in its own process. A service that cannot open its sealed secrets (a wrong or
malformed key-encryption key, :mod:`servicekit.kek`) stops with one line naming the
setting, not a traceback.

Behind a load balancer every request comes from the balancer's address. ``LER_FORWARDED_ALLOW_IPS``
(comma-separated addresses, e.g. ``127.0.0.1``; empty by default) names the proxies trusted
to say who the client is: from them, ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are
believed (uvicorn's proxy headers), so rate limits and sign-in lockouts count each client,
not the balancer. From anyone else, and when unset, the headers are ignored (a client cannot
pick its own address).
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable
from typing import Any

import uvicorn

from servicekit.logs import uvicorn_config
from servicekit.sealing import SealingError

SERVICES = ("issuer", "wallet", "verifier", "landing")
TRUSTED_PROXIES = "LER_FORWARDED_ALLOW_IPS"


def app_factory(service: str) -> Callable[[], Any]:
    """``<service>.app.create_app``, stopping with one line when the secrets do not open."""

    def create() -> Any:
        try:
            return importlib.import_module(f"{service}.app").create_app()
        except SealingError as exc:
            raise SystemExit(f"{service}: cannot start: {exc}") from None

    return create


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m servicekit.serve")
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    trusted = os.environ.get(TRUSTED_PROXIES, "").strip()
    uvicorn.run(
        app_factory(args.service),
        factory=True,
        host=args.host,
        port=args.port,
        log_config=uvicorn_config(args.service, args.log_level.upper()),
        access_log=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )


if __name__ == "__main__":
    main()
