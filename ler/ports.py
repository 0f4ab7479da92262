"""Before ``ler up`` starts anything: are its four ports free, and was its data folder made
for these addresses?

``busy_ports`` tries to bind each port and names the services whose port is taken, so
``ler up`` can say which one is busy and how to pick others (``ler up --port 9000`` puts the
landing page on 9000 and the others on 9001-9003) instead of printing URLs and then
stopping with an ``Errno 98`` line.

The issuers' ``did:web`` DIDs name the issuer's address (``did:web:localhost%3A8001:…``):
a data folder made for one set of ports signs credentials whose DIDs no longer resolve once
the services move. ``ler up`` writes the addresses it serves to ``<data dir>/urls.json``
(:func:`write_urls`; ``ler demo`` reads them, :func:`read_urls`); on the next start,
:func:`moved` compares and says so plainly when they differ.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping, Sequence
from pathlib import Path

URLS_FILE = "urls.json"


def public_urls(
    env: Mapping[str, str], public_host: str, base_port: int, services: Sequence[tuple[str, int]]
) -> dict[str, str]:
    """Each service's public address as ``ler up`` gives it: ``http://<host>:<port>``, or
    ``LER_UP_<SERVICE>_URL`` when set (a service behind a proxy)."""
    return {
        name: (
            env.get(f"LER_UP_{name.upper()}_URL") or f"http://{public_host}:{base_port + offset}"
        ).rstrip("/")
        for name, offset in services
    }


def refuse_to_start(
    env: Mapping[str, str],
    host: str,
    public_host: str,
    base_port: int,
    services: Sequence[tuple[str, int]],
) -> str | None:
    """Why ``ler up`` must not start (a busy port, a data folder made for other
    addresses), or None; when None, the addresses are written for ``ler demo``."""
    busy = busy_ports(host, {name: base_port + offset for name, offset in services})
    if busy:
        return busy_message(busy, base_port)
    data_dir = Path(env.get("LER_DATA_DIR", "var"))
    urls = public_urls(env, public_host, base_port, services)
    elsewhere = moved(data_dir, urls)
    if elsewhere:
        return elsewhere
    write_urls(data_dir, urls)  # `ler demo` reads them; the next start compares
    return None


def busy_ports(host: str, ports: Mapping[str, int]) -> list[tuple[str, int]]:
    """The (service, port) pairs whose port cannot be bound on ``host`` now."""
    busy: list[tuple[str, int]] = []
    for name, port in ports.items():
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # as the servers bind: a port whose last connections wait in TIME_WAIT is free
            # to them (a listener still makes the bind fail)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                busy.append((name, port))
    return busy


def busy_message(busy: list[tuple[str, int]], base_port: int) -> str:
    """What ``ler up`` prints when a port is taken: which, and how to pick others."""
    taken = ", ".join(f"{port} ({name})" for name, port in busy)
    other = base_port + 1000 if base_port + 1003 < 65_536 else 9000
    return (
        f"cannot start: port {taken} {'is' if len(busy) == 1 else 'are'} already in use "
        f"(another `ler up`, or some other program). Pick other ports: `ler up --port {other}` "
        f"(landing on {other}, issuer, wallet and verifier on the next three), or "
        f"`make up PORT={other}`; or stop what holds the port."
    )


def read_urls(data_dir: Path) -> dict[str, str]:
    """The addresses ``ler up`` last served from ``data_dir`` ({} when none was written or
    the file is unreadable)."""
    try:
        found = json.loads((data_dir / URLS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}


def write_urls(data_dir: Path, urls: Mapping[str, str]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / URLS_FILE).write_text(json.dumps(dict(urls), indent=2) + "\n", encoding="utf-8")


def moved(data_dir: Path, urls: Mapping[str, str]) -> str | None:
    """A plain sentence when ``data_dir`` was made for other addresses than ``urls`` (its
    issuers' DIDs name the old ones), else None."""
    before = read_urls(data_dir)
    issuer_before, issuer_now = before.get("issuer"), urls.get("issuer")
    if not issuer_before or issuer_before == issuer_now:
        return None
    base_before = before.get("landing", issuer_before)
    port = base_before.rsplit(":", 1)[-1].rstrip("/")
    return (
        f"cannot start: the data folder {data_dir} was made for other addresses (issuer at "
        f"{issuer_before}, now {issuer_now}). Its issuers' DIDs name the old address, so "
        f"every credential they sign would fail verification at the proof. Start on the old "
        f"ports (`ler up --port {port}`), or use a fresh data folder (LER_DATA_DIR=var-new, "
        f"or delete {data_dir} to start over)."
    )
