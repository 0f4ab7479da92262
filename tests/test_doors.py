"""Every door of every service, tried by a stranger: no session, no token.

Each service declares its public routes in one place (``PUBLIC`` in ``issuer/app.py``,
``wallet/app.py``, ``verifier/app.py``). This test walks EVERY route of the three apps (the
route table itself, so a route added tomorrow is walked too) and asserts that a route not
in that list answers 401, 403 or a redirect to the sign-in page, never 2xx, and never a
404 (the door must close before the object is looked up). Path parameters are real ids
where the service has them (the verifier's job, request and answer; the issuer's slug), so
a route that forgot its door would show the object.

The second half is the verifier's cross-organisation walk: objects made by organisation A,
then every object route called with A's ids by B's staff session and by B's token: none
succeeds, and each answers 404 (another organisation's object does not exist for B).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from issuer.app import PUBLIC as ISSUER_PUBLIC
from issuer.app import create_app as create_issuer
from issuer.settings import Settings as IssuerSettings
from tests.verifier.callers import as_employer, sign_in_staff
from verifier import store
from verifier.app import PUBLIC as VERIFIER_PUBLIC
from verifier.app import create_app as create_verifier
from verifier.jobs import requests as jobs
from verifier.settings import Settings as VerifierSettings
from wallet.app import PUBLIC as WALLET_PUBLIC
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

Route = tuple[str, str]
HOOK = "http://localhost:9/organisation-a-hook"


def every_route(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[Route]:
    """``(method, path template)`` of every route, included routers opened."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI keeps an included router as one entry
            yield from every_route(inner.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
            continue
        path = prefix + str(getattr(route, "path", ""))
        for method in sorted((getattr(route, "methods", None) or {"GET"}) - {"HEAD"}):
            yield method, path


def call(client: TestClient, method: str, path: str, ids: dict[str, str]) -> Any:
    url = re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), "x"), path)
    body: Any = {} if method in ("POST", "PUT", "PATCH") else None
    return client.request(method, url, follow_redirects=False, json=body)


def shut(answer: Any) -> bool:
    """A closed door: 401, 403, or a redirect to the sign-in page."""
    if answer.status_code in (401, 403):
        return True
    return answer.status_code in (302, 303, 307) and answer.headers.get("location", "").startswith(
        "/sign-in"
    )


def walk(app: FastAPI, public: frozenset[Route], ids: dict[str, str]) -> list[str]:
    client = TestClient(app, base_url="https://testserver")
    holes = []
    routes = sorted(set(every_route(app.routes)))
    assert len(routes) > 10
    for method, path in routes:
        if (method, path) in public:
            continue
        answer = call(client, method, path, ids)
        if not shut(answer):
            holes.append(f"{method} {path} -> {answer.status_code}")
    return holes


def verifier_with_objects(data: Path) -> tuple[FastAPI, dict[str, str]]:
    """A verifier with organisation A's job, request and answer: their real ids."""
    app = create_verifier(VerifierSettings(data_dir=data, allow_http_localhost=True))
    inst = app.state.inst
    a_client = as_employer(TestClient(app), "Organisation A")
    job = a_client.post("/api/jobs", json={"title": "Nurse", "requirements": {}}).json()
    request = jobs.new_request(inst, job["id"], organisation=job_org(app, job["id"]))
    with inst.db.transaction() as tx:
        answer = store.add_response(
            tx, request_id=request.id, job_id=job["id"], received=inst.stamp(),
            verdict="pass", report={"verdict": "pass", "checks": []},
        )  # fmt: skip
    hook = a_client.put(f"/api/jobs/{job['id']}/webhook", json={"url": HOOK})
    assert hook.status_code == 200, hook.text
    token_id = a_client.get("/api/tokens").json()[0]["id"]
    ids = {
        "job_id": job["id"], "request_id": request.id, "response_id": answer.id,
        "token_id": token_id,
    }  # fmt: skip
    return app, ids


def job_org(app: FastAPI, job_id: str) -> str:
    with app.state.inst.db.transaction() as tx:
        tx_job = store.get_job(tx, job_id)
    assert tx_job is not None and tx_job.organisation_id
    return tx_job.organisation_id


# --- strangers --------------------------------------------------------------------------------


def test_a_stranger_gets_into_the_verifier_by_its_public_routes_only(tmp_path: Path) -> None:
    app, ids = verifier_with_objects(tmp_path / "verifier")
    assert walk(app, VERIFIER_PUBLIC, ids) == []


