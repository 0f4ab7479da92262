"""The production shape: docker-compose.yml and the Dockerfile say only true things.

Read without Docker: every role has a service; each command is a real ``ler`` sub-command
for that role on its port; every environment variable a service is given is one its
settings actually read (recorded while ``Settings.from_env()`` runs); health checks ask the
service's own port for a route its app really has; the image holds every package the wheel
is built from and runs as a non-root user. ``docker compose config`` is not needed (and not
run): the Docker daemon may be absent.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from demo import cli as demo_cli
from ler.cli import parser as ler_parser
from servicekit.serve import TRUSTED_PROXIES

ROOT = Path(__file__).resolve().parents[1]
PORTS = {"landing": 8000, "issuer": 8001, "wallet": 8002, "verifier": 8003}
ROLES = tuple(PORTS)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
HEALTH_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/[a-z]+)")


class RecordingEnviron(dict[str, str]):
    """``os.environ`` stand-in that remembers every name looked up."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def interpolated(environment: dict[str, Any]) -> dict[str, str]:
    """Compose's ``${NAME:-default}`` / ``${NAME}`` with NAME unset (POSTGRES_PASSWORD: x)."""

    def value(text: str) -> str:
        text = re.sub(r"\$\{POSTGRES_PASSWORD[^}]*\}", "x", text)
        return re.sub(r"\$\{[A-Z_]+(?::?-([^}]*))?\}", lambda m: m.group(1) or "", text)

    return {name: value(str(v)) for name, v in environment.items()}


def from_env(role: str) -> Callable[[], Any]:
    if role == "issuer":
        from issuer.settings import Settings as IssuerSettings

        return IssuerSettings.from_env
    if role == "wallet":
        from wallet.settings import Settings as WalletSettings

        return WalletSettings.from_env
    if role == "verifier":
        from verifier.settings import Settings as VerifierSettings

        return VerifierSettings.from_env
    from landing.settings import Settings as LandingSettings

    return LandingSettings.from_env


@pytest.fixture
def environ(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[dict[str, str]], RecordingEnviron]]:
    def install(values: dict[str, str]) -> RecordingEnviron:
        recording = RecordingEnviron(values)
        monkeypatch.setattr(os, "environ", recording)
        return recording

    yield install


def port_of(service: dict[str, Any]) -> int:
    command = service["command"]
    return int(command[command.index("--port") + 1])


def replicas(role: str) -> list[str]:
    """The services running ``ler serve <role>``: the role and its replicas (``issuer-2``)."""
    return [
        name
        for name, service in SERVICES.items()
        if service.get("command", [])[:3] == ["ler", "serve", role]
    ]


def balanced() -> dict[int, set[int]]:
    """The balancer's public ports and, for each, the replica ports it spreads over."""
    conf = (ROOT / "deploy" / "balancer.conf").read_text()
    upstreams = {
        name: {int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+);", body)}
        for name, body in re.findall(r"upstream (\w+)\s*\{([^}]*)\}", conf)
    }
    servers = re.findall(r"listen (\d+);\s*location / \{ proxy_pass http://(\w+); \}", conf)
    return {int(port): upstreams[name] for port, name in servers}


