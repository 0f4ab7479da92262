"""Security headers on every answer of every service (issue 13, finding 7: the verifier's
pages sent no CSP): every GET route of the four services -- pages, JSON, stylesheets --, a
404, a problem+json and a refused form all carry :data:`servicekit.headers.SECURITY_HEADERS`;
HSTS only over https. The policy allows no inline style or script, so no template may carry
one (the browser tests, tests/browser/, watch the console for what slips past this)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from landing.app import create_app as create_landing
from landing.settings import Settings as LandingSettings
from servicekit.headers import HSTS, SECURITY_HEADERS
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("issuer", "wallet", "verifier", "landing")


def _no_network(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503)


def app_of(name: str, data: Path) -> FastAPI:
    if name == "issuer":
        return create_issuer(IssuerSettings(data_dir=data, api_token="t" * 20))
    if name == "wallet":
        return create_wallet(WalletSettings(data_dir=data))
    if name == "verifier":
        return create_verifier(VerifierSettings(data_dir=data, registry_file=None))
    return create_landing(LandingSettings(), transport=httpx.MockTransport(_no_network))


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, FastAPI]]:
    app = app_of(request.param, tmp_path / request.param)
    yield request.param, app
    inst = getattr(app.state, "inst", None)
    if inst is not None:
        inst.db.close()


def assert_secured(answer: Any, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, f"{what}: {name}"


def _walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI 0.165: app.include_router keeps the router whole
            more = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            yield from _walk(included.routes, prefix + more)
        else:
            yield prefix + str(getattr(route, "path", "")), set(getattr(route, "methods", ()) or ())


def get_paths(app: FastAPI) -> list[str]:
    """Every GET route, path parameters filled with a value that names nothing."""
    found = {
        re.sub(r"\{[^}]+\}", "nothing-here", path)
        for path, methods in _walk(app.routes)
        if "GET" in methods
    }
    return sorted(found)


def test_every_get_route_carries_the_headers(service: tuple[str, FastAPI]) -> None:
    name, app = service
    client = TestClient(app, follow_redirects=False)
    paths = get_paths(app)
    assert "/healthz" in paths and "/assets/pages.css" not in paths  # /assets/{name}
    kinds = set()
    for path in paths:
        answer = client.get(path)
        assert answer.status_code < 500, (name, path, answer.status_code)
        assert_secured(answer, f"{name} GET {path} ({answer.status_code})")
        kinds.add(answer.headers.get("content-type", "").split(";")[0])
    assert {"text/html", "application/json"} <= kinds, (name, kinds)


def test_errors_carry_them_too(service: tuple[str, FastAPI]) -> None:
    name, app = service
    client = TestClient(app)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert_secured(missing, f"{name}: a 404")
    api_missing = client.get("/api/no-such-thing")
    assert api_missing.status_code in (401, 404)
    assert_secured(api_missing, f"{name}: an API 404")
    problem = client.post("/credentials/verify", content=b"{", headers={"content-type": "json"})
    assert problem.status_code >= 400
    assert_secured(problem, f"{name}: a refused body")


def test_the_stylesheets_are_served_with_them(service: tuple[str, FastAPI]) -> None:
    name, app = service
    client = TestClient(app)
    sheet = client.get("/assets/pages.css")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert_secured(sheet, f"{name}: pages.css")
    home = client.get("/")
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)">', home.text):
        assert client.get(href).status_code == 200, (name, href)
    assert client.get("/assets/../app.py").status_code == 404


def test_problem_json_carries_them(tmp_path: Path) -> None:
    client = TestClient(app_of("verifier", tmp_path / "v"))
    answer = client.post("/credentials/verify", json={"verifiableCredential": "a.b.c"})
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert_secured(answer, "a problem+json")


def test_hsts_only_over_https(tmp_path: Path) -> None:
    app = app_of("verifier", tmp_path / "v")
    plain = TestClient(app, base_url="http://verifier.test").get("/")
    secure = TestClient(app, base_url="https://verifier.test").get("/")
    assert HSTS[0] not in plain.headers
    assert secure.headers[HSTS[0]] == HSTS[1]


def test_the_verifier_pages_send_a_csp_without_inline_allowances(tmp_path: Path) -> None:
    """The finding: the verifier's pages sent no CSP."""
    client = TestClient(app_of("verifier", tmp_path / "v"))
    for path in ("/", "/jobs", "/registry"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = re.compile(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:", re.I)
TEMPLATES = sorted(
    path
    for folder in ("issuer", "wallet", "verifier", "landing", "servicekit")
    for path in (ROOT / folder / "templates").rglob("*.html")
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_no_template_needs_an_inline_allowance(template: Path) -> None:
    """The policy allows no inline style or script: a template with one breaks under it."""
    found = INLINE.findall(template.read_text(encoding="utf-8"))
    assert found == [], f"{template.relative_to(ROOT)}: {found}"
