"""Any number of processes start together on an empty database: three issuers, three
wallets and three verifiers started at the same moment, demo seeding on (the issuer's
catalogue, the demo learner, the demo employers and job), on empty PostgreSQL databases
and on empty SQLite files. Every one starts and serves: migrations and seeding run under
the database's start-up lock (``servicekit.db.Database.exclusive``), one process after
another, so none trips over another's ``CREATE TABLE`` or demo issuer.

The processes of a role share a data folder, as replicas share a volume, and the role's
key-encryption key comes from the environment, as it does from a secret store.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import httpx
import pytest

from tests.processes import ROOT, ServiceProcess, services

ROLES = ("issuer", "wallet", "verifier")
REPLICAS = 3
SETTINGS = {
    "LER_ISSUER_DEMO": str(ROOT / "examples" / "issuers.json"),
    "LER_DEMO_SEED": "1",
    "LER_WALLET_RECHECK_INTERVAL": "0",
}
_names = itertools.count(1)


def empty_databases(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """One empty database per role."""
    if engine == "sqlite":
        return {role: f"sqlite:///{tmp_path / 'db' / role}.db" for role in ROLES}
    import psycopg

    server: str = request.getfixturevalue("postgres_server")
    urls = {}
    with psycopg.connect(server, autocommit=True) as connection:
        for role in ROLES:
            name = f"together_{os.getpid()}_{next(_names)}_{role}"
            connection.execute(f"CREATE DATABASE {name}")
            urls[role] = server.replace("/postgres?", f"/{name}?")
    return urls


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_three_processes_of_each_service_start_together_on_an_empty_database(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    urls = empty_databases(engine, tmp_path, request)
    data = tmp_path / "data"
    with services() as running:
        for role in ROLES:
            running += [ServiceProcess(role, urls[role], data, SETTINGS) for _ in range(REPLICAS)]
        for process in running:  # all at the same moment: nobody waits for anybody
            process.start()
        for process in running:
            process.wait_ready(240)
        for process in running:
            assert process.alive()
            assert httpx.get(f"{process.url}/", timeout=10).status_code == 200
        issuers = httpx.get(f"{running[0].url}/issuers", timeout=10)
    assert issuers.status_code == 200, issuers.text
