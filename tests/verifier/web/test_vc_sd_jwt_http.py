"""``POST /credentials/verify`` with a VC-JOSE-COSE ``vc+sd-jwt`` (§3.2.2), bare and enveloped
as ``data:application/vc+sd-jwt,<SD-JWT>`` (VC 2.0 §4.13.1)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.vckit.jose.test_vc_sd_jwt import vc_sd_jwt


def test_a_vc_sd_jwt_verifies_over_http(verifier: TestClient) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+sd-jwt,{vc_sd_jwt()}",
    }
    for item in (vc_sd_jwt(), enveloped):
        response = verifier.post("/credentials/verify", json={"verifiableCredential": item})
        body = response.json()
        assert response.status_code == 200, body
        assert body["verified"] is True
        assert body["report"]["format"].startswith("vc+sd-jwt")
