"""CLR 2.0 issuance: the college's ClrCredential of the nursing programme, over HTTP, checked
by vckit alone (schema, proof, each nested credential, associations) and then revoked in part.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import AppFactory, authorized, revoke, verify_options
from vckit import ob as openbadges
from vckit.jose import vc_jwt as jose
from vckit.report import Report
from vckit.verification import verify

COLLEGE = "community-college"
LEARNER = "did:example:learner"
PROGRAMME = "practical-nursing-programme"
COURSES = ("fundamentals-of-nursing-1", "fundamentals-of-nursing-2")


@pytest.fixture
def clr_client(issuer_app: AppFactory, database_url: str) -> TestClient:
    return authorized(issuer_app(database_url))


def issue_course(client: TestClient, course: str, format: str = "eddsa-rdfc-2022") -> str:
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": course, "recipient": {"did": LEARNER}, "format": format},
    )
    assert response.status_code == 201, response.text
    identifier: str = response.json()["id"]
    return identifier


def issue_clr(client: TestClient, format: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    response = client.post(
        f"/issuers/{COLLEGE}/clrs",
        json={"programme": PROGRAMME, "recipient": {"did": LEARNER}, "format": format},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def clr_document(credential: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(credential, dict):
        return credential
    _, payload = jose.peek(credential)
    document: dict[str, Any] = payload["vc"]
    return document


def nested_reports(report: Report) -> list[Report]:
    return [part.report for part in report.parts if part.role == "nested"]


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "clr-jwt"])
def test_programme_clr_holds_the_courses_and_verifies(clr_client: TestClient, format: str) -> None:
    ids = [issue_course(clr_client, course) for course in COURSES]
    issued = issue_clr(clr_client, format)
    document = clr_document(issued["credential"])
    assert openbadges.validate(document) == []  # 1EdTech's CLR 2.0 schema
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    subject = document["credentialSubject"]
    assert subject["id"] == LEARNER
    assert [c["id"] for c in subject["verifiableCredential"]] == ids
    assert all("proof" in c and "credentialStatus" in c for c in subject["verifiableCredential"])
    programme, first, second = (a["id"] for a in subject["achievement"])
    assert programme.endswith(PROGRAMME) and first.endswith(COURSES[0])
    links = {(a["sourceId"], a["associationType"], a["targetId"]) for a in subject["association"]}
    assert links == {
        (first, "isChildOf", programme),
        (second, "isChildOf", programme),
        (first, "precedes", second),
    }
    report = verify(issued["credential"], verify_options(clr_client))
    assert report.verdict == "pass", report
    checks = {check.id: check.status for check in report.checks}
    assert checks["nested-credentials"] == "pass"
    assert checks["associations"] == "pass"
    assert [r.verdict for r in nested_reports(report)] == ["pass", "pass"]


def test_revoking_one_nested_course_keeps_the_clr_proof(clr_client: TestClient) -> None:
    first, _second = (issue_course(clr_client, course) for course in COURSES)
    issued = issue_clr(clr_client)
    revoke(clr_client, first)
    report = verify(issued["credential"], verify_options(clr_client))
    assert report.check("proof") == report.check("proof") and report.authentic
    first_report, second_report = nested_reports(report)
    assert first_report.document is not None and first_report.document["id"] == first
    status = first_report.check("status")
    assert status is not None and status.status == "fail", first_report
    assert second_report.verdict == "pass"


def test_a_revoked_or_jwt_course_credential_is_left_out(clr_client: TestClient) -> None:
    revoked = issue_course(clr_client, COURSES[0])
    revoke(clr_client, revoked)
    issue_course(clr_client, COURSES[0], format="ob3-jwt")
    kept = issue_course(clr_client, COURSES[1])
    nested = issue_clr(clr_client)["credential"]["credentialSubject"]["verifiableCredential"]
    assert [c["id"] for c in nested] == [kept]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"programme": COURSES[0], "recipient": {"did": LEARNER}}, 422, "not a programme"),
        ({"programme": "nope", "recipient": {"did": LEARNER}}, 422, "no achievement"),
        ({"programme": PROGRAMME, "recipient": {"email": "a@b.example"}}, 422, "by DID"),
        ({"programme": PROGRAMME, "recipient": {"did": "not a did"}}, 422, "not a DID"),
        (
            {"programme": PROGRAMME, "recipient": {"did": LEARNER}, "format": "vc-jwt"},
            422,
            "format",
        ),
        (
            {"programme": PROGRAMME, "recipient": {"did": "did:example:nobody"}},
            422,
            "no credential",
        ),
        ({"programme": PROGRAMME}, 422, "recipient"),
        ({"programme": PROGRAMME, "recipient": {"did": LEARNER}, "x": 1}, 422, "x"),
    ],
)
def test_bad_requests_are_problems(
    clr_client: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    issue_course(clr_client, COURSES[0])
    response = clr_client.post(f"/issuers/{COLLEGE}/clrs", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.text


def test_issuing_a_clr_needs_the_token(clr_client: TestClient) -> None:
    response = clr_client.post(
        f"/issuers/{COLLEGE}/clrs",
        json={"programme": PROGRAMME, "recipient": {"did": LEARNER}},
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 403


PROGRAMME_BODY = {
    "name": "Short Nursing Programme",
    "description": "Two courses.",
    "criteria": {"narrative": "Completed both courses."},
    "achievementType": "Certificate",
}


@pytest.mark.parametrize(
    "courses",
    [
        "fundamentals-of-nursing-1",
        [1, 2],
        ["fundamentals-of-nursing-1", "fundamentals-of-nursing-1"],
        ["no-such-course"],
        ["short-programme"],
    ],
)
def test_a_programme_with_bad_courses_is_refused(clr_client: TestClient, courses: object) -> None:
    response = clr_client.post(
        f"/issuers/{COLLEGE}/achievements",
        json={"slug": "short-programme", "achievement": {**PROGRAMME_BODY, "courses": courses}},
    )
    assert response.status_code == 422, response.text
    assert "courses" in response.text or "no achievement" in response.text


def test_a_new_programme_gives_its_courses_to_the_clr(clr_client: TestClient) -> None:
    response = clr_client.post(
        f"/issuers/{COLLEGE}/achievements",
        json={
            "slug": "short-programme",
            "achievement": {**PROGRAMME_BODY, "courses": [COURSES[1], COURSES[0]]},
        },
    )
    assert response.status_code == 201, response.text
    assert "courses" not in response.json()  # the catalogue's, not part of the Achievement
    issue_course(clr_client, COURSES[0])
    issued = clr_client.post(
        f"/issuers/{COLLEGE}/clrs",
        json={"programme": "short-programme", "recipient": {"did": LEARNER}},
    ).json()["credential"]["credentialSubject"]
    second, first = (a["id"] for a in issued["achievement"][1:])
    assert first.endswith(COURSES[0])
    assert {
        "type": "Association",
        "associationType": "precedes",
        "sourceId": second,
        "targetId": first,
    } in issued["association"]


def vc_api_body(clr: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in clr.items() if k not in ("id", "proof", "credentialStatus")}
    return {"credential": unsigned, "options": {}}


def test_a_clr_breaking_the_clr_schema_is_not_signed(clr_client: TestClient) -> None:
    """Every signing door checks a ClrCredential against 1EdTech's CLR 2.0 schema (the VC-API
    one too), like an AchievementCredential against OB 3.0's."""
    issue_course(clr_client, COURSES[0])
    clr = issue_clr(clr_client)["credential"]
    assert clr_client.post("/credentials/issue", json=vc_api_body(clr)).status_code == 201
    clr["credentialSubject"]["association"][0]["associationType"] = "isCousinOf"
    response = clr_client.post("/credentials/issue", json=vc_api_body(clr))
    assert response.status_code == 422, response.text
    assert "fails the CLR 2.0 schema" in response.json()["detail"]
    assert "/credentialSubject/association/0/associationType" in response.json()["detail"]
