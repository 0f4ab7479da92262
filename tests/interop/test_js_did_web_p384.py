"""Acceptance: a did:web issuer's P-384 credentials (``ecdsa-rdfc-2019`` and
``ecdsa-jcs-2019``, VC-API ``options.keyType: "P-384"``) verify with Digital Bazaar's
JavaScript, status included, before and after the issuer rotates its keys (the retired key stays
in the DID document for ``assertionMethod``); and the JS verifier refuses one whose key is not
in the document it is handed.

The real issuer app (demo issuers, SQLite in ``tmp_path``) is driven over HTTP; the JS side gets
the issuer's did:web document and status lists as the issuer serves them (it never fetches).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.interop.conftest import BASE_URL
from tests.interop.test_js_issuer import get_json, status_entries

pytestmark = pytest.mark.interop

RunJs = Any
SLUG = "food-safety"
DID = "did:web:issuer.test:issuers:food-safety"
SUITES = ("ecdsa-rdfc-2019", "ecdsa-jcs-2019")


def issue(client: TestClient, suite: str) -> dict[str, Any]:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": DID,
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
    }
    response = client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"cryptosuite": suite, "keyType": "P-384"}},
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


def case(case_id: str, client: TestClient, vc: dict[str, Any], did_document: Any) -> Any:
    documents = {DID: did_document}
    for entry in status_entries(vc):
        documents[entry["statusListCredential"]] = get_json(client, entry["statusListCredential"])
    return {
        "id": case_id,
        "op": "verify-issued-credential",
        "credential": vc,
        "documents": documents,
        "now": datetime.now(UTC).isoformat(),
    }


def test_js_verifies_did_web_p384_credentials_across_a_rotation(
    issuer: TestClient, run_js: RunJs
) -> None:
    before = {suite: issue(issuer, suite) for suite in SUITES}
    document_before = get_json(issuer, f"{BASE_URL}/issuers/{SLUG}/did.json")
    response = issuer.post(f"/issuers/{SLUG}/keys/rotate")
    assert response.status_code == 200, response.text
    after = {suite: issue(issuer, suite) for suite in SUITES}
    document = get_json(issuer, f"{BASE_URL}/issuers/{SLUG}/did.json")
    # a document that does not list the new key: the credential it signed must not verify
    stale = {**document_before, "id": DID}

    cases = []
    for suite in SUITES:
        assert before[suite]["proof"]["verificationMethod"] == f"{DID}#p384-1"
        assert after[suite]["proof"]["verificationMethod"] == f"{DID}#p384-2"
        cases.append(case(f"{suite}-before", issuer, before[suite], document))
        cases.append(case(f"{suite}-after", issuer, after[suite], document))
        cases.append(case(f"{suite}-stale", issuer, after[suite], stale))
    results = run_js("di.mjs", cases)
    for suite in SUITES:
        for when in ("before", "after"):
            found = results.completed(f"{suite}-{when}")
            assert found["verified"] is True, (suite, when, found["errors"])
            assert (found["proofVerified"], found["statusVerified"]) == (True, True)
        assert results.completed(f"{suite}-stale")["verified"] is False