def test_the_verifier_s_public_routes_are_open_to_a_stranger(tmp_path: Path) -> None:
    """The door lets the holder's side, stateless verification and sign-in through (a
    public route never answers 401 or sends a stranger to sign in)."""
    app, ids = verifier_with_objects(tmp_path / "verifier")
    client = TestClient(app, base_url="https://testserver")
    closed = [
        f"{method} {path} -> {answer.status_code}"
        for method, path in sorted(VERIFIER_PUBLIC)
        if shut(answer := call(client, method, path, ids)) and answer.status_code != 403
    ]
    assert closed == []
    assert client.get(f"/oid4vp/requests/{ids['request_id']}").status_code == 200


def test_a_stranger_gets_into_the_issuer_by_its_public_routes_only(tmp_path: Path) -> None:
    app = create_issuer(IssuerSettings(data_dir=tmp_path / "issuer", api_token="t" * 20))
    slug = TestClient(app).get("/issuers").json()[0]["slug"]
    assert walk(app, ISSUER_PUBLIC, {"slug": slug, "key": "urn:uuid:x"}) == []


def test_a_stranger_gets_into_the_wallet_by_its_public_routes_only(tmp_path: Path) -> None:
    app = create_wallet(WalletSettings(data_dir=tmp_path / "wallet"))
    assert walk(app, WALLET_PUBLIC, {}) == []


@pytest.mark.parametrize(
    ("name", "public"),
    [("issuer", ISSUER_PUBLIC), ("wallet", WALLET_PUBLIC), ("verifier", VERIFIER_PUBLIC)],
)
def test_every_public_route_exists(name: str, public: frozenset[Route], tmp_path: Path) -> None:
    """The lists name real routes (a renamed route must leave its list too)."""
    apps = {
        "issuer": lambda: create_issuer(IssuerSettings(data_dir=tmp_path, api_token="t" * 20)),
        "wallet": lambda: create_wallet(WalletSettings(data_dir=tmp_path)),
        "verifier": lambda: create_verifier(VerifierSettings(data_dir=tmp_path)),
    }
    assert public - set(every_route(apps[name]().routes)) == set()


# --- the verifier, across organisations --------------------------------------------------------


def object_routes(app: FastAPI) -> list[Route]:
    return [
        (method, path) for method, path in sorted(set(every_route(app.routes)))
        if "{" in path and (method, path) not in VERIFIER_PUBLIC
    ]  # fmt: skip


def test_organisation_b_sees_nothing_of_organisation_a(tmp_path: Path) -> None:
    app, ids = verifier_with_objects(tmp_path / "verifier")
    routes = object_routes(app)
    assert len(routes) >= 10
    staff_b = sign_in_staff(TestClient(app), "Organisation B")
    token_b = as_employer(TestClient(app), "Organisation B")
    successes, not_404 = [], []
    for client, who in ((staff_b, "B's staff"), (token_b, "B's token")):
        csrf = _csrf(client) if who == "B's staff" else None
        for method, path in routes:
            url = re.sub(r"\{([^}]+)\}", lambda m: ids[m.group(1)], path)
            extra: dict[str, Any] = {}
            if method in ("POST", "PUT"):
                extra = {"json": {"url": HOOK + "-b", "kind": "openid4vp"}}
                if csrf and not path.startswith("/api/"):
                    extra = {"data": {"csrf": csrf, "kind": "openid4vp"}}
            answer = client.request(method, url, follow_redirects=False, **extra)
            seen = f"{who}: {method} {path} -> {answer.status_code}"
            if answer.is_success or (answer.is_redirect and not shut(answer)):
                successes.append(seen)
            # staff everywhere, tokens at the API: "not found", never "forbidden"
            if answer.status_code != 404 and (csrf or path.startswith("/api/")):
                not_404.append(seen)
    assert successes == []
    assert not_404 == []
    # and A's objects are as they were: its webhook, its token, its one request
    a_client = as_employer(TestClient(app), "Organisation A")
    assert a_client.get(f"/api/jobs/{ids['job_id']}/webhook").json()["url"] == (HOOK)
    assert [t["revoked"] for t in a_client.get("/api/tokens").json()][0] is None
    assert a_client.get("/api/jobs/" + ids["job_id"] + "/results").status_code == 200


def test_organisation_b_lists_none_of_a_s_jobs(tmp_path: Path) -> None:
    app, ids = verifier_with_objects(tmp_path / "verifier")
    staff_b = sign_in_staff(TestClient(app), "Organisation B")
    assert ids["job_id"] not in staff_b.get("/jobs").text
    assert "Nurse" not in staff_b.get("/jobs").text
    token_b = as_employer(TestClient(app), "Organisation B")
    assert all(t["id"] != ids["token_id"] for t in token_b.get("/api/tokens").json())


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/jobs").text)
    assert found
    return found.group(1)
