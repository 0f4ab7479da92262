"""Issue 14: the VC-API issues VC-JOSE-COSE ``application/vc+cose`` when
``options.format`` is ``vc-cose`` (as ``vc-jwt`` selects ``vc+jwt``): a COSE_Sign1 signed with
the issuer's P-256 key (ES256, ``kid`` its did:web verification method), answered as an
``EnvelopedVerifiableCredential`` ``data:application/vc+cose;base64,...``, with the issuer's
status entry; vckit verifies it (issuer key from the did:web document, status fetched) and sees
it revoked. VC 1.1 input is refused: VC-JOSE-COSE §3.3 secures VC 2.0."""

from __future__ import annotations

import base64
from typing import Any

import cbor2
from fastapi.testclient import TestClient

from tests.issuer.conftest import checks_by_id, revoke, verify_options
from vckit import verify
from vckit.cose import vc_cose

LEARNER = "did:example:learner"


def credential(issuer: str, context: str = "https://www.w3.org/ns/credentials/v2") -> Any:
    dates = (
        {"validFrom": "2026-03-01T00:00:00Z"}
        if context.endswith("/v2")
        else {"issuanceDate": "2026-03-01T00:00:00Z"}
    )
    return {
        "@context": [context],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        **dates,
        "credentialSubject": {"id": LEARNER},
    }


def issue(client: TestClient, document: Any) -> Any:
    return client.post(
        "/credentials/issue", json={"credential": document, "options": {"format": "vc-cose"}}
    )


def test_the_vc_api_issues_vc_cose(client: TestClient) -> None:
    issuer = client.get("/issuers").json()[0]["did"]
    response = issue(client, credential(issuer))
    assert response.status_code == 201, response.text
    enveloped = response.json()["verifiableCredential"]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    assert enveloped["id"].startswith("data:application/vc+cose;base64,")
    data = vc_cose.enveloped_bytes(enveloped)
    protected = cbor2.loads(cbor2.loads(data).value[0])
    assert protected[1] == -7 and protected[16] == "application/vc+cose"  # ES256
    assert protected[4].decode().startswith(issuer + "#")
    signed = vc_cose.decode(data).credential
    assert signed["credentialStatus"]["type"] == "BitstringStatusListEntry"

    report = verify(enveloped, verify_options(client))
    assert report.format == "vc+cose (ES256)"
    assert report.verification == "pass", report.to_json()
    assert checks_by_id(report)["issuer-key"] == "pass"

    revoke(client, signed["id"])
    revoked = verify(enveloped, verify_options(client))
    assert checks_by_id(revoked)["status"] == "fail"
    # the stored credential downloads as the same envelope
    assert base64.b64decode(enveloped["id"].partition(",")[2]) == data


def test_vc_cose_of_a_vc11_credential_is_refused(client: TestClient) -> None:
    issuer = client.get("/issuers").json()[0]["did"]
    response = issue(client, credential(issuer, "https://www.w3.org/2018/credentials/v1"))
    assert response.status_code == 422, response.text
    assert "VC 2.0" in response.json()["detail"]
