"""Who may do what at the verifier: token scopes, revoked tokens, staff sign-in and out,
tokens shown once and listed without their secret, and the failure limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.verifier.callers import PASSWORD, as_employer, csrf_of, org_token, sign_in_staff
from verifier.accounts import staff as staff_accounts
from verifier.app import create_app
from verifier.settings import Settings
from verifier.web.deps import COOKIE

JOB = {"title": "Care assistant", "requirements": {}}


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path / "verifier"))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_read_only_token_reads_and_cannot_write(app: FastAPI) -> None:
    writer = as_employer(TestClient(app))
    job = writer.post("/api/jobs", json=JOB).json()
    reader = TestClient(app, headers=bearer(org_token(app, scopes=["jobs:read"])))
    assert reader.get(f"/api/jobs/{job['id']}/webhook").status_code == 200
    refused = [
        reader.post("/api/jobs", json=JOB),
        reader.post(f"/api/jobs/{job['id']}/requests"),
        reader.get(f"/api/jobs/{job['id']}/results"),
        reader.put(f"/api/jobs/{job['id']}/webhook", json={"url": "http://localhost:9/h"}),
        reader.delete(f"/api/jobs/{job['id']}/webhook"),
        reader.get("/api/tokens"),
        reader.post("/api/tokens", json={"name": "mine", "scopes": ["jobs:write"]}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert refused[0].json()["type"] == "urn:ler:problem:insufficient-scope"
    assert len(writer.get("/api/tokens").json()) == 2  # no token was made
    assert writer.get(f"/api/jobs/{job['id']}/results").json() == []


def test_a_results_token_reads_answers_and_opens_nothing(app: FastAPI) -> None:
    job = as_employer(TestClient(app)).post("/api/jobs", json=JOB).json()
    results = TestClient(app, headers=bearer(org_token(app, scopes=["results:read"])))
    assert results.get(f"/api/jobs/{job['id']}/results").status_code == 200
    assert results.post(f"/api/jobs/{job['id']}/requests").status_code == 403


def test_a_token_is_shown_once_listed_without_secret_and_refused_once_revoked(
    app: FastAPI,
) -> None:
    admin = as_employer(TestClient(app))
    made = admin.post("/api/tokens", json={"name": "ATS", "scopes": ["jobs:read", "jobs:write"]})
    assert made.status_code == 201
    secret = made.json()["secret"]
    assert secret.startswith("lerv_") and len(secret) > 40
    listed = admin.get("/api/tokens")
    assert secret not in listed.text and "ATS" in listed.text
    with app.state.inst.db.transaction() as tx:
        stored = tx.all("SELECT * FROM api_tokens")
    assert all(secret not in str(row) for row in stored)  # only its hash is kept
    ats = TestClient(app, headers=bearer(secret))
    assert ats.post("/api/jobs", json=JOB).status_code == 201
    assert admin.delete(f"/api/tokens/{made.json()['id']}").status_code == 204
    refused = ats.post("/api/jobs", json=JOB)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert admin.delete(f"/api/tokens/{made.json()['id']}").status_code == 404


def test_unknown_scopes_are_refused_by_name(app: FastAPI) -> None:
    admin = as_employer(TestClient(app))
    answer = admin.post("/api/tokens", json={"name": "x", "scopes": ["everything"]})
    assert answer.status_code == 422 and "everything" in answer.json()["detail"]


def test_staff_sign_in_and_out(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/jobs", follow_redirects=False).headers["location"] == (
        "/sign-in?next=%2Fjobs"
    )
    sign_in_staff(client, email="hr@example.org")
    assert client.get("/jobs").status_code == 200
    page = client.get("/staff/tokens")
    assert page.status_code == 200 and "API tokens of Maple Grove Care Home" in page.text
    made = client.post(
        "/staff/tokens",
        data={"name": "HR system", "scope:jobs:read": "on", "csrf": csrf_of(page.text)},
    )
    assert made.status_code == 201 and "lerv_" in made.text
    assert "lerv_" not in client.get("/staff/tokens").text  # shown once
    old_cookie = client.cookies.get(COOKIE)
    out = client.post("/sign-out", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    client.cookies.set(COOKIE, old_cookie or "")  # the old cookie, replayed after sign-out
    assert client.get("/jobs", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_like_an_unknown_email(app: FastAPI) -> None:
    client = TestClient(app)
    org = staff_accounts.add_organisation(app.state.inst, "Maple Grove Care Home")
    staff_accounts.add_staff(app.state.inst, org.id, "hr@example.org", PASSWORD)
    form = client.get("/sign-in")
    client.cookies.set(COOKIE, form.cookies.get(COOKIE) or "")
    csrf = csrf_of(form.text)
    wrong = client.post("/sign-in", data={"email": "hr@example.org", "password": "x" * 12,
                                          "csrf": csrf})  # fmt: skip
    unknown = client.post("/sign-in", data={"email": "no@example.org", "password": "x" * 12,
                                            "csrf": csrf})  # fmt: skip
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.text and "do not match" in unknown.text


def test_ten_wrong_tokens_lock_the_address_out(app: FastAPI) -> None:
    good = org_token(app)
    client = TestClient(app)
    for _ in range(10):
        assert client.get("/api/tokens", headers=bearer("lerv_wrong")).status_code == 401
    locked = client.get("/api/tokens", headers=bearer(good))
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["type"] == "urn:ler:problem:rate-limited"


def test_ten_wrong_passwords_lock_the_sign_in_form(app: FastAPI) -> None:
    client = TestClient(app)
    org = staff_accounts.add_organisation(app.state.inst, "Maple Grove Care Home")
    staff_accounts.add_staff(app.state.inst, org.id, "hr@example.org", PASSWORD)
    form = client.get("/sign-in")
    client.cookies.set(COOKIE, form.cookies.get(COOKIE) or "")
    csrf = csrf_of(form.text)
    fields = {"email": "hr@example.org", "csrf": csrf}
    for _ in range(10):
        wrong = client.post("/sign-in", data={**fields, "password": "wrong-password-1"})
        assert wrong.status_code == 401
    locked = client.post("/sign-in", data={**fields, "password": PASSWORD}, follow_redirects=False)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_jobs_from_before_organisations_belong_to_the_first_one(
    tmp_path: Path, database_url: str
) -> None:
    """Migration 2 (SQLite and PostgreSQL): a job made before there were organisations goes
    to the first (the care home), whose staff then see it; nobody else does."""
    from servicekit.db import Database
    from servicekit.migrations import apply_migrations
    from verifier.migrations import MIGRATIONS

    data = tmp_path / "verifier"
    data.mkdir()
    db = Database.connect(database_url)
    apply_migrations(db, MIGRATIONS[:1])
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO jobs (id, title, requirements_json, created) VALUES (?, ?, ?, ?)",
            ("old-job", "Porter", "{}", "2026-01-01T00:00:00+00:00"),
        )
    db.close()
    app = create_app(Settings(data_dir=data, database_url=database_url))
    care_home = sign_in_staff(TestClient(app), "Maple Grove Care Home")
    assert "Porter" in care_home.get("/jobs").text
    other = sign_in_staff(TestClient(app), "Harbour View Hospital")
    assert "Porter" not in other.get("/jobs").text
    assert other.get("/jobs/old-job").status_code == 404
    app.state.inst.db.close()
