"""The background re-check (wallet.receiving.background): the app runs it while it is up,
and stops it when it shuts down; an interval of 0 turns it off."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from tests.wallet.conftest import WalletFactory


def _rechecking() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wallet-recheck" and t.is_alive()]


def test_the_app_runs_the_recheck_while_it_is_up(wallet_app: WalletFactory) -> None:
    before = set(_rechecking())
    with TestClient(wallet_app(recheck_interval=3600)):
        started = set(_rechecking()) - before
        assert len(started) == 1
    assert not started & set(_rechecking())  # stopped and joined at shutdown


def test_an_interval_of_zero_turns_it_off(wallet_app: WalletFactory) -> None:
    before = set(_rechecking())
    with TestClient(wallet_app(recheck_interval=0)):
        assert set(_rechecking()) == before
