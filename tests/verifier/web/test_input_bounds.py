"""Bounds on every number and string a user enters to create a job or a webhook, and on the
paging of list endpoints (issue 13, finding 5): out of range is a 422 problem naming the
member (a 400 page naming it, for the job form), never a 201 that breaks later or a 500.

Before: ``issuedWithinYears`` 2030 was accepted (then every answer was a 500 that spent the
applicant's nonce); a lone surrogate ``\\ud800`` in a title, a requirement key or a webhook
URL was a 500; negative ``limit``/``offset`` were accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.verifier.callers import as_employer, csrf_of, sign_in_staff
from verifier.app import create_app
from verifier.settings import Settings

SURROGATE = "\\ud800"  # as JSON spells it: a lone surrogate once parsed


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "verifier", registry_file=None, allow_http_localhost=True
    )
    app = create_app(settings)
    yield as_employer(TestClient(app, raise_server_exceptions=False))
    app.state.inst.db.close()


def _job(client: TestClient, body: str) -> Any:
    return client.post("/api/jobs", content=body, headers={"content-type": "application/json"})


def _problem(answer: Any, status: int, names: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert names in answer.json()["detail"], answer.json()


@pytest.mark.parametrize(
    ("body", "names"),
    [
        pytest.param('{"title": "' + "x" * 201 + '"}', "title", id="title-too-long"),
        pytest.param('{"title": ""}', "title", id="title-empty"),
        pytest.param('{"title": "Nurse \\u202eraeY"}', "title", id="title-bidi-override"),
        pytest.param('{"title": "Nurse\\u200b"}', "title", id="title-zero-width"),
        pytest.param(
            '{"title": "x", "requirements": {"issuedWithinYears": 2030}}',
            "issuedWithinYears",
            id="years-2030",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"issuedWithinYears": 101}}',
            "issuedWithinYears",
            id="years-101",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"issuedWithinYears": 0}}',
            "issuedWithinYears",
            id="years-0",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"types": [' + ", ".join(['"T"'] * 21) + "]}}",
            "types",
            id="too-many-types",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"types": ["' + "T" * 201 + '"]}}',
            "types[0]",
            id="type-too-long",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"skills": [' + ", ".join(['"s"'] * 51) + "]}}",
            "skills",
            id="too-many-skills",
        ),
        pytest.param(
            '{"title": "x", "requirements": {"skills": ["' + "s" * 501 + '"]}}',
            "skills[0]",
            id="skill-too-long",
        ),
    ],
)
def test_a_job_out_of_bounds_is_a_422_naming_the_member(
    client: TestClient, body: str, names: str
) -> None:
    _problem(_job(client, body), 422, names)
    assert client.get("/jobs").status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/api/jobs", '{"title": "' + SURROGATE + '"}', id="title"),
        pytest.param(
            "/api/jobs",
            '{"title": "x", "requirements": {"' + SURROGATE + '": 1}}',
            id="requirement-key",
        ),
        pytest.param(
            "/api/jobs",
            '{"title": "x", "requirements": {"types": ["' + SURROGATE + '"]}}',
            id="type",
        ),
        pytest.param(
            "/api/jobs",
            '{"title": "x", "requirements": {"skills": [{"name": "' + SURROGATE + '"}]}}',
            id="skill-name",
        ),
        pytest.param(
            "/api/jobs/{job}/webhook",
            '{"url": "http://localhost/' + SURROGATE + '"}',
            id="webhook-url",
        ),
        pytest.param(
            "/api/jobs/{job}/webhook",
            '{"url": "http://localhost/x", "secret": "' + SURROGATE * 16 + '"}',
            id="webhook-secret",
        ),
    ],
)
def test_a_lone_surrogate_anywhere_is_malformed_json(
    client: TestClient, path: str, body: str
) -> None:
    """The one JSON reader refuses a lone surrogate before any field rule sees it (a 400
    naming the surrogate; it was a 500 before)."""
    job = client.post("/api/jobs", json={"title": "x"}).json()["id"]
    url = path.format(job=job)
    send = client.put if url.endswith("/webhook") else client.post
    answer = send(url, content=body, headers={"content-type": "application/json"})
    _problem(answer, 400, "lone UTF-16 surrogate")
    assert client.get("/jobs").status_code == 200


def test_a_job_at_the_bounds_is_made(client: TestClient) -> None:
    requirements = {
        "types": ["T" * 200] * 20,
        "skills": ["s" * 500] * 50,
        "issuedWithinYears": 100,
    }
    made = client.post("/api/jobs", json={"title": "x" * 200, "requirements": requirements})
    assert made.status_code == 201, made.text


@pytest.mark.parametrize(
    ("fields", "names"),
    [
        pytest.param(
            {"title": "x", "issued_within_years": "2030"}, "issuedWithinYears", id="years"
        ),
        pytest.param({"title": "x" * 201}, "title", id="title-too-long"),
        pytest.param({"title": "Nurse \u2067(night)\u2069"}, "title", id="title-isolate"),
    ],
)
def test_the_job_form_names_the_field_out_of_bounds(
    client: TestClient, fields: dict[str, str], names: str
) -> None:
    staff = sign_in_staff(TestClient(client.app))  # the form is the staff's, with its CSRF
    csrf = csrf_of(staff.get("/jobs").text)
    refused = staff.post("/jobs", data={**fields, "csrf": csrf})
    assert refused.status_code == 400 and names in refused.text


@pytest.mark.parametrize(
    ("body", "names"),
    [
        pytest.param('{"url": "http://localhost/' + "a" * 2000 + '"}', "url", id="url-too-long"),
        pytest.param(
            '{"url": "http://localhost/x", "secret": "' + "s" * 257 + '"}',
            "secret",
            id="secret-too-long",
        ),
        pytest.param(
            '{"url": "http://localhost/x", "secret": "short"}', "secret", id="secret-too-short"
        ),
    ],
)
def test_a_webhook_out_of_bounds_is_a_422_naming_the_member(
    client: TestClient, body: str, names: str
) -> None:
    job = client.post("/api/jobs", json={"title": "x"}).json()["id"]
    answer = client.put(
        f"/api/jobs/{job}/webhook", content=body, headers={"content-type": "application/json"}
    )
    _problem(answer, 422, names)
    assert client.get(f"/api/jobs/{job}/webhook").json()["url"] is None


@pytest.mark.parametrize("route", ["results", "refused-answers"])
@pytest.mark.parametrize(
    ("query", "names"),
    [
        pytest.param("limit=0", "limit", id="limit-0"),
        pytest.param("limit=-1", "limit", id="limit-negative"),
        pytest.param("limit=501", "limit", id="limit-501"),
        pytest.param("offset=-1", "offset", id="offset-negative"),
        pytest.param(f"offset={2**31}", "offset", id="offset-past-int32"),
        pytest.param(f"offset={2**70}", "offset", id="offset-past-int64"),
    ],
)
def test_paging_out_of_range_is_a_422(
    client: TestClient, route: str, query: str, names: str
) -> None:
    job = client.post("/api/jobs", json={"title": "x"}).json()["id"]
    _problem(client.get(f"/api/jobs/{job}/{route}?{query}"), 422, names)
    assert client.get(f"/api/jobs/{job}/{route}?limit=500&offset={2**31 - 1}").status_code == 200
