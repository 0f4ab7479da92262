"""An SD-JWT VC from the REAL issuer app, posted to the verifier's VC-API in the JWS JSON
serialization (RFC 9901 §8): the same answer as for the compact form; bad members are a 422
problem with a named code, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.scenarios import HOLDER, did_of
from tests.verifier.conftest import issue
from vckit.sdjwt import json_serialization as sd_jwt_json


def _issue(issuer: TestClient) -> Any:
    return issue(
        issuer, "community-college", "fundamentals-of-nursing-1",
        format="sd-jwt-vc", recipient={"did": did_of(HOLDER)},
    )  # fmt: skip


def _post(verifier: TestClient, item: Any) -> Any:
    return verifier.post("/credentials/verify", json={"verifiableCredential": item})


def test_json_serialized_sd_jwt_gets_the_compact_answer(
    issuer: TestClient, verifier: TestClient
) -> None:
    token = _issue(issuer)
    assert isinstance(token, str)
    compact = _post(verifier, token)
    assert compact.status_code == 200, compact.text
    for form in (sd_jwt_json.to_flattened(token), sd_jwt_json.to_general(token)):
        answer = _post(verifier, form)
        assert answer.status_code == 200, answer.text
        assert answer.json() == compact.json()
    assert compact.json()["verified"] is True


@pytest.mark.parametrize(
    "edit",
    ["top-level", "kb-not-jws", "second-header"],
)
def test_malformed_json_serialization_is_a_named_422(
    issuer: TestClient, verifier: TestClient, edit: str
) -> None:
    token = _issue(issuer)
    document: dict[str, Any] = sd_jwt_json.to_flattened(token)
    if edit == "top-level":
        document["disclosures"] = document["header"].pop("disclosures")
    elif edit == "kb-not-jws":
        document["header"]["kb_jwt"] = "not-a-jwt"
    else:
        document = sd_jwt_json.to_general(token)
        document["signatures"].append({**document["signatures"][0], "header": {"disclosures": []}})
    answer = _post(verifier, document)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["type"].endswith(":sd-jwt-json-malformed"), problem
