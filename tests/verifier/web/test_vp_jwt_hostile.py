"""Hostile ``vp+jwt`` / ``vp+sd-jwt`` / ``vc+cose`` input on the VC-API verify routes: a clear
4xx (or a failing report), never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient


def _b64(value: Any) -> str:
    raw = json.dumps(value).encode() if not isinstance(value, bytes) else value
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(header: dict[str, Any], payload: Any) -> str:
    return f"{_b64(header)}.{_b64(payload)}.{_b64(b'sig')}"


VP = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
HOSTILE = [
    token({"alg": "EdDSA", "typ": "vp+jwt", "kid": "did:"}, VP),
    token({"alg": "EdDSA", "typ": "vp+jwt", "kid": "did:key:#"}, {**VP, "holder": {"id": 7}}),
    token({"alg": "none", "typ": "vp+jwt"}, {**VP, "holder": "did:key:z6Mk"}),
    token({"alg": "EdDSA", "typ": "vp+jwt", "kid": 5}, {**VP, "verifiableCredential": "x"}),
    token({"alg": "EdDSA", "typ": "vp+jwt"}, {**VP, "verifiableCredential": [{"a": 1}] * 3}),
    token({"alg": "HS256", "typ": "vp+sd-jwt", "kid": "did:x:y#1"}, {**VP, "_sd": 3}) + "~",
    token({"alg": "EdDSA", "typ": "vp+sd-jwt"}, {**VP, "_sd": ["x"]}) + "~WyJhIl0~",
    token({"alg": "EdDSA", "typ": "vp+jwt"}, {**VP, "iss": ["x"], "aud": {"a": 1}}),
]


@pytest.mark.parametrize("item", HOSTILE)
def test_hostile_presentations_are_never_a_500(verifier: TestClient, item: str) -> None:
    for body in (item, {**VP, "type": "EnvelopedVerifiablePresentation", "id": f"data:x,{item}"}):
        response = verifier.post(
            "/presentations/verify",
            json={"verifiablePresentation": body, "options": {"challenge": "c"}},
        )
        assert response.status_code in (200, 400, 422), response.text
        assert response.status_code == 200 or response.headers["content-type"].startswith(
            "application/problem+json"
        )
