"""The registrar's Data Integrity copies of course credentials that cannot be nested as issued
(ecdsa-sd-2023 base credentials): a CLR holds them, each verifies and is revoked on its own,
and revoking the course credential revokes its copies too."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.clr.test_issue_clr import COLLEGE, COURSES, LEARNER, issue_clr, nested_reports
from tests.issuer.conftest import AppFactory, authorized, revoke, verify_options
from vckit.verification import verify


@pytest.fixture
def clr_client(issuer_app: AppFactory, database_url: str) -> TestClient:
    return authorized(issuer_app(database_url))


def issue_sd_course(client: TestClient, course: str, grade: str) -> dict[str, Any]:
    """A course credential as the story's learner gets it: ecdsa-sd-2023, with learner data."""
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={
            "achievement": course,
            "recipient": {"did": LEARNER},
            "format": "ecdsa-sd-2023",
            "recipient_name": "Alex Rivera",
            "grade": grade,
        },
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def revoked_ids(client: TestClient) -> set[str]:
    listed = client.get(f"/issuers/{COLLEGE}/credentials", params={"limit": 100}).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    return {item["id"] for item in items if item["revoked"]}


def test_a_clr_holds_data_integrity_copies_of_sd_course_credentials(
    clr_client: TestClient,
) -> None:
    originals = [issue_sd_course(clr_client, course, "B") for course in COURSES]
    clr = issue_clr(clr_client)["credential"]
    nested = clr["credentialSubject"]["verifiableCredential"]
    assert len(nested) == 2
    for original, copy in zip(originals, nested, strict=True):
        assert copy["id"] != original["id"]
        assert copy["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert copy["credentialStatus"]["id"] != original["credentialStatus"]["id"]
        assert copy["credentialSubject"] == original["credentialSubject"]  # the same award
        assert copy["validFrom"] == original["validFrom"]
    report = verify(clr, verify_options(clr_client))
    assert report.verdict == "pass", report
    assert [r.verdict for r in nested_reports(report)] == ["pass", "pass"]
    for inner in nested:  # each copy verifies on its own, outside the CLR
        assert verify(inner, verify_options(clr_client)).verdict == "pass"

    again = issue_clr(clr_client)["credential"]["credentialSubject"]["verifiableCredential"]
    assert [c["id"] for c in again] == [c["id"] for c in nested]  # copies are reused


def test_revoking_the_course_revokes_its_copy_and_not_the_other_way(
    clr_client: TestClient,
) -> None:
    first, second = (issue_sd_course(clr_client, course, "A") for course in COURSES)
    clr = issue_clr(clr_client)["credential"]
    first_copy, second_copy = clr["credentialSubject"]["verifiableCredential"]

    revoke(clr_client, first["id"])
    assert revoked_ids(clr_client) == {first["id"], first_copy["id"]}
    report = verify(clr, verify_options(clr_client))
    assert report.authentic  # the CLR's own proof still verifies
    first_report, second_report = nested_reports(report)
    status = first_report.check("status")
    assert status is not None and status.status == "fail", first_report
    assert second_report.verdict == "pass"
    later = issue_clr(clr_client)["credential"]["credentialSubject"]["verifiableCredential"]
    assert [c["id"] for c in later] == [second_copy["id"]]

    revoke(clr_client, second_copy["id"])  # a copy revoked alone leaves its original
    assert second["id"] not in revoked_ids(clr_client)
