"""Each service documents itself: /openapi.json with its title, version and description
and its key routes, and /docs as a page that works offline (no CDN, no script)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing
from landing.settings import Settings as LandingSettings
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

KEY_ROUTES = {
    "issuer": {"/credentials/issue", "/credentials/status", "/issuers/{slug}/credentials",
               "/stats", "/readyz", "/healthz"},
    "wallet": {"/api/presentations", "/api/share-log", "/stats", "/readyz", "/healthz"},
    "verifier": {"/credentials/verify", "/presentations/verify", "/registry/issuers", "/stats",
                 "/readyz", "/healthz"},
    "landing": {"/", "/tour", "/stats", "/stats.json", "/readyz", "/healthz"},
}  # fmt: skip


def app_of(name: str, data: Path) -> FastAPI:
    if name == "issuer":
        return create_issuer(IssuerSettings(data_dir=data, api_token="t" * 20))
    if name == "wallet":
        return create_wallet(WalletSettings(data_dir=data))
    if name == "verifier":
        return create_verifier(VerifierSettings(data_dir=data))
    return create_landing(LandingSettings())


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_openapi_names_the_service_and_lists_its_key_routes(name: str, tmp_path: Path) -> None:
    client = TestClient(app_of(name, tmp_path / name))
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == f"LER {name}"
    assert spec["info"]["version"] and len(spec["info"]["description"]) > 30
    missing = KEY_ROUTES[name] - set(spec["paths"])
    assert missing == set()


@pytest.mark.parametrize("name", KEY_ROUTES)
def test_docs_is_a_page_that_needs_no_network(name: str, tmp_path: Path) -> None:
    client = TestClient(app_of(name, tmp_path / name))
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    assert f"LER {name}" in docs.text and "/openapi.json" in docs.text
    assert "<code>GET /healthz</code>" in docs.text
    assert client.get("/redoc").status_code == 404
