"""The issuers' private keys at rest: sealed under the issuer's key-encryption key, never
plain JWK in the database; legacy plaintext sealed at start; a wrong key stops the start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from issuer import store
from issuer.organisations.identity import INSTALLATION_KEY_NAME as KEY_NAME
from issuer.settings import KEK_SETTING, Settings
from issuer.store.sealed import INSTALLATION_KEY
from servicekit.kek import KEK_FILE
from servicekit.sealing import Kek, KekError
from tests.issuer.conftest import AppFactory, authorized, verify_options
from tests.issuer.test_flow import issue
from vckit.verification import verify


def all_keys(app: FastAPI) -> list[store.KeyRecord]:
    with app.state.inst.db.transaction() as tx:
        return [k for i in store.list_issuers(tx) for k in store.keys_of(tx, i.slug)]


def stored_column(app: FastAPI) -> list[str]:
    with app.state.inst.db.transaction() as tx:
        return [r["private_jwk"] for r in tx.all("SELECT private_jwk FROM issuer_keys")]


def file_bytes(data_dir: Path) -> bytes:
    """The SQLite database as it sits on disk: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("issuer.db*")))


def test_the_database_file_holds_no_private_key(issuer_app: AppFactory) -> None:
    app = issuer_app()
    keys = all_keys(app)
    assert len(keys) == 16 and all("d" in k.private_jwk for k in keys)  # 4 issuers x 4 kinds
    raw = file_bytes(app.state.settings.data_dir)
    assert b'"d":' not in raw
    for key in keys:
        assert key.private_jwk["d"].encode() not in raw


def test_every_stored_key_is_sealed(issuer_app: AppFactory, database_url: str) -> None:
    app = issuer_app(database_url)
    assert {value.split(":")[:2] == ["sealed", "v1"] for value in stored_column(app)} == {True}
    issued = issue(authorized(app), "eddsa-rdfc-2022")  # and they still sign
    assert verify(issued["credential"], verify_options(authorized(app))).verdict == "pass"


def test_legacy_plaintext_keys_are_sealed_at_start(issuer_app: AppFactory) -> None:
    app = issuer_app()
    data_dir = app.state.settings.data_dir
    did_document = authorized(app).get("/issuers/food-safety/did.json").json()
    credential = issue(authorized(app), "vc-jwt")["credential"]
    keys = all_keys(app)
    with app.state.inst.db.transaction() as tx:  # as an issuer from before sealing left them
        for key in keys:
            tx.execute(
                "UPDATE issuer_keys SET private_jwk = ? WHERE id = ?",
                (json.dumps(key.private_jwk), key.id),
            )
    assert b'"d":' in file_bytes(data_dir)
    app.state.inst.db.close()

    again = issuer_app(data_dir=data_dir)
    assert all(value.startswith("sealed:v1:") for value in stored_column(again))
    assert all_keys(again) == keys
    assert b'"d":' not in file_bytes(data_dir)  # not even in freed pages or the log
    client = authorized(again)
    assert client.get("/issuers/food-safety/did.json").json() == did_document
    assert verify(credential, verify_options(client)).verdict == "pass"
    fresh = issue(client, "eddsa-rdfc-2022")["credential"]
    assert verify(fresh, verify_options(client)).verdict == "pass"


def test_a_wrong_key_encryption_key_stops_the_start_naming_the_setting(
    issuer_app: AppFactory,
) -> None:
    app = issuer_app()
    data_dir = app.state.settings.data_dir
    app.state.inst.db.close()
    with pytest.raises(KekError, match=KEK_SETTING):
        issuer_app(data_dir=data_dir, kek=Kek.generate().text())
    (data_dir / KEK_FILE).write_text(Kek.generate().text())
    with pytest.raises(KekError, match=KEK_SETTING):
        issuer_app(data_dir=data_dir)
    with pytest.raises(KekError, match=KEK_SETTING):
        issuer_app(data_dir=data_dir, kek="not-a-key")


def test_the_key_encryption_key_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    kek = Kek.generate().text()
    monkeypatch.setenv(KEK_SETTING, kek)
    assert Settings.from_env().kek_source.value == kek
    monkeypatch.delenv(KEK_SETTING)
    monkeypatch.setenv(f"{KEK_SETTING}_FILE", str(tmp_path / "kek"))
    assert Settings.from_env().kek_source.path == tmp_path / "kek"
    monkeypatch.delenv(f"{KEK_SETTING}_FILE")
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path))
    source = Settings.from_env().kek_source
    assert source.default_file and source.path == tmp_path / "issuer" / KEK_FILE


def test_the_installation_key_is_sealed_in_the_database_and_a_legacy_file_imported(
    issuer_app: AppFactory, tmp_path: Path
) -> None:
    app = issuer_app()
    data_dir = app.state.settings.data_dir
    with app.state.inst.db.transaction() as tx:
        row = tx.one("SELECT value FROM installation_secrets WHERE name = ?", (KEY_NAME,))
    assert row is not None
    stored = str(row["value"])
    assert stored.startswith("sealed:v1:") and '"d"' not in stored
    assert not (data_dir / INSTALLATION_KEY.name).exists()  # nothing on local disk
    key = app.state.identity.key
    well_known = authorized(app).get("/.well-known/did.json").json()
    app.state.inst.db.close()

    older = tmp_path / "from-before-sealing"  # a data folder an issuer from before sealing left
    older.mkdir()
    (older / INSTALLATION_KEY.name).write_text(json.dumps(key.to_private_jwk()))
    imported = issuer_app(data_dir=older)
    assert authorized(imported).get("/.well-known/did.json").json() == well_known
    imported.state.inst.db.close()
    with pytest.raises(KekError, match=KEK_SETTING):
        issuer_app(data_dir=data_dir, kek=Kek.generate().text())
