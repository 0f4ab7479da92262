"""The hostile-input suite's services: the four real apps, in-process, each with a client
that sees a 500 as an answer (``raise_server_exceptions=False``) instead of an exception.

* ``services``  one :class:`Service` per app (issuer, wallet, verifier, landing), made once
                per test module on a temporary folder: the issuer with its demo issuers and
                an API token, the wallet with one signed-up learner who holds a credential
                JSON-LD cannot expand, the verifier as on main with its demo job.
                None of them reaches the network: the wallet's and the landing page's
                outbound requests and the verifier's fetches all fail.
* ``Service.auth``  what an authenticated client of the service sends (the issuer's bearer
                token; the wallet learner's session cookie). **The verifier's credentials go
                in** :func:`verifier_auth` **alone**: when its API needs a token, that is the
                one line to change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing
from landing.settings import Settings as LandingSettings
from tests.verifier.callers import EMPLOYER, org_token
from tests.wallet.conftest import ALICE, sign_up
from tests.wallet.held import keep
from verifier.accounts.staff import organisation
from verifier.app import create_app as create_verifier
from verifier.jobs import demo_job
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

ISSUER_TOKEN = "hostile-suite-token-0123456789"
WALLET_URL = "https://wallet.test"
RELATIVE_CONTEXT: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "relative/ctx"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner", "name": "Alex"},
}
"""A credential JSON-LD cannot expand (a relative context IRI): held by the wallet's learner."""
PASSED = {"verdict": "PASS", "checks": [{"id": "proof", "status": "pass", "detail": "as stored"}]}
"""The report it is stored with: the worst case, a report that says it verified."""


@dataclass
class Service:
    name: str
    app: FastAPI
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    """Path parameters naming things that exist (an issuer's slug and one of its achievements,
    so the image routes are reached; a held credential)"""

    def client(self, *, authenticated: bool = True) -> TestClient:
        """A client that sees a 500 as a response (the suite asserts there is none)."""
        client = TestClient(self.app, base_url=self.base_url, raise_server_exceptions=False)
        if authenticated:
            client.headers.update(self.headers)
            client.cookies.update(self.cookies)
        return client


class NoNetwork(httpx.BaseTransport):
    """Every outbound request fails, as on a machine without a network."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"the hostile suite reaches no network ({request.url.host})")


def no_fetch(url: str) -> bytes:
    raise OSError("the hostile suite reaches no network")


def verifier_auth(app: FastAPI) -> dict[str, str]:
    """The headers an authorized client of the verifier sends: an API token (every scope)
    of the demo employer, whose demo job the suite knows."""
    return {"Authorization": f"Bearer {org_token(app, EMPLOYER)}"}


def _employer_id(app: FastAPI) -> str:
    return organisation(app.state.inst, EMPLOYER).id


def _wallet_session(app: FastAPI) -> dict[str, str]:
    browser = TestClient(app, base_url=WALLET_URL)
    sign_up(browser)
    return dict(browser.cookies.items())


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Service]]:
    root: Path = tmp_path_factory.mktemp("hostile")
    issuer = create_issuer(
        IssuerSettings(
            base_url="https://issuer.test",
            data_dir=root / "issuer",
            api_token=ISSUER_TOKEN,
            demo_file=EXAMPLES / "issuers.json",
        )
    )
    wallet = create_wallet(
        WalletSettings(base_url=WALLET_URL, data_dir=root / "wallet"), transport=NoNetwork()
    )
    verifier = create_verifier(
        VerifierSettings(data_dir=root / "verifier", demo_seed=True), fetch=no_fetch
    )
    landing = create_landing(LandingSettings(stats_timeout=0.5), transport=NoNetwork())
    session = _wallet_session(wallet)
    made = {
        "issuer": Service(
            "issuer", issuer, "https://issuer.test", {"Authorization": f"Bearer {ISSUER_TOKEN}"},
            known={"slug": "community-college", "achievement": "fundamentals-of-nursing-1"},
        ),
        "wallet": Service(
            "wallet", wallet, WALLET_URL, cookies=session,
            known={"credential_id": keep(wallet, ALICE, RELATIVE_CONTEXT, PASSED)},
        ),
        "verifier": Service(
            "verifier", verifier, "https://verifier.test", verifier_auth(verifier),
            known={"job_id": demo_job.seed(verifier.state.inst, _employer_id(verifier)).id},
        ),
        "landing": Service("landing", landing, "https://landing.test"),
    }  # fmt: skip
    yield made
    for app in (issuer, wallet, verifier):
        app.state.inst.db.close()


def settings_of(service: Service) -> Any:
    return service.app.state.settings
