"""The verifier service over HTTP: a protected-term redefinition appended to a signed credential
is a failed credential (VC-API ``POST /credentials/verify``); an inline ``@vocab`` passes with a
note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from verifier.app import create_app
from verifier.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(
        allow_did_web=False,
        allow_status_fetch=False,
        max_body_bytes=200_000,
        data_dir=tmp_path / "verifier",
    )
    return TestClient(create_app(settings))


def verify(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code == 422, response.text
    body: dict[str, Any] = response.json()
    assert body["verified"] is False
    return body


def test_protected_term_redefinition_fails_the_proof(client: TestClient) -> None:
    vc = s.good_credential()
    vc["@context"] = [*vc["@context"], {"credentialSubject": {"@id": "https://example.org/x"}}]
    body = verify(client, vc)
    assert [e["id"] for e in body["errors"]] == ["proof", "format"]
    assert "'credentialSubject'" in body["detail"]


def test_inline_vocab_passes_with_a_note(client: TestClient) -> None:
    unsigned = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    unsigned["@context"] = [*unsigned["@context"], {"@vocab": "https://example.org/vocab#"}]
    unsigned["credentialSubject"]["shoeSize"] = "44"
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": s.sign(unsigned, s.ISSUER)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True and "format" in body["checks"]
    checks = {c["id"]: c for c in body["report"]["checks"]}
    assert checks["format"]["status"] == "pass" and "sets @vocab" in checks["format"]["detail"]
