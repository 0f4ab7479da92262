"""``ler up``: start the landing page, issuer, wallet and verifier as separate processes.

Before starting, it checks that the four ports are free and says which is busy and how to
pick others (``--port``); it writes the addresses to ``<data dir>/urls.json`` (``ler demo``
reads them) and refuses, saying why, a data folder made for other addresses
(:mod:`ler.ports`). Exit 2 in both cases.

Each service runs in its own process (``python -m servicekit.serve NAME``, JSON-line logs
on stderr), as it would in production; they never import each other. The landing page
is on the base port (8000), the others on the next three. ``LER_DEMO_SEED=1`` (set unless
given) has the wallet seed the demo learner and the verifier the demo job; the wallet and
the verifier may fetch over plain http from localhost (:data:`LOCAL_HTTP`, set unless given;
off by default in every service, since it lets a credential name a DID served by any local
port). Ctrl-C (SIGINT) or SIGTERM stops them all. The URLs go to stdout for people; what
``ler up`` itself does goes to stderr as JSON lines, like the services' logs.
A service behind a proxy gets its public URL from ``LER_UP_<SERVICE>_URL`` (e.g.
``LER_UP_ISSUER_URL=https://localhost:9441``: the conformance harness's TLS proxy), which then
names its did:web DIDs and status lists; the default is ``http://localhost:<port>``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ler.ports import refuse_to_start
from servicekit import demo_seed
from servicekit.logs import configure

SERVICES = (("landing", 0), ("issuer", 1), ("wallet", 2), ("verifier", 3))
LOCAL_HTTP = (
    "LER_WALLET_ALLOW_HTTP_LOCALHOST",
    "LER_ALLOW_HTTP_LOCALHOST",
    "LER_ISSUER_ALLOW_HTTP_LOCALHOST",
)
"""The settings that let the wallet and the verifier fetch over plain http from loopback,
which ``ler up`` turns on (unless given): its issuer's did:web DIDs are on localhost; and the
issuer, for a learner's backpack at the local wallet."""
log = logging.getLogger("ler.up")


def run_all(host: str = "127.0.0.1", base_port: int = 8000) -> int:
    configure("ler-up")
    env = dict(os.environ)
    env.setdefault("LER_DATA_DIR", "var")
    # the local demo shows a revocation at once; an operator may cache status lists for longer
    env.setdefault("LER_STATUS_CACHE", "0")
    # the demo learner (wallet) and the demo job (verifier), made once, kept on restart
    env.setdefault(demo_seed.SEED_VARIABLE, "1")
    # the services reach each other at http://localhost (off by default in each service)
    for variable in LOCAL_HTTP:
        env.setdefault(variable, "1")
    processes: list[subprocess.Popen[bytes]] = []
    public_host = "localhost" if host in ("127.0.0.1", "::1") else host  # did:web needs a name
    refused = refuse_to_start(env, host, public_host, base_port, SERVICES)
    if refused:  # a busy port, or a data folder made for other addresses: say so, start nothing
        print(refused, file=sys.stderr)
        return 2
    for name, offset in SERVICES:
        port = base_port + offset
        public = env.get(f"LER_UP_{name.upper()}_URL") or f"http://{public_host}:{port}"
        env[f"LER_{name.upper()}_URL"] = public.rstrip("/")
    for name, offset in SERVICES:
        port = base_port + offset
        command = [sys.executable, "-m", "servicekit.serve", name, "--host", host]
        command += ["--port", str(port), "--log-level", env.get("LER_LOG_LEVEL", "info")]
        processes.append(subprocess.Popen(command, env=env))
        log.info("started", extra={"event": f"started {name} on port {port}"})
        print(f"{name:9} http://{public_host}:{port}/")
    token_file = os.path.join(env["LER_DATA_DIR"], "issuer", "api-token")
    if "LER_ISSUER_TOKEN" not in env:
        print(f"issuer API token (Authorization: Bearer): in {token_file}")
    if demo_seed.seeding(env):
        learner_file = os.path.join(env["LER_DATA_DIR"], "wallet", demo_seed.LEARNER_FILE)
        print(f"demo learner: {demo_seed.LEARNER_EMAIL}, password in {learner_file}")
        verifier_data = os.path.join(env["LER_DATA_DIR"], "verifier")
        staff_file = os.path.join(verifier_data, demo_seed.STAFF_FILE)
        print(f"demo employer staff: {demo_seed.STAFF_EMAIL}, password in {staff_file}")
        token_file = os.path.join(verifier_data, demo_seed.TOKEN_FILE)
        print(f"demo employer API token (verifier): in {token_file}")
        seeding = threading.Thread(target=offers_for_the_demo_learner, args=(env,), daemon=True)
        seeding.start()
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
        log.error("a service stopped", extra={"event": "a service stopped; stopping the others"})
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


def add_parser(sub: Any) -> None:
    up = sub.add_parser("up", help="start the issuer, wallet and verifier")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000, help="landing port; services follow it")
    up.set_defaults(run=lambda args: run_all(host=args.host, base_port=args.port))


def _read_when_there(path: str, seconds: float = 60.0) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read().strip()
            if text:
                return text
        except OSError:
            pass
        time.sleep(0.5)
    return None


def offers_for_the_demo_learner(env: dict[str, str], *, rounds: int | None = None) -> None:
    """The story's three offers, waiting in the demo learner's wallet, made when the issuer
    and the wallet answer, then kept fresh every minute while ``ler up`` runs (offers live 30
    minutes at the issuer: :mod:`demo.waiting_offers`). ``rounds``: stop after that many."""
    from demo.clients import UnexpectedAnswer, Unusable
    from demo.waiting_offers import REFRESH_SECONDS, WaitingOffers

    data = env["LER_DATA_DIR"]
    token = env.get("LER_ISSUER_TOKEN") or _read_when_there(
        os.path.join(data, "issuer", "api-token")
    )
    learner_file = os.path.join(data, "wallet", demo_seed.LEARNER_FILE)
    password = (
        demo_seed.read_password(Path(learner_file)) if _read_when_there(learner_file) else None
    )
    if not token or not password:
        print(
            "demo learner: no offers made (the issuer token or the learner's password is missing)"
        )
        return
    offers = WaitingOffers(
        env["LER_ISSUER_URL"], token, env["LER_WALLET_URL"], demo_seed.LEARNER_EMAIL, password
    )
    said: set[str] = set()
    done = 0
    try:
        offers.wait_until_ready()
        while rounds is None or done < rounds:
            try:
                made = offers.refresh()
            except (Unusable, UnexpectedAnswer) as exc:
                if str(exc) not in said:  # each problem once, not every minute
                    said.add(str(exc))
                    print(f"demo learner: the offers were not made or renewed: {exc}")
            else:
                if made and done == 0:
                    print(f"demo learner: {made} offers waiting in the wallet (Receive)")
                elif made:
                    log.info("demo offers renewed", extra={"event": f"{made} renewed"})
            done += 1
            if rounds is None or done < rounds:
                time.sleep(REFRESH_SECONDS)
    except (Unusable, UnexpectedAnswer) as exc:
        print(f"demo learner: the three offers were not made: {exc}")
    finally:
        offers.close()
