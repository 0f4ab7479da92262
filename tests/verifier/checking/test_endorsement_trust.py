"""Endorsements in the verifier's report, over the real issuer app: each embedded endorsement
is its own part with its own ``trusted-issuer`` check. The nursing board (in the demo registry)
is reported accredited; an endorser the registry does not know is reported as unknown, not as
trust and not as a forgery, and the endorsed credential still meets the job."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from issuer.organisations import catalogue
from tests.verifier.conftest import VerifierFactory
from vckit.report import Report
from verifier.checking.policy import Requirements

COLLEGE = "community-college"
COURSE = "fundamentals-of-nursing-1"


def endorse(issuer: TestClient, endorser: str) -> None:
    body = {"issuer": COLLEGE, "achievement": COURSE, "comment": f"{endorser} vouches for it."}
    response = issuer.post(f"/issuers/{endorser}/endorsements", json=body)
    assert response.status_code == 201, response.text


def endorsed_course(issuer: TestClient) -> dict[str, Any]:
    catalogue.create_issuer(issuer.app.state.inst, "health-dept", "Example Health Department")  # type: ignore[attr-defined]
    endorse(issuer, "nursing-board")
    endorse(issuer, "health-dept")  # not in the verifier's registry
    response = issuer.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": COURSE, "recipient": {"did": "did:example:ana"}},
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def trust_of(report: Report) -> dict[str, tuple[str, str]]:
    """Endorser name -> (its part's trusted-issuer status, detail)."""
    found: dict[str, tuple[str, str]] = {}
    for part in report.parts:
        if part.role != "endorsement":
            continue
        document = part.report.document or {}
        check = part.report.check("trusted-issuer")
        assert check is not None
        found[document["issuer"]["name"]] = (check.status, check.detail)
    return found


def test_an_unknown_endorser_is_reported_as_unknown(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    credential = endorsed_course(issuer)
    verifier = verifier_app()
    job = Requirements.from_json({"skills": ["Patient data privacy"], "accreditedOnly": True})
    report = verifier.state.inst.verification.verify(
        credential, requirements=job, require_holder_binding=False
    )
    trust = trust_of(report)
    assert trust["State Board of Nursing"][0] == "pass"
    status, detail = trust["Example Health Department"]
    assert status == "fail" and "unknown issuer" in detail and "not a forgery" in detail
    unknown = next(p for p in report.parts if "Health" in json.dumps(p.report.document))
    assert unknown.report.authentic  # its signature holds: unknown, not forged
    met, trusted = report.check("requirements-met"), report.check("trusted-issuer")
    assert met is not None and met.status == "pass"
    assert trusted is not None and trusted.status == "pass"

    page = TestClient(verifier).post("/", data={"document": json.dumps(credential)}).text
    assert "Endorsement: Example Health Department endorses" in page
    assert "unknown issuer" in page


def test_vc_jwt_endorsements_get_the_same_trusted_issuer_check(
    issuer: TestClient, verifier_app: VerifierFactory
) -> None:
    """``endorsementJwt`` (OB 3.0 §B): VC-JWT endorsements in a credential issued as a JWT are
    verified and judged like embedded JSON-LD ones."""
    catalogue.create_issuer(issuer.app.state.inst, "health-dept", "Example Health Department")  # type: ignore[attr-defined]
    for endorser in ("nursing-board", "health-dept"):
        body = {
            "issuer": COLLEGE, "achievement": COURSE, "comment": f"{endorser} vouches for it.",
            "format": "ob3-jwt",
        }  # fmt: skip
        response = issuer.post(f"/issuers/{endorser}/endorsements", json=body)
        assert response.status_code == 201, response.text
    response = issuer.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": COURSE, "recipient": {"did": "did:example:ana"}, "format": "ob3-jwt"},
    )
    assert response.status_code == 201, response.text
    token = response.json()["credential"]
    verifier = verifier_app()
    job = Requirements.from_json({"skills": ["Patient data privacy"], "accreditedOnly": True})
    report = verifier.state.inst.verification.verify(
        token, requirements=job, require_holder_binding=False
    )
    parts = [p for p in report.parts if p.role == "endorsement"]
    assert len(parts) == 2 and all("/endorsementJwt/" in p.where for p in parts)
    trust = trust_of(report)
    assert trust["State Board of Nursing"][0] == "pass"
    status, detail = trust["Example Health Department"]
    assert status == "fail" and "unknown issuer" in detail and "not a forgery" in detail
    met = report.check("requirements-met")
    assert met is not None and met.status == "pass"
