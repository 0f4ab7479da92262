"""What one public ``POST /credentials/verify`` may cost (issue 15): a credential of more JSON
values than ``verify_max_values`` (default 25,000) is a 413 problem naming the limit, before
any check runs in the verifier's one-at-a-time CPU lane; a CLR of 30 signed credentials, one
with a 128 KiB embedded image, is far inside it and verifies.

Before: the campaign's 1.7 MB credential (32 endorsements, 10,000 alignments, one wrong date)
was checked in full, 4.5 s of the lane that every other verification in the process waits
for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests import heavy_documents as heavy
from verifier.app import create_app
from verifier.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        allow_did_web=False, allow_status_fetch=False, data_dir=tmp_path / "verifier"
    )
    app = create_app(settings)
    yield TestClient(app, raise_server_exceptions=False)
    app.state.inst.db.close()


def test_a_credential_of_too_many_values_is_a_413_naming_the_limit(client: TestClient) -> None:
    hostile = heavy.hostile_credential()
    answer = client.post("/credentials/verify", json={"verifiableCredential": hostile})
    assert answer.status_code == 413, answer.text[:500]
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"].endswith(":document-too-large"), problem
    assert f"more than {Settings.verify_max_values} JSON values" in problem["detail"]


def test_a_presentation_of_too_many_values_is_refused_too(client: TestClient) -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [heavy.hostile_credential()],
    }
    answer = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert answer.status_code == 413, answer.text[:500]


def test_a_large_clr_with_an_embedded_image_verifies(client: TestClient) -> None:
    answer = client.post("/credentials/verify", json={"verifiableCredential": heavy.large_clr()})
    assert answer.status_code == 200, answer.text[:1000]
    assert answer.json()["verified"] is True
