"""``ler keys rotate-kek``: every service's sealed secrets move to a new key-encryption key;
after a restart the issuer's keys still sign and verify, the wallet's holder keys and the
verifier's webhook secrets are the same, and the old key opens nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from issuer.store.sealed import INSTALLATION_KEY, ISSUER_KEYS
from ler.cli import main
from servicekit.db import Database
from servicekit.installation_secrets import SECRETS
from servicekit.kek import KEK_FILE, sealed_file
from servicekit.sealing import Kek, KekError, KeyRing, SealedColumn
from tests.issuer.conftest import BASE_URL, TOKEN, authorized, verify_options
from tests.issuer.test_flow import issue
from vckit.keys.keypair import KeyPair
from vckit.verification import verify
from verifier import store as verifier_store
from verifier.app import create_app as create_verifier
from verifier.settings import KEK_SETTING as VERIFIER_KEK
from verifier.settings import Settings as VerifierSettings
from verifier.store.sealed import WEBHOOK_SECRETS
from wallet import accounts
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings
from wallet.store.sealed import HOLDER_KEYS

SECRET = "a-webhook-secret-of-the-employer"


def issuer(root: Path) -> FastAPI:
    return create_issuer(
        IssuerSettings(base_url=BASE_URL, data_dir=root / "issuer", api_token=TOKEN)
    )


def wallet(root: Path) -> FastAPI:
    return create_wallet(WalletSettings(data_dir=root / "wallet", recheck_interval=0))


def verifier(root: Path, **settings: Any) -> FastAPI:
    return create_verifier(
        VerifierSettings(data_dir=root / "verifier", registry_file=None, **settings)
    )


def add_webhook(app: FastAPI) -> str:
    with app.state.inst.db.transaction() as tx:
        job = verifier_store.add_job(tx, "Care assistant", {}, created="2026-01-01T00:00:00Z")
        verifier_store.set_webhook(tx, job.id, "https://ats.test/hook", SECRET, created="x")
    return job.id


def webhook_secret(app: FastAPI, job_id: str) -> str:
    with app.state.inst.db.transaction() as tx:
        found = verifier_store.get_webhook(tx, job_id)
    assert found is not None
    return found.secret


def later() -> datetime:
    """A little after now: the services run on the wall clock here."""
    return datetime.now(UTC) + timedelta(minutes=1)


def close(*apps: FastAPI) -> None:
    for app in apps:
        app.state.inst.db.close()


def kek_of(root: Path, service: str) -> Kek:
    return Kek.from_text((root / service / KEK_FILE).read_text(), "test")


def assert_opens_nothing(app: FastAPI, column: SealedColumn, old: Kek) -> None:
    with app.state.inst.db.transaction() as tx:
        rows = tx.all(f"SELECT {column.id_column} AS id, {column.column} AS v FROM {column.table}")
    assert rows
    for row in rows:
        assert row["v"].startswith("sealed:v1:")
        with pytest.raises(KekError):
            column.open(KeyRing(old), row["id"], row["v"])


def test_rotate_every_service_then_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "var"
    issuing, holding, checking = issuer(root), wallet(root), verifier(root)
    credential = issue(authorized(issuing), "eddsa-rdfc-2022")["credential"]
    installation_did = issuing.state.identity.did_document()
    account = accounts.sign_up(holding.state.inst, "ada@example.org", "correct horse battery")
    job_id = add_webhook(checking)
    close(issuing, holding, checking)
    old = {name: kek_of(root, name) for name in ("issuer", "wallet", "verifier")}

    assert main(["keys", "rotate-kek", "--data-dir", str(root)]) == 0
    out = capsys.readouterr().out
    # 16 keys (4 issuers x 4); the installation key, the c_nonce key, the session secret
    assert "issuer: 19 sealed values now under key" in out
    assert "wallet: 2 sealed values" in out  # a holder key, the session secret
    assert "verifier: 2 sealed values" in out  # a webhook secret, the session secret
    assert all(old[name].text() not in out for name in old)  # file keys are never printed
    for name in old:
        assert kek_of(root, name) != old[name]
        assert kek_of(root, name).kid in out
        assert (root / name / KEK_FILE).stat().st_mode & 0o777 == 0o600

    issuing, holding, checking = issuer(root), wallet(root), verifier(root)
    client = authorized(issuing)
    assert (
        verify(credential, verify_options(client, now=later())).verdict == "pass"
    )  # signed before
    fresh = issue(client, "ecdsa-rdfc-2019")["credential"]
    assert verify(fresh, verify_options(client, now=later())).verdict == "pass"
    assert accounts.get(holding.state.inst, account.id).holder_jwk == account.holder_jwk
    assert webhook_secret(checking, job_id) == SECRET
    assert_opens_nothing(issuing, ISSUER_KEYS, old["issuer"])
    assert issuing.state.identity.did_document() == installation_did  # the same key
    assert_opens_nothing(issuing, SECRETS, old["issuer"])
    assert_opens_nothing(holding, HOLDER_KEYS, old["wallet"])
    assert_opens_nothing(checking, WEBHOOK_SECRETS, old["verifier"])
    for app, service in ((holding, "wallet"), (checking, "verifier")):
        assert_opens_nothing(app, SECRETS, old[service])  # the session secrets
    close(issuing, holding, checking)


def test_an_older_database_and_data_folder_are_rotated_then_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version before the installation secrets moved into the database: its files, its
    schema without ``installation_secrets``. Rotating first, then starting, keeps the key."""
    root = tmp_path / "var"
    close(issuer(root))
    old_kek = kek_of(root, "issuer")
    folder = root / "issuer"
    jwk = KeyPair.generate("Ed25519").to_private_jwk()
    sealed_file(folder, INSTALLATION_KEY, KeyRing(old_kek), lambda: json.dumps(jwk))
    db = Database.connect(f"sqlite:///{folder / 'issuer.db'}")
    with db.transaction() as tx:  # as the older version left its database
        tx.execute("DROP TABLE installation_secrets")
        tx.execute("DELETE FROM schema_version WHERE description LIKE 'installation_secrets%'")
    db.close()

    assert main(["keys", "rotate-kek", "--service", "issuer", "--data-dir", str(root)]) == 0
    assert "issuer: 17 sealed values" in capsys.readouterr().out  # 16 keys, the key file
    started = issuer(root)  # imports the file, sealed under the new key now
    assert started.state.identity.key.to_private_jwk() == jwk
    close(started)


def test_a_key_from_the_environment_is_printed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "var"
    old = Kek.generate()
    checking = verifier(root, kek=old.text())
    job_id = add_webhook(checking)
    close(checking)
    monkeypatch.setenv(VERIFIER_KEK, old.text())

    assert main(["keys", "rotate-kek", "--service", "verifier", "--data-dir", str(root)]) == 0
    out = capsys.readouterr().out
    shown = [line for line in out.splitlines() if "shown once" in line]
    assert len(shown) == 1 and VERIFIER_KEK in out
    new = Kek.from_text(shown[0].rsplit(" ", 1)[1], "test")
    assert not (root / "verifier" / KEK_FILE).exists()

    with pytest.raises(KekError, match=VERIFIER_KEK):
        verifier(root, kek=old.text())
    checking = verifier(root, kek=new.text())
    assert webhook_secret(checking, job_id) == SECRET
    assert_opens_nothing(checking, WEBHOOK_SECRETS, old)
    close(checking)


def test_a_service_without_a_database_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate-kek", "--service", "wallet", "--data-dir", str(tmp_path)]) == 0
    assert "wallet: no database" in capsys.readouterr().out
    assert not (tmp_path / "wallet").exists()
