"""Webhook secrets at rest: the verifier reads them back to sign each delivery, so they are
sealed (not hashed) under its key-encryption key; never plain in the database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from servicekit.sealing import Kek, KekError
from verifier import store
from verifier.app import create_app
from verifier.settings import KEK_SETTING, Settings

SECRET = "ats-shared-secret-0123456789"


def verifier(data_dir: Path, kek: str | None = None) -> FastAPI:
    return create_app(Settings(data_dir=data_dir, registry_file=None, kek=kek))


def file_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("verifier.db*")))


def add_webhook(app: FastAPI) -> str:
    with app.state.inst.db.transaction() as tx:
        job = store.add_job(tx, "Care assistant", {}, created="2026-01-01T00:00:00Z")
        store.set_webhook(tx, job.id, "https://ats.test/hook", SECRET, created="now")
    return job.id


def stored(app: FastAPI) -> list[str]:
    with app.state.inst.db.transaction() as tx:
        return [r["secret"] for r in tx.all("SELECT secret FROM job_webhooks")]


def test_the_database_file_holds_no_webhook_secret(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    job_id = add_webhook(app)
    assert SECRET.encode() not in file_bytes(tmp_path)
    assert [value[:10] for value in stored(app)] == ["sealed:v1:"]
    with app.state.inst.db.transaction() as tx:
        found = store.get_webhook(tx, job_id)
    assert found is not None and found.secret == SECRET
    app.state.inst.db.close()


def test_legacy_plaintext_secrets_are_sealed_at_start(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    job_id = add_webhook(app)
    with app.state.inst.db.transaction() as tx:
        tx.execute("UPDATE job_webhooks SET secret = ?", (SECRET,))
    app.state.inst.db.close()
    again = verifier(tmp_path)
    assert [value[:10] for value in stored(again)] == ["sealed:v1:"]
    assert SECRET.encode() not in file_bytes(tmp_path)
    with again.state.inst.db.transaction() as tx:
        found = store.get_webhook(tx, job_id)
    assert found is not None and found.secret == SECRET
    again.state.inst.db.close()


def test_a_wrong_key_encryption_key_stops_the_start(tmp_path: Path) -> None:
    app = verifier(tmp_path)
    add_webhook(app)
    app.state.inst.db.close()
    with pytest.raises(KekError, match=KEK_SETTING):
        verifier(tmp_path, kek=Kek.generate().text())
