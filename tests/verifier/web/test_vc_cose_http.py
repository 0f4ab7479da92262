"""``POST /credentials/verify`` with a VC-JOSE-COSE ``application/vc+cose`` credential,
enveloped as ``data:application/vc+cose;base64,...`` (VC 2.0 §4.13.1); broken ones are 4xx."""

from __future__ import annotations

import base64
from typing import Any

import cbor2
import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.vckit.cose.test_vc_cose import signed
from vckit.cose import vc_cose


def post(verifier: TestClient, item: Any) -> Any:
    return verifier.post("/credentials/verify", json={"verifiableCredential": item})


def test_the_verifier_takes_an_enveloped_vc_cose(verifier: TestClient) -> None:
    response = post(verifier, vc_cose.envelop(signed(s.ISSUER)))
    body = response.json()
    assert response.status_code == 200, body
    assert body["verified"] is True
    assert body["report"]["format"].startswith("vc+cose")


@pytest.mark.parametrize(
    "data_url",
    [
        "data:application/vc+cose;base64,not base64!",
        "data:application/vc+cose;base64," + base64.b64encode(b"\x00\x01").decode(),
        "data:application/vc+cose;base64," + base64.b64encode(cbor2.dumps([1, 2])).decode(),
        "data:application/vc+cose," + base64.b64encode(b"x").decode(),
    ],
)
def test_a_broken_vc_cose_is_a_4xx(verifier: TestClient, data_url: str) -> None:
    item = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": data_url,
    }
    response = post(verifier, item)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def _cose(protected: Any, payload: bytes = b"{}") -> str:
    raw = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps(protected), {}, payload, b"\x00" * 64]))
    return "data:application/vc+cose;base64," + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "data_url",
    [
        _cose({1: [1, 2]}),
        _cose({1: "ES256"}),
        _cose({1: -7, 4: 12}, b'{"type": ["VerifiableCredential"], "issuer": 5}'),
        _cose({1: -8, 16: "text/plain"}),
        _cose({1: -257}),
        _cose({1: -7}, b"\xff\xfe"),
    ],
)
def test_hostile_cose_is_never_a_500(verifier: TestClient, data_url: str) -> None:
    item = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": data_url,
    }
    response = post(verifier, item)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
