"""One credential from issue to verify and revoke, over HTTP, checked by vckit alone.

The issuer's did:web documents and status lists are fetched through the TestClient, so
vckit resolves exactly what the issuer serves. Runs on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import AppFactory, authorized, checks_by_id, revoke, verify_options
from vckit import ob as openbadges
from vckit.jose import vc_jwt as jose
from vckit.verification import verify

FORMATS = ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"]


@pytest.fixture
def flow_client(issuer_app: AppFactory, database_url: str) -> TestClient:
    return authorized(issuer_app(database_url))


def issue(client: TestClient, format: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/issuers/community-college/credentials",
        json={
            "achievement": "fundamentals-of-nursing-1",
            "recipient": {"did": "did:example:learner"},
            "format": format,
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def ob_document(credential: dict[str, Any] | str) -> dict[str, Any]:
    """The OB 3.0 credential itself (a JWT's ``vc`` claim or its payload)."""
    if isinstance(credential, dict):
        return credential
    _, payload = jose.peek(credential)
    document: dict[str, Any] = payload.get("vc", payload)
    return document


@pytest.mark.parametrize("format", FORMATS)
def test_issued_over_http_verifies_then_is_reported_revoked(
    flow_client: TestClient, format: str
) -> None:
    issued = issue(flow_client, format)
    credential = issued["credential"]
    assert openbadges.validate(ob_document(credential)) == []  # the OB 3.0 schema
    report = verify(credential, verify_options(flow_client))
    checks = checks_by_id(report)
    assert report.verdict == "pass", report.to_json()
    assert checks["proof"] == checks["issuer-key"] == checks["status"] == "pass"
    assert checks["schema"] == "pass"

    revoke(flow_client, issued["id"])
    after = verify(credential, verify_options(flow_client))
    failed = [c for c in after.all_checks() if c.status == "fail"]
    assert [c.id for c in failed] == ["status"]
    assert "revocation" in failed[0].detail


def test_suspended_then_unsuspended(flow_client: TestClient) -> None:
    issued = issue(flow_client, "eddsa-rdfc-2022", suspension=True)

    def set_suspension(word: str) -> str:
        response = flow_client.post(
            "/credentials/status",
            json={
                "credentialId": issued["id"],
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": word}],
            },
        )
        assert response.status_code == 200, response.text
        return checks_by_id(verify(issued["credential"], verify_options(flow_client)))["status"]

    assert set_suspension("suspended") == "fail"
    assert set_suspension("unsuspended") == "pass"


def test_old_credentials_verify_after_key_rotation(flow_client: TestClient) -> None:
    before = {format: issue(flow_client, format)["credential"] for format in FORMATS}
    assert flow_client.post("/issuers/community-college/keys/rotate").status_code == 200
    after = issue(flow_client, "eddsa-rdfc-2022")["credential"]
    assert after["proof"]["verificationMethod"].endswith("#ed25519-2")
    for format, credential in before.items():
        report = verify(credential, verify_options(flow_client))
        assert report.verdict == "pass", (format, report.to_json())
    assert verify(after, verify_options(flow_client)).verdict == "pass"


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_vc_api_credential_verifies_and_revokes(flow_client: TestClient, version: str) -> None:
    if version == "v2":
        credential = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
            ],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": {"id": "did:web:issuer.test:issuers:food-safety", "name": "SafeServe"},
            "credentialSubject": {"id": "did:example:learner", "alumniOf": "SafeServe"},
        }
    else:
        credential = {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": "did:web:issuer.test:issuers:food-safety",
            "credentialSubject": {"id": "did:example:learner"},
        }
    # status is asked for: VC 1.1 input gets none by default (issuer.issuing.vc_api)
    response = flow_client.post(
        "/credentials/issue", json={"credential": credential, "options": {"credentialStatus": True}}
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert verify(vc, verify_options(flow_client)).verdict == "pass"
    revoke(flow_client, vc["id"])
    assert checks_by_id(verify(vc, verify_options(flow_client)))["status"] == "fail"


def test_an_expired_credential_fails_only_at_validity(flow_client: TestClient) -> None:
    issued = issue(flow_client, "eddsa-rdfc-2022", valid_until="2026-06-01T00:00:00Z")
    report = verify(
        issued["credential"], verify_options(flow_client, now=datetime(2026, 7, 1, tzinfo=UTC))
    )
    assert [c.id for c in report.all_checks() if c.status == "fail"] == ["validity-period"]
