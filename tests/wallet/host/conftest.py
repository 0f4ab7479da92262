"""The wallet as an Open Badges host, with the real issuer app beside it (its did:web
documents and status lists reach the wallet through :class:`tests.wallet.conftest.AppsTransport`).

``host``: the wallet app, Alice's signed-in browser, an API client without cookies (the
platform's side), a client of the issuer's API, and Alice's DID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, ISSUER_HOST, WALLET_URL, WalletFactory, browser, sign_up
from tests.wallet.held import issue, issuer_client
from wallet import store


@dataclass
class Host:
    app: FastAPI
    learner: TestClient  # Alice's browser, signed in
    api: TestClient  # a platform calling the host: no cookies
    issuer: TestClient
    did: str

    def issued(self, format: str = "eddsa-rdfc-2022", **extra: Any) -> dict[str, Any] | str:
        """A credential the real issuer issues to Alice's DID."""
        body = issue(self.issuer, format, recipient={"did": self.did}, **extra)
        credential: dict[str, Any] | str = body["credential"]
        return credential


@pytest.fixture
def host(wallet_app: WalletFactory, issuer_service: FastAPI) -> Host:
    app = wallet_app(apps={ISSUER_HOST: issuer_service})
    learner = sign_up(browser(app), ALICE)
    with app.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, ALICE)
    assert account is not None
    return Host(app, learner, TestClient(app, base_url=WALLET_URL), issuer_client(issuer_service),
                account.did)  # fmt: skip
