"""Liveness (``/healthz``) and readiness (``/readyz``) on all four services, over HTTP.

Readiness is a trivial query to the service's database: when the database is gone (its
SQLite folder removed, its PostgreSQL database dropped) the answer is 503 problem+json,
while ``/healthz`` (the process answers) stays 200.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing
from landing.settings import Settings as LandingSettings
from servicekit.db import Database
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

Factory = Callable[[Path, str | None], tuple[FastAPI, Database]]


def issuer(data: Path, url: str | None) -> tuple[FastAPI, Database]:
    app = create_issuer(IssuerSettings(data_dir=data, database_url=url, api_token="t" * 20))
    return app, app.state.inst.db


def wallet(data: Path, url: str | None) -> tuple[FastAPI, Database]:
    app = create_wallet(WalletSettings(data_dir=data, database_url=url))
    return app, app.state.inst.db


def verifier(data: Path, url: str | None) -> tuple[FastAPI, Database]:
    app = create_verifier(VerifierSettings(data_dir=data, database_url=url))
    return app, app.state.inst.db


SERVICES = {"issuer": issuer, "wallet": wallet, "verifier": verifier}


@pytest.mark.parametrize("name", SERVICES)
def test_live_and_ready_then_not_ready_when_the_sqlite_database_is_gone(
    name: str, tmp_path: Path
) -> None:
    data = tmp_path / name
    app, db = SERVICES[name](data, None)
    client = TestClient(app)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}

    db.close()
    shutil.rmtree(data)  # the folder and the database file in it
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert gone.json()["type"] == "urn:ler:problem:not-ready"
    assert gone.json()["checks"] == {"database": "fail"}
    assert str(data) not in gone.text  # nothing about where the database lives
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("name", SERVICES)
def test_not_ready_when_the_postgresql_database_is_dropped(
    name: str, tmp_path: Path, postgres_url: str, postgres_server: str
) -> None:
    import psycopg

    app, db = SERVICES[name](tmp_path / name, postgres_url)
    client = TestClient(app)
    assert client.get("/readyz").status_code == 200
    db.close()
    database = postgres_url.split("/")[3].split("?")[0]
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {database} WITH (FORCE)")
    gone = client.get("/readyz")
    assert gone.status_code == 503, gone.text
    assert "postgres" not in gone.text.lower()  # never the URL or the driver's message
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_landing_service_has_no_database_and_is_ready_when_up() -> None:
    client = TestClient(create_landing(LandingSettings()))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "checks": {}}
