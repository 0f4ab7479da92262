"""Issue 14: the VC-API secures VC 1.1 credentials in every format a spec defines for them.

``vc-jwt`` of a VC 1.1 credential is the VC-JWT 1.1 encoding (VC Data Model 1.1 §6.3.1: the
``vc`` claim with ``iss``/``nbf``/``exp``/``jti``/``sub``), of a VC 2.0 credential VC-JOSE-COSE
``vc+jwt``; ``ecdsa-sd-2023`` takes both data models. Each is issued over HTTP and verified by
vckit's full report (proof, issuer key, StatusList2021 status fetched from the issuer).
Independent verifiers: tests/interop/test_js_vc11.py (Digital Bazaar JS, PyJWT).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import checks_by_id, revoke, verify_options
from vckit import verify
from vckit.di import ecdsa_sd
from vckit.jose import vc_jwt
from vckit.verification.jwt import enveloped_token

VC_V1 = "https://www.w3.org/2018/credentials/v1"
LEARNER = "did:example:learner"
# the 1.1 examples context imports ODRL, which is not in contexts/: the terms inline instead
TERMS = {
    "AlumniCredential": "https://example.org/vocab#AlumniCredential",
    "alumniOf": "https://schema.org/alumniOf",
}


SEALED = json.loads((Path(__file__).parents[3] / "contexts" / "index.json").read_text())


def assert_contexts_are_sealed(document: dict[str, Any]) -> None:
    """Every context URL the issuer emits is one we keep (with its source) in contexts/."""
    urls = [c for c in document["@context"] if isinstance(c, str)]
    assert urls and all(url in SEALED for url in urls), urls


# VC 1.1 input gets status when asked (issuer.issuing.vc_api.status_flavor)
WITH_STATUS = {"credentialStatus": {"type": "StatusList2021Entry"}}


def vc11_credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V1, TERMS],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-03-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": LEARNER, "alumniOf": "Riverside CC"},
    }


def issue_vc11(client: TestClient, format: str) -> Any:
    issuer = client.get("/issuers").json()[0]["did"]
    response = client.post(
        "/credentials/issue",
        json={"credential": vc11_credential(issuer), "options": {"format": format, **WITH_STATUS}},
    )
    assert response.status_code == 201, response.text
    return json.loads(json.dumps(response.json()["verifiableCredential"]))


def jwt_of(enveloped: dict[str, Any]) -> str:
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    media, _, token = enveloped["id"].partition(",")
    assert media == "data:application/jwt"  # not vc+jwt: that is VC 2.0 only
    return str(token)


def test_vc_jwt_of_a_vc11_credential_is_the_vc_claim_encoding(client: TestClient) -> None:
    enveloped = issue_vc11(client, "vc-jwt")
    token = jwt_of(enveloped)
    header, payload = vc_jwt.peek(token)
    assert header["typ"] == "JWT" and header["alg"] == "ES256"
    credential = payload["vc"]
    assert credential["@context"][0] == VC_V1
    assert payload["iss"] == credential["issuer"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == LEARNER
    assert payload["nbf"] == 1772323200  # issuanceDate 2026-03-01T00:00:00Z
    assert payload["exp"] == 1893456000  # expirationDate 2030-01-01T00:00:00Z
    assert credential["credentialStatus"]["type"] == "StatusList2021Entry"
    assert_contexts_are_sealed(credential)
    # PyJWT reads the registered claims as RFC 7519 defines them (signature checked in interop)
    claims = jwt.decode(token, options={"verify_signature": False}, leeway=10**9)
    assert claims["jti"] == credential["id"]

    report = verify(token, verify_options(client))
    checks = checks_by_id(report)
    assert report.verification == "pass", report.to_json()
    assert checks["status"] == "pass", checks
    # the VC-API answer unwrapped as the verifier's VC-API does (verifier/web/api/vc_api.py)
    assert enveloped_token(enveloped) == token


def test_vc_jwt_of_a_vc20_credential_stays_vc_jose_cose(client: TestClient) -> None:
    issuer = client.get("/issuers").json()[0]["did"]
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": LEARNER},
    }
    response = client.post(
        "/credentials/issue", json={"credential": credential, "options": {"format": "vc-jwt"}}
    )
    assert response.status_code == 201, response.text
    media, _, token = response.json()["verifiableCredential"]["id"].partition(",")
    assert media == "data:application/vc+jwt"
    header, payload = vc_jwt.peek(token)
    assert header["typ"] == "vc+jwt" and "vc" not in payload
    assert verify(token, verify_options(client)).verification == "pass"


def test_ecdsa_sd_2023_of_a_vc11_credential(client: TestClient) -> None:
    document = issue_vc11(client, "ecdsa-sd-2023")
    assert document["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    assert document["@context"][0] == VC_V1
    assert "https://w3id.org/security/data-integrity/v2" in document["@context"]  # proof terms
    assert_contexts_are_sealed(document)
    derived = ecdsa_sd.add_derived_proof(document, ["/credentialSubject/alumniOf"])
    # the issuer's mandatory members stay: VC 1.1 dates, status, issuer
    for member in ("issuanceDate", "expirationDate", "credentialStatus", "issuer", "id"):
        assert derived[member] == document[member], member

    report = verify(derived, verify_options(client))
    checks = checks_by_id(report)
    assert report.verification == "pass", report.to_json()
    assert checks["status"] == "pass", checks


@pytest.mark.parametrize("format", ["vc-jwt", "ecdsa-sd-2023"])
def test_our_verifier_sees_a_vc11_credential_revoked(client: TestClient, format: str) -> None:
    issued = issue_vc11(client, format)
    if format == "vc-jwt":
        document: Any = jwt_of(issued)
        credential_id = vc_jwt.peek(document)[1]["jti"]
    else:
        document = ecdsa_sd.add_derived_proof(issued, [])
        credential_id = issued["id"]
        assert issued["credentialStatus"]["type"] == "StatusList2021Entry"
    revoke(client, credential_id)
    report = verify(document, verify_options(client))
    assert report.verification == "fail"
    assert checks_by_id(report)["status"] == "fail", report.to_json()


@pytest.mark.parametrize("context", [VC_V1, "https://www.w3.org/ns/credentials/v2"])
def test_ecdsa_sd_2023_of_a_subject_with_only_an_id(client: TestClient, context: str) -> None:
    """``{"id": DID}`` compacts to the DID itself, where the issuer's own pointer
    ``/credentialSubject/id`` selects nothing (it was a 422): ``/credentialSubject`` instead."""
    issuer = client.get("/issuers").json()[0]["did"]
    credential = {
        "@context": [context],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": LEARNER},
    }
    response = client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"format": "ecdsa-sd-2023"}},
    )
    assert response.status_code == 201, response.text
    derived = ecdsa_sd.add_derived_proof(response.json()["verifiableCredential"], [])
    assert derived["credentialSubject"] in (LEARNER, {"id": LEARNER})  # the holder cannot hide it
    assert checks_by_id(verify(derived, verify_options(client)))["proof"] == "pass"
