"""Failure limits on every sign-in and token check (:mod:`servicekit.ratelimit`): after 10
failures in 5 minutes the address (and, for passwords, the account) gets 429 problem+json
or the error page with ``Retry-After``, even with the right secret, until the window has
passed. The verifier's own cases (staff passwords, API tokens) are in
tests/verifier/web/test_access.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from servicekit.ratelimit import FailureLimiter
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

TOKEN = "the-issuer-token-0123456789"
PASSWORD = "a long and memorable passphrase"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_window_slides() -> None:
    limiter = FailureLimiter(max_failures=3, window=timedelta(minutes=5))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for second in range(3):
        limiter.failed(["addr:a"], start + timedelta(seconds=second))
    assert limiter.retry_after(["addr:a"], start + timedelta(seconds=10)) == 290
    assert limiter.retry_after(["addr:b"], start) is None  # other keys are not touched
    assert limiter.retry_after(["addr:a"], start + timedelta(minutes=5, seconds=1)) is None


def test_ten_wrong_passwords_lock_a_learner_s_sign_in(tmp_path: Path) -> None:
    wallet = TestClient(create_wallet(WalletSettings(data_dir=tmp_path)), base_url="https://w")
    page = wallet.get("/sign-up")
    fields = {"email": "ada@example.org", "password": PASSWORD, "password_again": PASSWORD}
    wallet.post("/sign-up", data={**fields, "csrf": csrf_of(page.text)})
    wallet.cookies.clear()
    csrf = csrf_of(wallet.get("/sign-in").text)
    wrong = {"email": "ada@example.org", "password": "not the password", "csrf": csrf}
    for _ in range(10):
        assert wallet.post("/sign-in", data=wrong).status_code == 401
    right = {**wrong, "password": PASSWORD}
    locked = wallet.post("/sign-in", data=right, follow_redirects=False)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_ten_wrong_tokens_lock_the_issuer_s_api_and_sign_in(tmp_path: Path) -> None:
    app = create_issuer(IssuerSettings(data_dir=tmp_path, api_token=TOKEN))
    client = TestClient(app, base_url="https://issuer.test")
    for _ in range(10):
        wrong = client.get("/issuers/community-college/credentials",
                           headers={"Authorization": "Bearer wrong"})  # fmt: skip
        assert wrong.status_code == 403
    locked = client.get("/issuers/community-college/credentials",
                        headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert locked.json()["type"] == "urn:ler:problem:rate-limited"
    csrf = csrf_of(client.get("/sign-in").text)
    form = client.post("/sign-in", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert form.status_code == 429  # the same address, at the form too


def test_ten_wrong_tokens_at_the_issuer_s_sign_in_form_lock_it(tmp_path: Path) -> None:
    app = create_issuer(IssuerSettings(data_dir=tmp_path, api_token=TOKEN))
    client = TestClient(app, base_url="https://issuer.test")
    csrf = csrf_of(client.get("/sign-in").text)
    for _ in range(10):
        assert client.post("/sign-in", data={"token": "wrong", "csrf": csrf}).status_code == 403
    locked = client.post("/sign-in", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
