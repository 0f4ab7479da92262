"""A JOSE credential whose ``kid`` is not a DID URL, verified with a key the caller supplies
(VC-API ``options.publicKeyJwk``, ``ler verify --key``): the signature is checked with it and
*issuer-key* stays could-not-check -- the caller, not the issuer's document, vouches for it.

The credential is VC Data Model 2.0 Example 5 (https://www.w3.org/TR/vc-data-model-2.0/,
"Use of the name and description properties"); the W3C vc-jose-cose suite sends tokens like it
with a ``kid`` such as ``key-1`` and hands the verifier the issuer's public key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ler.cli import main
from tests import scenarios as s
from vckit.jose import vc_jwt as jose

ISSUER_URL = "https://university.example/issuers/565049"


def example_credential() -> dict[str, Any]:
    """VC Data Model 2.0 Example 5 (the spec's text, unsigned)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "http://university.example/credentials/3732",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": {
            "id": ISSUER_URL,
            "name": "Example University",
            "description": "A public university focusing on teaching examples.",
        },
        "validFrom": "2015-05-10T12:30:00Z",
        "name": "Example University Degree",
        "description": "2015 Bachelor of Science and Arts Degree",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"},
        },
    }


def token(key: Any = s.ISSUER) -> str:
    return jose.sign_jwt_vc(example_credential(), key, kid="key-1")


def post(verifier: TestClient, item: Any, jwk: dict[str, Any] | None) -> Any:
    options = {} if jwk is None else {"publicKeyJwk": jwk}
    return verifier.post(
        "/credentials/verify", json={"verifiableCredential": item, "options": options}
    )


def checks_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in body["report"]["checks"]}


def test_the_supplied_key_checks_the_signature_and_issuer_key_stays_a_warning(
    verifier: TestClient,
) -> None:
    response = post(verifier, token(), s.ISSUER.public.to_jwk())
    body = response.json()
    assert response.status_code == 200, body
    checks = checks_of(body)
    assert checks["proof"]["status"] == "pass"
    assert "the caller supplied" in checks["proof"]["detail"]
    assert checks["issuer-key"]["status"] == "could-not-check"
    assert "caller supplied" in checks["issuer-key"]["detail"]
    assert body["verified"] is False  # never claim the key is the issuer's
    assert "proof" in body["checks"]


def test_enveloped_with_a_supplied_key(verifier: TestClient) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{token()}",
    }
    response = post(verifier, enveloped, s.ISSUER.public.to_jwk())
    assert response.status_code == 200, response.text
    assert checks_of(response.json())["proof"]["status"] == "pass"


def test_without_a_key_the_proof_cannot_be_checked(verifier: TestClient) -> None:
    response = post(verifier, token(), None)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:ler:problem:proof-not-verifiable"


def test_a_wrong_supplied_key_fails_the_proof(verifier: TestClient) -> None:
    response = post(verifier, token(), s.OTHER.public.to_jwk())
    body = response.json()
    assert response.status_code == 422, body
    assert [e["id"] for e in body["errors"]] == ["proof"]


def test_a_supplied_key_does_not_override_a_resolvable_kid(verifier: TestClient) -> None:
    """A did:key credential signed by ISSUER stays ISSUER's, whatever key the caller hands in."""
    response = post(verifier, s.jwt_credential(), s.OTHER.public.to_jwk())
    body = response.json()
    assert response.status_code == 200, body
    assert checks_of(body)["issuer-key"]["status"] == "pass"


@pytest.mark.parametrize(
    ("jwk", "title"),
    [
        ({**s.ISSUER.public.to_jwk(), "d": "AAAA"}, "Private key given"),
        ({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, "Unusable key"),
        ({"kty": "oct", "k": "c2VjcmV0"}, "Unusable key"),
    ],
)
def test_a_private_or_unusable_key_is_a_400(
    verifier: TestClient, jwk: dict[str, Any], title: str
) -> None:
    response = post(verifier, token(), jwk)
    assert response.status_code == 400, response.text
    assert response.json()["title"] == title


def test_the_option_is_documented(verifier: TestClient) -> None:
    schema = verifier.get("/openapi.json").json()["components"]["schemas"]["VerifyOptions"]
    assert "publicKeyJwk" in schema["properties"]
    assert "could-not-check" in schema["properties"]["publicKeyJwk"]["description"]


def test_ler_verify_with_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vc.jwt"
    path.write_text(token())
    key = tmp_path / "issuer.jwk"
    key.write_text(json.dumps(s.ISSUER.public.to_jwk()))
    assert main(["verify", str(path), "--json", "--key", str(key)]) == 3
    report = json.loads(capsys.readouterr().out)
    checks = {c["id"]: c["status"] for c in report["checks"]}
    assert checks["proof"] == "pass" and checks["issuer-key"] == "could-not-check"
    assert main(["verify", str(path), "--json"]) == 3
    checks = {c["id"]: c["status"] for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["proof"] == "could-not-check"


@pytest.mark.parametrize(
    "jwk",
    [
        {},
        {"kty": 5},
        {"kty": "EC", "crv": "P-256", "x": 5, "y": None},
        {"kty": "EC", "crv": ["P-256"], "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "Ed25519", "x": "!!!"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "RSA", "n": 1, "e": {"a": 1}},
        {"kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
    ],
)
def test_a_hostile_key_is_a_400_never_a_500(verifier: TestClient, jwk: dict[str, Any]) -> None:
    response = post(verifier, token(), jwk)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
