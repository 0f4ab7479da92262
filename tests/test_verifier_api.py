"""The verifier's W3C VC-API routes and its paste-and-verify page, over HTTP (TestClient)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from verifier.app import create_app
from verifier.settings import Settings

PROBLEM = "application/problem+json"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(
        allow_did_web=False,
        allow_status_fetch=False,
        max_body_bytes=200_000,
        data_dir=tmp_path / "verifier",
    )
    return TestClient(create_app(settings))


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_verify_good_credential(client: TestClient) -> None:
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": s.good_credential()}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert {"proof", "issuer-key", "validity-period", "status", "schema"} <= set(body["checks"])
    assert body["errors"] == []


def test_verify_jwt_credential(client: TestClient) -> None:
    response = client.post("/credentials/verify", json={"verifiableCredential": s.jwt_credential()})
    assert response.status_code == 200, response.text


def _enveloped(id_: str) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": id_,
        "type": "EnvelopedVerifiableCredential",
    }


def _flip_signature(jwt: str) -> str:
    """Change one character in the middle of the signature (never a no-op)."""
    head, _, signature = jwt.rpartition(".")
    middle = len(signature) // 2
    swapped = "B" if signature[middle] == "A" else "A"
    return f"{head}.{signature[:middle]}{swapped}{signature[middle + 1 :]}"


def test_verify_enveloped_jwt_credential(client: TestClient) -> None:
    """VC-API VerifyEnvelopedCredentialRequest: what /credentials/issue returns for a JWT."""
    vc = _enveloped(f"data:application/vc+jwt,{s.jwt_credential()}")
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True


@pytest.mark.parametrize(
    ("make_id", "error"),
    [
        pytest.param(
            lambda jwt: f"data:application/vc+jwt,{_flip_signature(jwt)}",
            "proof",
            id="tampered-signature",
        ),
        pytest.param(lambda jwt: f"data:text/plain,{jwt}", None, id="wrong-media-type"),
        pytest.param(lambda jwt: f"application/vc+jwt,{jwt}", None, id="not-a-data-url"),
        pytest.param(lambda jwt: "data:application/vc+jwt,", None, id="empty-token"),
    ],
)
def test_bad_enveloped_credential_is_422(
    client: TestClient, make_id: Any, error: str | None
) -> None:
    vc = _enveloped(make_id(s.jwt_credential()))
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    if error is None:
        assert body["type"].endswith("unsupported-format")
    else:
        assert body["verified"] is False
        assert error in [e["id"] for e in body["errors"]]


@pytest.mark.parametrize(
    "context",
    [
        pytest.param(None, id="missing-context"),
        pytest.param("https://www.w3.org/2018/credentials/v1", id="v1-context"),
        pytest.param([10], id="context-item-not-string"),
        pytest.param(["https://www.w3.org/ns/credentials/v2", None], id="context-item-null"),
    ],
)
def test_enveloped_credential_needs_the_v2_context(client: TestClient, context: Any) -> None:
    """VC 2.0 §4.13.1: the envelope's @context MUST be present and include the base context."""
    vc = _enveloped(f"data:application/vc+jwt,{s.jwt_credential()}")
    if context is None:
        del vc["@context"]
    else:
        vc["@context"] = context
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 422, response.text
    assert "@context" in response.json()["detail"]


def test_tampered_credential_is_422_problem(client: TestClient) -> None:
    vc = s.good_credential()
    vc["credentialSubject"]["achievement"]["name"] = "Anything"
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["verified"] is False
    assert [e["id"] for e in body["errors"]] == ["proof"]
    assert body["detail"].startswith("proof:")


def test_could_not_check_is_reported_as_warning_not_verified(client: TestClient) -> None:
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": s.with_status("revocation")}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False
    assert [w["id"] for w in body["warnings"]] == ["status"]


def test_presentation_with_options(client: TestClient) -> None:
    shared = s.presentation()
    options = {"challenge": shared.challenge, "domain": shared.domain}
    response = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": shared.presentation, "options": options},
    )
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    replay = {"challenge": "old", "domain": shared.domain}
    response = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": shared.presentation, "options": replay},
    )
    assert response.status_code == 422
    assert [e["id"] for e in response.json()["errors"]] == ["challenge"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"{not json", 400, id="malformed-json"),
        pytest.param(b"[]", 400, id="array-body"),
        pytest.param(b"\xff\xfe", 400, id="not-utf8"),
        pytest.param(b'{"a":' * 100 + b"1" + b"}" * 100, 400, id="too-deep"),
        pytest.param(b"{}", 422, id="missing-credential"),
        pytest.param(b'{"verifiableCredential": 5}', 422, id="credential-is-a-number"),
        pytest.param(b'{"verifiableCredential": {}}', 422, id="credential-without-type"),
        pytest.param(b'{"verifiableCredential": "abc"}', 422, id="not-a-jwt"),
        pytest.param(
            b'{"verifiableCredential": {"type": "VerifiableCredential"}, "options": 3}',
            422,
            id="options-not-object",
        ),
    ],
)
def test_bad_requests_get_problem_details(client: TestClient, body: bytes, status: int) -> None:
    response = client.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]


def test_oversized_body_is_413(client: TestClient) -> None:
    body = json.dumps({"verifiableCredential": {"padding": "x" * 300_000}})
    response = client.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)


def test_openapi_lists_the_vc_api_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/credentials/verify", "/presentations/verify"} <= set(paths)


def test_page_verifies_a_pasted_credential(client: TestClient) -> None:
    assert "Verify a credential" in client.get("/").text
    response = client.post("/", data={"document": json.dumps(s.good_credential())})
    assert response.status_code == 200
    assert "Verified" in response.text
    assert "eddsa-rdfc-2022 signature verifies" in response.text


def test_page_shows_failure_and_unusable_input(client: TestClient) -> None:
    vc = s.good_credential(validUntil="2026-01-01T00:00:00Z")
    response = client.post("/", data={"document": json.dumps(vc)})
    assert "Failed" in response.text and "expired" in response.text
    response = client.post("/", data={"document": "hello"})
    assert response.status_code == 400
    assert "Cannot verify" in response.text


def test_oversized_chunked_body_without_length_is_413(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(30):
            yield b"x" * 10_000

    response = client.post(
        "/credentials/verify", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(
            b'{"verifiableCredential": {}, "verifiableCredential": "x"}',
            "malformed-json",
            id="duplicate-member",
        ),
        pytest.param(b'{"verifiableCredential": NaN}', "malformed-json", id="nan"),
        pytest.param(b'{"options": {"challenge": Infinity}}', "malformed-json", id="infinity"),
        pytest.param(b'{"a":' * 65 + b"1" + b"}" * 65, "document-too-deep", id="depth-65"),
        pytest.param(b"\xff\xfe", "malformed-json", id="not-utf8"),
        pytest.param(b"[{}]", "unsupported-format", id="array-body"),
        pytest.param(b"", "unsupported-format", id="empty-body"),
    ],
)
def test_body_is_read_as_strictly_as_the_cli_reads_a_file(
    client: TestClient, body: bytes, code: str
) -> None:
    """The API and ``ler verify`` share vckit.document.read_input: the same input, the same
    refusal (named by its error code)."""
    response = client.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["type"] == f"urn:ler:problem:{code}"
