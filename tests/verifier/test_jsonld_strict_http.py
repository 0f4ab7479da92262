"""The verifier service over HTTP: a protected-term redefinition appended to a signed credential,
or an inline ``@vocab``, is a failed credential (VC-API ``POST /credentials/verify``)."""

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


def test_inline_vocab_fails_the_format_check(client: TestClient) -> None:
    unsigned = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    unsigned["@context"] = [*unsigned["@context"], {"@vocab": "https://example.org/vocab#"}]
    unsigned["credentialSubject"]["shoeSize"] = "44"
    body = verify(client, s.sign(unsigned, s.ISSUER))
    assert [e["id"] for e in body["errors"]] == ["format"]
    assert "@vocab" in body["detail"]
