"""The issuer signs with the JCS cryptosuites too (issue 12: "eddsa-jcs-2022 and ecdsa-jcs-2019
verify (and sign, for the issuer's use)"), over the W3C VC-API; vckit verifies the result."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import FROZEN
from vckit import DidResolver, VerifyOptions, verify


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "ecdsa-jcs-2019"])
def test_the_vc_api_issues_with_a_jcs_cryptosuite(client: TestClient, suite: str) -> None:
    issuer = client.get("/issuers").json()[0]
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer["did"],
        "credentialSubject": {"id": "did:example:learner"},
    }
    response = client.post(
        "/credentials/issue", json={"credential": credential, "options": {"cryptosuite": suite}}
    )
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["@context"] == signed["@context"]  # what the JCS suites sign over

    def fetch(url: str) -> bytes:  # the issuer's did:web documents, from the app itself
        return client.get(urlsplit(url).path).content

    report = verify(signed, VerifyOptions(resolver=DidResolver(fetch), now=FROZEN))
    assert report.check("proof").status == "pass", report.to_json()
