"""A job's requirements met by credentials nested in a CLR, over the real issuer app.

The college issues two course credentials and the programme CLR holding them (issuer API);
the verifier (its registry, its status fetch reaching the issuer app) judges the CLR for a job
asking for the CLR type and one skill of each course. Then one course credential is revoked:
the CLR's own proof still verifies, that nested credential is reported revoked, and the skill it
alone evidenced is no longer met.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.issuer.conftest import revoke
from tests.verifier.conftest import VerifierFactory
from vckit.report import Report
from verifier.checking.nested import nested_reports
from verifier.checking.policy import Requirements

COLLEGE = "community-college"
LEARNER = "did:example:ana"
PRIVACY = "Patient data privacy"  # aligned to both courses
TERMINOLOGY = "Medical terminology"  # aligned to Fundamentals of Nursing II only
JOB = Requirements.from_json(
    {"types": ["ClrCredential"], "skills": [PRIVACY, TERMINOLOGY], "accreditedOnly": True}
)


def issue_course(issuer: TestClient, course: str) -> dict[str, Any]:
    body = {"achievement": course, "recipient": {"did": LEARNER}}
    response = issuer.post(f"/issuers/{COLLEGE}/credentials", json=body)
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def programme_clr(issuer: TestClient) -> dict[str, Any]:
    for course in ("fundamentals-of-nursing-1", "fundamentals-of-nursing-2"):
        issue_course(issuer, course)
    body = {"programme": "practical-nursing-programme", "recipient": {"did": LEARNER}}
    response = issuer.post(f"/issuers/{COLLEGE}/clrs", json=body)
    assert response.status_code == 201, response.text
    clr: dict[str, Any] = response.json()["credential"]
    return clr


def judged(verifier_app: VerifierFactory, document: Any, job: Requirements = JOB) -> Report:
    app = verifier_app(status_cache_seconds=0)
    verification = app.state.inst.verification
    report: Report = verification.verify(document, requirements=job, require_holder_binding=False)
    return report


def status_of(report: Report, check_id: Any) -> str | None:
    found = report.check(check_id)
    return None if found is None else found.status


def test_skills_of_nested_course_credentials_meet_the_job(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    clr = programme_clr(issuer)
    report = judged(verifier_app, clr)
    met = report.check("requirements-met")
    assert met is not None and met.status == "pass", met
    first, second = clr["credentialSubject"]["verifiableCredential"]
    assert first["id"] in met.detail and second["id"] in met.detail
    assert f"{TERMINOLOGY!r}: 'Fundamentals of Nursing II' ({second['id']})" in met.detail
    nested = nested_reports(report)
    assert [status_of(r, "trusted-issuer") for r in nested] == ["pass", "pass"]


def test_revoking_one_nested_course_unmeets_only_what_it_alone_evidenced(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    clr = programme_clr(issuer)
    first, second = clr["credentialSubject"]["verifiableCredential"]
    revoke(issuer, second["id"])
    report = judged(verifier_app, clr)
    assert status_of(report, "proof") == "pass"  # the CLR's own signature still holds
    assert status_of(report, "status") == "pass"  # the CLR itself is not revoked
    assert status_of(report, "nested-credentials") == "fail"
    kept, revoked = nested_reports(report)
    assert status_of(revoked, "status") == "fail"
    assert status_of(kept, "status") == "pass"
    met = report.check("requirements-met")
    assert met is not None and met.status == "fail", met.detail
    missing = met.detail.split("(not counted")[0]
    assert TERMINOLOGY in missing and PRIVACY not in missing
    assert "type 'ClrCredential'" not in missing  # the record itself still counts
    assert second["id"] in met.detail.split("(not counted")[1]  # with the reason
    still = judged(verifier_app, clr, Requirements.from_json({"skills": [PRIVACY]}))
    assert status_of(still, "requirements-met") == "pass"


def test_a_course_held_alone_and_inside_the_clr_counts_once(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    from verifier.checking import nested

    clr = programme_clr(issuer)
    report = judged(verifier_app, clr)
    doubled = (report, *nested_reports(report))
    ids = [r.document["id"] for r in nested.countable(doubled) if r.document]
    assert len(ids) == len(set(ids)) == 3


def test_the_report_page_shows_the_tree_with_the_revoked_course(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    import json

    clr = programme_clr(issuer)
    revoke(issuer, clr["credentialSubject"]["verifiableCredential"][1]["id"])
    page = TestClient(verifier_app(status_cache_seconds=0)).post(
        "/", data={"document": json.dumps(clr)}
    )
    assert page.status_code == 200
    text = page.text
    first = text.index("Credential inside it: Fundamentals of Nursing I,")
    second = text.index("Credential inside it: Fundamentals of Nursing II,")
    assert first < second
    assert "revoked" in text[second:].lower()
    assert "Riverside Community College" in text[first:]  # each nested one's trusted issuer
