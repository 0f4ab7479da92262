"""Landing test fixtures: the four real apps, reaching each other in-process.

``demo`` builds the issuer (demo issuers, frozen clock), the wallet and the verifier (its
fetch served by the issuer app), and the landing app whose httpx transport
(:class:`tests.wallet.conftest.AppsTransport`) hands ``https://issuer.test``,
``https://wallet.test`` and ``https://verifier.test`` to those apps. Nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer_app
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing_app
from landing.settings import Settings as LandingSettings
from tests.wallet.conftest import FROZEN, AppsTransport, Clock
from verifier.app import create_app as create_verifier_app
from verifier.checking.registry import REGISTRY_FILE
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet_app
from wallet.settings import Settings as WalletSettings

ISSUER_URL = "https://issuer.test"
WALLET_URL = "https://wallet.test"
VERIFIER_URL = "https://verifier.test"
LANDING_URL = "https://landing.test"
TOKEN = "landing-test-issuer-token-0123"


@dataclass
class Demo:
    issuer: FastAPI
    wallet: FastAPI
    verifier: FastAPI
    landing: FastAPI
    clock: Clock

    def client(self, app: FastAPI, base_url: str) -> TestClient:
        return TestClient(app, base_url=base_url)

    @property
    def staff(self) -> TestClient:
        return TestClient(
            self.issuer, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {TOKEN}"}
        )

    @property
    def visitor(self) -> TestClient:
        return TestClient(self.landing, base_url=LANDING_URL)


def landing_settings(**overrides: object) -> LandingSettings:
    values: dict[str, object] = {
        "base_url": LANDING_URL,
        "issuer_url": ISSUER_URL,
        "wallet_url": WALLET_URL,
        "verifier_url": VERIFIER_URL,
        "stats_timeout": 5.0,
    }
    values.update(overrides)
    return LandingSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    clock = Clock(FROZEN)
    issuer = create_issuer_app(
        IssuerSettings(
            base_url=ISSUER_URL, data_dir=tmp_path / "issuer", api_token=TOKEN,
            max_body_bytes=200_000, demo_file=EXAMPLES / "issuers.json",
        ),
        clock=clock,
    )  # fmt: skip
    to_issuer = TestClient(issuer, base_url=ISSUER_URL)

    def fetch(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.netloc != "issuer.test":
            raise OSError(f"no route to {parts.netloc}")
        answer = to_issuer.get(parts.path)
        if answer.status_code != 200:
            raise OSError(f"GET {url}: HTTP {answer.status_code}")
        return answer.content

    verifier = create_verifier_app(
        VerifierSettings(
            base_url=VERIFIER_URL, data_dir=tmp_path / "verifier", issuer_url=ISSUER_URL,
            registry_file=REGISTRY_FILE, max_body_bytes=200_000,
        ),
        fetch=fetch,
        clock=clock,
    )  # fmt: skip
    wallet = create_wallet_app(
        WalletSettings(
            base_url=WALLET_URL, data_dir=tmp_path / "wallet", allow_http_localhost=False,
            allow_private=True, max_body_bytes=200_000,
        ),
        clock=clock,
        transport=AppsTransport({"issuer.test": issuer, "verifier.test": verifier}),
    )  # fmt: skip
    apps = {"issuer.test": issuer, "wallet.test": wallet, "verifier.test": verifier}
    landing = create_landing_app(landing_settings(), transport=AppsTransport(apps))
    yield Demo(issuer, wallet, verifier, landing, clock)
    issuer.state.inst.db.close()
    wallet.state.inst.db.close()
    verifier.state.inst.db.close()
