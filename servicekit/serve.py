"""Run one service under uvicorn with JSON-line logs: ``python -m servicekit.serve NAME``.

``NAME`` is a service package (``issuer``, ``wallet``, ``verifier``, ``landing``) whose
``app.create_app`` is the factory. ``ler up`` (``ler.up``) starts each service
this way, in its own process. A service that cannot open its sealed secrets (a wrong or
malformed key-encryption key, :mod:`servicekit.kek`) stops with one line naming the
setting, not a traceback.

``--workers N`` (``ler serve ROLE --workers N``) runs N processes on one port (uvicorn's
supervisor), each accepting one connection at a time so that a burst of new connections is
dealt out evenly (:mod:`servicekit.fair_accept`). This process first builds the app once,
so the database is migrated and the demo seeded once, before any worker starts
(:func:`prepare`); each worker then builds its own app (:func:`create_from_env`, the
service named by ``LER_SERVE_SERVICE``). What a worker keeps in memory (the verifier's
caches, the answer rate limits) is its own; everything else is in the database.

Behind a load balancer every request comes from the balancer's address. ``LER_FORWARDED_ALLOW_IPS``
(comma-separated addresses, e.g. ``127.0.0.1``; empty by default) names the proxies trusted
to say who the client is: from them, ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are
believed (uvicorn's proxy headers), so rate limits and sign-in lockouts count each client,
not the balancer. From anyone else, and when unset, the headers are ignored (a client cannot
pick its own address).

Once a process has built its app, what startup made (modules, templates, contexts, schemas,
settings: hundreds of thousands of objects that live as long as the process) is moved out of
the garbage collector's sight (``gc.freeze``): its full collections then walk only what
requests made, not everything the process holds, and no answer waits for such a walk.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
from collections.abc import Callable
from typing import Any

import uvicorn

from servicekit.logs import uvicorn_config
from servicekit.sealing import SealingError

SERVICES = ("issuer", "wallet", "verifier", "landing")
TRUSTED_PROXIES = "LER_FORWARDED_ALLOW_IPS"
SERVICE_ENV = "LER_SERVE_SERVICE"
"""Names the service for the worker processes of ``--workers N`` (set by :func:`main`)."""


def app_factory(service: str) -> Callable[[], Any]:
    """``<service>.app.create_app``, stopping with one line when the secrets do not open."""

    def create() -> Any:
        try:
            app = importlib.import_module(f"{service}.app").create_app()
        except SealingError as exc:
            raise SystemExit(f"{service}: cannot start: {exc}") from None
        settle_startup_objects()
        return app

    return create


def settle_startup_objects() -> None:
    """Collect what startup left over, then freeze the rest: the collector no longer walks the
    objects that live as long as the process (see the module docstring)."""
    gc.collect()
    gc.freeze()


def create_from_env() -> Any:
    """The app of the service ``LER_SERVE_SERVICE`` names: each worker process's factory
    (uvicorn starts several workers only from an import string)."""
    return app_factory(os.environ[SERVICE_ENV])()


def prepare(service: str) -> None:
    """Build ``service``'s app once here and let it go: its migrations and demo seeding run
    in this one process before the workers start, so they never race each other."""
    app = app_factory(service)()
    inst = getattr(app.state, "inst", None)
    if inst is not None:
        inst.db.close()


def workers_count(text: str) -> int:
    """``--workers``: a whole number from 1 to 64."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError("give 1 to 64 worker processes")
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m servicekit.serve")
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--workers", type=workers_count, default=1, help="processes (1-64)")
    args = parser.parse_args(argv)
    trusted = os.environ.get(TRUSTED_PROXIES, "").strip()
    common: dict[str, Any] = {
        "factory": True,
        "host": args.host,
        "port": args.port,
        "log_config": uvicorn_config(args.service, args.log_level.upper()),
        "access_log": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }
    if args.workers == 1:
        uvicorn.run(app_factory(args.service), **common)
        return
    prepare(args.service)
    os.environ[SERVICE_ENV] = args.service  # the workers inherit it
    uvicorn.run(
        "servicekit.serve:create_from_env",
        workers=args.workers,
        loop="servicekit.fair_accept:FairAcceptLoop",
        **common,
    )


if __name__ == "__main__":
    main()
