"""The learners' holder keys at rest: sealed under the wallet's key-encryption key, never a
plain JWK in the database file; legacy plaintext sealed at start; a wrong key stops the start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from servicekit.sealing import Kek, KekError
from servicekit.sessions import SECRET_FILE
from tests.wallet.conftest import WalletFactory
from wallet import accounts, store
from wallet.settings import KEK_SETTING

PASSWORD = "correct horse battery staple"


def file_bytes(data_dir: Path) -> bytes:
    """The SQLite database as it sits on disk: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("wallet.db*")))


def stored(app: FastAPI) -> list[str]:
    with app.state.inst.db.transaction() as tx:
        return [r["holder_jwk"] for r in tx.all("SELECT holder_jwk FROM accounts")]


def sign_up_two(app: FastAPI) -> list[accounts.AccountRecord]:
    inst = app.state.inst
    return [accounts.sign_up(inst, f"{name}@example.org", PASSWORD) for name in ("ada", "bo")]


def test_the_database_file_holds_no_holder_key(wallet_app: WalletFactory) -> None:
    app = wallet_app()
    made = sign_up_two(app)
    raw = file_bytes(app.state.settings.data_dir)
    assert b'"d":' not in raw
    for account in made:
        assert account.holder_jwk["d"].encode() not in raw
        assert accounts.get(app.state.inst, account.id).holder_jwk == account.holder_jwk


def test_every_stored_holder_key_is_sealed(wallet_app: WalletFactory, database_url: str) -> None:
    app = wallet_app(database_url)
    sign_up_two(app)
    assert [value[:10] for value in stored(app)] == ["sealed:v1:"] * 2


def test_legacy_plaintext_holder_keys_are_sealed_at_start(wallet_app: WalletFactory) -> None:
    app = wallet_app()
    data_dir = app.state.settings.data_dir
    made = sign_up_two(app)
    with app.state.inst.db.transaction() as tx:  # as a wallet from before sealing left them
        for account in made:
            tx.execute(
                "UPDATE accounts SET holder_jwk = ? WHERE id = ?",
                (json.dumps(account.holder_jwk), account.id),
            )
    app.state.inst.db.close()

    again = wallet_app(data_dir=data_dir)
    assert all(value.startswith("sealed:v1:") for value in stored(again))
    assert b'"d":' not in file_bytes(data_dir)  # not even in freed pages or the log
    signed_in = accounts.sign_in(again.state.inst, "ada@example.org", PASSWORD)
    assert accounts.holder_key(again.state.inst, signed_in).to_private_jwk() == (made[0].holder_jwk)


def test_a_wrong_key_encryption_key_stops_the_start_naming_the_setting(
    wallet_app: WalletFactory,
) -> None:
    app = wallet_app()
    data_dir = app.state.settings.data_dir
    sign_up_two(app)
    app.state.inst.db.close()
    with pytest.raises(KekError, match=KEK_SETTING):
        wallet_app(data_dir=data_dir, kek=Kek.generate().text())


def test_the_session_secret_is_sealed_in_the_database_and_a_legacy_file_imported(
    wallet_app: WalletFactory, tmp_path: Path
) -> None:
    app = wallet_app()
    secret = app.state.sessions.secret
    assert not (app.state.settings.data_dir / SECRET_FILE).exists()  # nothing on local disk
    with app.state.inst.db.transaction() as tx:
        row = tx.one("SELECT value FROM installation_secrets WHERE name = 'session-secret'")
    assert row is not None and row["value"].startswith("sealed:v1:")
    assert secret.hex() not in row["value"]

    older = tmp_path / "older-wallet"  # as a wallet from before sealing left its folder
    older.mkdir()
    (older / SECRET_FILE).write_text("ab" * 32 + "\n")
    imported = wallet_app(data_dir=older)  # its first start of this version
    assert imported.state.sessions.secret == bytes.fromhex("ab" * 32)  # its sessions still read
    (older / SECRET_FILE).write_text("cd" * 32 + "\n")
    imported.state.inst.db.close()
    again = wallet_app(data_dir=older)
    assert again.state.sessions.secret == bytes.fromhex("ab" * 32)  # the database wins now


def test_an_offers_access_token_is_sealed_and_never_exported(
    wallet_app: WalletFactory, database_url: str
) -> None:
    """The OpenID4VCI access token a receive keeps until the credential is stored (crash-safe
    receiving) is a secret like the holder key: sealed in the database, out of the export."""
    app = wallet_app(database_url)
    inst = app.state.inst
    account = sign_up_two(app)[0]
    token = "access-token-that-must-not-leak-0123456789"
    with inst.db.transaction() as tx:
        offer = store.add_offer(
            tx,
            account.id,
            {"credential_issuer": "https://x.example"},
            state="pending",
            created="2026-12-06T00:00:00+00:00",
        )
        assert store.advance_offer(tx, account.id, offer.id, expect="pending",
                                   state="authorized", updated="2026-12-06T00:00:01+00:00",
                                   access_token=token)  # fmt: skip
    with inst.db.transaction() as tx:
        raw = tx.one("SELECT access_token FROM offers WHERE id = ?", (offer.id,))
        assert raw is not None and raw["access_token"].startswith("sealed:v1:")
        kept = store.get_offer(tx, account.id, offer.id)
    assert kept is not None and kept.access_token == token
    if database_url.startswith("sqlite"):
        assert token.encode() not in file_bytes(app.state.settings.data_dir)
    assert token not in json.dumps(accounts.export(inst, account.id))
