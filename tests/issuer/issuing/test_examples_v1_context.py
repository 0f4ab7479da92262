"""Issue 14: the VC 1.1 examples context (``https://www.w3.org/2018/credentials/examples/v1``)
imports ODRL (``https://www.w3.org/ns/odrl.jsonld``), now sealed in ``contexts/`` (source and
sha256 in contexts/MANIFEST.md): a credential using it -- VC Data Model 1.1's own example --
is no longer refused as naming an unknown context; vckit signs and verifies it, and the
issuer's VC-API issues it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import verify_options
from vckit import KeyPair, VerifyOptions, key_id, sign, verify
from vckit.did.resolver import did_key

VC_V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V1 = "https://www.w3.org/2018/credentials/examples/v1"


def alumni(issuer: str) -> dict[str, Any]:
    """VC Data Model 1.1 Example 1 (an AlumniCredential), issued by ``issuer``."""
    return {
        "@context": [VC_V1, EXAMPLES_V1],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-03-01T19:23:24Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "alumniOf": {
                "id": "did:example:c276e12ec21ebfeb1f712ebc6f1",
                "name": "Example University",
            },
        },
    }


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_vckit_signs_and_verifies_a_credential_with_the_examples_context(format: str) -> None:
    key = KeyPair.generate("Ed25519" if format.startswith("eddsa") else "P-256")
    signed = sign(
        alumni(did_key(key.public)), key, verification_method=key_id(key.public), format=format
    )
    report = verify(signed, VerifyOptions())
    assert report.verdict == "pass", report.to_json()


def test_the_vc_api_issues_a_credential_with_the_examples_context(client: TestClient) -> None:
    issuer = client.get("/issuers").json()[0]["did"]
    response = client.post(
        "/credentials/issue",
        json={"credential": alumni(issuer), "options": {"cryptosuite": "eddsa-rdfc-2022"}},
    )
    assert response.status_code == 201, response.text
    issued = response.json()["verifiableCredential"]
    assert EXAMPLES_V1 in issued["@context"]
    report = verify(issued, verify_options(client))
    assert report.verification == "pass", report.to_json()
