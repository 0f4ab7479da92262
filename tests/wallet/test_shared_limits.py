"""Two wallet processes on one database share their rate limits (servicekit.shared_ratelimit):
the OAuth registrations per address and the failed sign-ins per address and account are
counted once for both, not once per process. Two app instances stand for two processes
(``ler serve wallet --workers 2``): each has its own memory, as a process does, and they share
the database and the data folder (its key-encryption key), as a role's processes do."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, WALLET_URL, WalletFactory, browser, sign_in, sign_up
from wallet.web.api.oauth import REGISTRATIONS_PER_MINUTE


def _two_processes(
    wallet_app: WalletFactory, database_url: str, tmp_path: Path
) -> tuple[FastAPI, FastAPI]:
    shared = {"database_url": database_url, "data_dir": tmp_path / "wallet-shared"}
    return wallet_app(**shared), wallet_app(**shared)


CLIENT = {"redirect_uris": ["https://platform.example/callback"], "client_name": "P"}


def test_two_processes_share_the_registration_limit(
    wallet_app: WalletFactory, database_url: str, tmp_path: Path
) -> None:
    first, second = _two_processes(wallet_app, database_url, tmp_path)
    at_first = TestClient(first, base_url=WALLET_URL)
    at_second = TestClient(second, base_url=WALLET_URL)
    for _ in range(REGISTRATIONS_PER_MINUTE):
        assert at_first.post("/oauth/register", json=CLIENT).status_code == 201
    refused = at_second.post("/oauth/register", json=CLIENT)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "slow_down"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_two_processes_share_the_failed_sign_ins(
    wallet_app: WalletFactory, database_url: str, tmp_path: Path
) -> None:
    first, second = _two_processes(wallet_app, database_url, tmp_path)
    sign_up(browser(first), ALICE)
    for _ in range(10):
        assert sign_in(browser(first), ALICE, "not the password").status_code == 401
    refused = sign_in(browser(second), ALICE)  # the right password, at the other process
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
