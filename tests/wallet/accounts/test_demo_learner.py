"""The demo learner ``LER_DEMO_SEED`` seeds: one account, its password in a 0600 file, the
same on every start; a lost password file gives the account the new file's password."""

from __future__ import annotations

from pathlib import Path

from servicekit.demo_seed import LEARNER_EMAIL, read_password
from tests.wallet.conftest import WalletFactory, browser, sign_in


def test_off_by_default(wallet_app: WalletFactory, tmp_path: Path) -> None:
    app = wallet_app(data_dir=tmp_path / "w")
    assert not (tmp_path / "w" / "demo-learner.txt").exists()
    assert sign_in(browser(app), LEARNER_EMAIL, "anything at all").status_code == 401


def test_seeded_once_and_kept(wallet_app: WalletFactory, tmp_path: Path) -> None:
    data = tmp_path / "w"
    database = f"sqlite:///{tmp_path / 'wallet.db'}"
    first = wallet_app(database_url=database, data_dir=data, demo_seed=True)
    path = data / "demo-learner.txt"
    password = read_password(path)
    assert password is not None and len(password) >= 10
    assert path.stat().st_mode & 0o777 == 0o600
    assert sign_in(browser(first), LEARNER_EMAIL, password).status_code == 303
    again = wallet_app(database_url=database, data_dir=data, demo_seed=True)  # a restart
    assert read_password(path) == password
    assert sign_in(browser(again), LEARNER_EMAIL, password).status_code == 303
    with again.state.inst.db.transaction() as tx:
        assert tx.one("SELECT COUNT(*) AS n FROM accounts")["n"] == 1
        stored = tx.one("SELECT password_hash FROM accounts")["password_hash"]
    assert stored.startswith("$argon2id$")


def test_a_lost_password_file_resets_the_password(
    wallet_app: WalletFactory, tmp_path: Path
) -> None:
    data = tmp_path / "w"
    database = f"sqlite:///{tmp_path / 'wallet.db'}"
    wallet_app(database_url=database, data_dir=data, demo_seed=True)
    old = read_password(data / "demo-learner.txt")
    (data / "demo-learner.txt").unlink()
    app = wallet_app(database_url=database, data_dir=data, demo_seed=True)
    new = read_password(data / "demo-learner.txt")
    assert new is not None and new != old
    assert sign_in(browser(app), LEARNER_EMAIL, str(old)).status_code == 401
    assert sign_in(browser(app), LEARNER_EMAIL, new).status_code == 303
