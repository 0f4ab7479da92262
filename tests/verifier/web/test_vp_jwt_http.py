"""``POST /presentations/verify`` with a VC-JOSE-COSE ``vp+jwt`` (§3.2.1), bare or as a VC 2.0
``EnvelopedVerifiablePresentation``: verified with the request's challenge and domain."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.vckit.jose.test_vp_jwt import AUD, NONCE, vp_jwt, vp_sd_jwt


def post(verifier: TestClient, vp: Any, challenge: str = NONCE) -> Any:
    body = {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": AUD}}
    return verifier.post("/presentations/verify", json=body)


def test_a_vp_jwt_verifies_over_http(verifier: TestClient) -> None:
    response = post(verifier, vp_jwt())
    body = response.json()
    assert response.status_code == 200, body
    assert body["verified"] is True
    assert {"proof", "holder-key", "challenge", "domain"} <= set(body["checks"])
    assert body["report"]["format"].startswith("vp+jwt")


def test_an_enveloped_vp_jwt_verifies_over_http(verifier: TestClient) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": f"data:application/vp+jwt,{vp_jwt()}",
    }
    response = post(verifier, enveloped)
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True


def test_a_vp_jwt_over_another_challenge_is_refused(verifier: TestClient) -> None:
    response = post(verifier, vp_jwt(), challenge="n-other")
    body = response.json()
    assert response.status_code == 422, body
    assert [e["id"] for e in body["errors"]] == ["challenge"]


def test_a_bad_enveloped_presentation_is_a_4xx(verifier: TestClient) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": "data:text/plain,hello",
    }
    response = post(verifier, enveloped)
    assert 400 <= response.status_code < 500, response.text


def test_a_vp_sd_jwt_verifies_over_http(verifier: TestClient) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": f"data:application/vp+sd-jwt,{vp_sd_jwt()}",
    }
    for item in (vp_sd_jwt(), enveloped):
        response = post(verifier, item)
        body = response.json()
        assert response.status_code == 200, body
        assert body["verified"] is True
        assert body["report"]["format"].startswith("vp+sd-jwt")