def test_every_role_and_postgresql_15_are_there() -> None:
    assert set(ROLES) | {"postgres"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:15")
    images = {SERVICES[role]["image"] for role in ROLES}
    assert len(images) == 1, "one image for every role"
    assert all(SERVICES[role]["build"] == "." for role in ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_runs_ler_serve_for_itself(role: str) -> None:
    for name in replicas(role):
        command = SERVICES[name]["command"]
        args = ler_parser().parse_args(command[1:])  # argparse exits on a sub-command ler lacks
        assert (args.command, args.role, args.host) == ("serve", role, "0.0.0.0")
    ports = {port_of(SERVICES[name]) for name in replicas(role)}
    if role == "landing":
        assert ports == {PORTS[role]}
    else:  # several replicas, all behind the balancer's public port of the role
        assert len(replicas(role)) >= 2 and balanced()[PORTS[role]] == ports


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_replicas_of_a_role_share_its_database_and_data_volume(role: str) -> None:
    first, *others = (SERVICES[name] for name in replicas(role))
    for other in others:
        assert other["environment"] == first["environment"]
        assert other["volumes"] == first["volumes"]


def test_the_demo_service_runs_ler_demo_against_the_services() -> None:
    demo = SERVICES["demo"]
    args = ler_parser().parse_args(demo["command"][1:])
    assert args.command == "demo" and not args.start
    assert {"issuer", "wallet", "verifier"} <= set(demo["depends_on"])


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_given_is_one_the_settings_read(
    role: str, environ: Callable[[dict[str, str]], RecordingEnviron]
) -> None:
    given = interpolated(SERVICES[role]["environment"])
    recording = environ(given)
    settings = from_env(role)()
    unread = set(given) - recording.read - {TRUSTED_PROXIES}  # read by servicekit.serve
    assert not unread, f"{role} is given {sorted(unread)}, which its settings never read"
    if role != "landing":  # the stores are PostgreSQL databases, one per service
        url = settings.database_url
        assert url.startswith("postgresql://ler:x@localhost:5432/"), url
        assert url.endswith(f"/{role}")
        assert str(settings.data_dir).startswith("/data")
        assert f"{role}-data:/data" in SERVICES[role]["volumes"]


def test_the_demo_reads_its_token_as_the_issuer_writes_it(
    environ: Callable[[dict[str, str]], RecordingEnviron],
) -> None:
    demo = SERVICES["demo"]
    given = interpolated(demo["environment"])
    recording = environ(given)
    args = ler_parser().parse_args(demo["command"][1:])
    with pytest.raises(demo_cli.Unusable, match="/issuer-data/issuer/api-token"):
        demo_cli.issuer_token(args)  # the issuer volume is not mounted here
    assert set(given) <= recording.read
    assert args.issuer_url == "http://localhost:8001"
    assert "issuer-data:/issuer-data:ro" in demo["volumes"]


def status_of(role: str, path: str, tmp_path: Path) -> int:
    """What the role's real app (built on ``tmp_path``, SQLite) answers to GET ``path``."""
    from dataclasses import replace

    from issuer.app import create_app as issuer_app
    from landing.app import create_app as landing_app
    from verifier.app import create_app as verifier_app
    from wallet.app import create_app as wallet_app

    factories: dict[str, Callable[[Any], Any]] = {
        "issuer": issuer_app, "wallet": wallet_app, "verifier": verifier_app,
        "landing": landing_app,
    }  # fmt: skip
    settings = from_env(role)()
    if role != "landing":
        settings = replace(settings, data_dir=tmp_path / role)
    app = factories[role](settings)
    with TestClient(app) as client:
        status = client.get(path).status_code
    inst = getattr(app.state, "inst", None)
    db = getattr(inst, "db", None) or getattr(app.state, "db", None)
    if db is not None:
        db.close()
    return status


@pytest.mark.parametrize("role", ROLES)
def test_health_checks_ask_the_service_for_a_route_it_has(
    role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("LER_"):
            monkeypatch.delenv(name)
    test = SERVICES[role]["healthcheck"]["test"]
    found = HEALTH_URL.search(" ".join(test))
    assert found, test
    port, path = int(found.group(1)), found.group(2)
    assert port == port_of(SERVICES[role])
    for name in replicas(role):  # each replica's check asks its own port
        assert f"127.0.0.1:{port_of(SERVICES[name])}/" in " ".join(
            SERVICES[name]["healthcheck"]["test"]
        )
    assert path in ("/healthz", "/readyz")
    assert status_of(role, path, tmp_path) == 200


def test_the_services_share_postgres_network_and_publish_their_ports() -> None:
    published = {int(p.rsplit(":", 2)[-1]) for p in SERVICES["postgres"]["ports"]}
    for role in ROLES:
        for name in replicas(role):
            assert SERVICES[name]["network_mode"] == "service:postgres"
    assert SERVICES["balancer"]["network_mode"] == "service:postgres"
    assert published == {PORTS["landing"], *balanced()}
    assert 5432 not in published, "PostgreSQL stays private to the services"


def test_the_image_holds_every_package_and_runs_as_a_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    for package in packages:
        assert f"COPY {package}/ {package}/" in dockerfile, f"the image lacks {package}/"
    assert re.search(r"^FROM python:3\.11-slim\s*$", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    for path in ("examples/issuers.json", "examples/registry.json"):
        assert (ROOT / path).exists()
    assert "LER_ISSUER_DEMO=/app/examples/issuers.json" in dockerfile
    assert "COPY examples/achievements/ /app/examples/achievements/" in dockerfile
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    assert "CREATE DATABASE wallet;" in init and "CREATE DATABASE verifier;" in init
    assert SERVICES["postgres"]["environment"]["POSTGRES_DB"] == "issuer"


def test_ler_serve_starts_one_service_alone_and_stops_on_sigterm(tmp_path: Path) -> None:
    """What each container runs: ``ler serve ROLE --host --port``, settings from the env."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    outside = {k: v for k, v in os.environ.items() if not k.startswith("LER_")}
    env = {**outside, "LER_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env["LER_WALLET_URL"] = f"http://localhost:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "ler.cli", "serve", "wallet", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1][-2000:]
                assert time.monotonic() < deadline, "ler serve wallet did not start"
                time.sleep(0.2)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok"}
        assert (tmp_path / "wallet" / "wallet.db").exists()  # LER_DATA_DIR was read
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal (the Unix convention)
    assert process.returncode in (0, -signal.SIGTERM), err[-2000:]
    assert "Application shutdown complete" in err
