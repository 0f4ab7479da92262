"""Acceptance (issue 14): VC 1.1 credentials the issuer secures over its VC-API in the formats
a spec defines for them verify with implementations we did not write.

* ``vc-jwt`` of a VC 1.1 credential (VC Data Model 1.1 §6.3.1, the ``vc`` claim): PyJWT
  (``jwt.decode``: ES256 signature, ``nbf``/``exp`` against the real clock) and panva's
  ``jose`` (``js/jwt.mjs`` op ``verify``: ``jwtVerify``, typ ``JWT``), each given the issuer's
  P-256 key as the issuer's did:web document publishes it (a Multikey, decoded here with
  ``cryptography``, not with vckit).
* ``ecdsa-sd-2023`` of a VC 1.1 credential: Digital Bazaar's ``@digitalbazaar/vc`` with the
  ``ecdsa-sd-2023-cryptosuite`` derives a disclosure from our base proof and verifies it
  (``js/sd.mjs`` op ``derive-verify-issued``; the issuer's DID document fetched from the app,
  contexts only from ``contexts/``). Its StatusList2021 entry is checked by vckit's report
  (tests/issuer/issuing/test_vc11_formats.py): the lock file has no Digital Bazaar checker
  for StatusList2021.

The real issuer app runs behind a TestClient (as in test_js_issuer.py); nothing is mocked.
"""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

pytestmark = pytest.mark.interop

RunJs = Any  # conftest.RunJs

DID = "did:web:issuer.test:issuers:food-safety"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
LEARNER = "did:example:learner"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
P256_PUB = b"\x80\x24"  # multicodec p256-pub, varint


# VC 1.1 input gets status when asked (issuer.issuing.vc_api.status_flavor)
WITH_STATUS = {"credentialStatus": {"type": "StatusList2021Entry"}}


def vc11_credential() -> dict[str, Any]:
    return {
        "@context": [
            VC_V1,
            {
                "AlumniCredential": "https://example.org/vocab#AlumniCredential",
                "alumniOf": "https://schema.org/alumniOf",
            },
        ],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": DID,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "expirationDate": "2100-01-01T00:00:00Z",
        "credentialSubject": {"id": LEARNER, "alumniOf": "Riverside CC"},
    }


def issue(client: TestClient, format: str) -> Any:
    response = client.post(
        "/credentials/issue",
        json={"credential": vc11_credential(), "options": {"format": format, **WITH_STATUS}},
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def did_document(client: TestClient) -> dict[str, Any]:
    response = client.get("/issuers/food-safety/did.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def published_p256_key(document: dict[str, Any], kid: str) -> ec.EllipticCurvePublicKey:
    """The key ``kid`` names, read from the DID document's Multikey (base58btc, p256-pub)."""
    (method,) = [m for m in document["verificationMethod"] if m["id"] == kid]
    assert kid in document["assertionMethod"]
    encoded = method["publicKeyMultibase"]
    assert encoded.startswith("z")
    raw = b58decode(encoded[1:])
    assert raw.startswith(P256_PUB)
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = key.public_numbers()

    def b64(value: int) -> str:
        return base64.urlsafe_b64encode(value.to_bytes(32, "big")).rstrip(b"=").decode()

    return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y)}


def test_pyjwt_and_jose_verify_a_vc11_vc_jwt(issuer: TestClient, run_js: RunJs) -> None:
    enveloped = issue(issuer, "vc-jwt")
    media, _, token = enveloped["id"].partition(",")
    assert media == "data:application/jwt"
    header = jwt.get_unverified_header(token)
    key = published_p256_key(did_document(issuer), header["kid"])

    claims = jwt.decode(token, key, algorithms=["ES256"])
    assert header["typ"] == "JWT"
    assert claims["vc"]["@context"][0] == VC_V1
    assert (claims["iss"], claims["sub"], claims["jti"]) == (DID, LEARNER, claims["vc"]["id"])
    assert claims["nbf"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
    assert claims["vc"]["credentialStatus"]["type"] == "StatusList2021Entry"

    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, algorithms=["ES256"])

    now = datetime.now(UTC).isoformat()
    common = {"op": "verify", "publicJwk": public_jwk(key), "algorithms": ["ES256"], "now": now}
    results = run_js(
        "jwt.mjs",
        [
            {"id": "good", "token": token, "typ": "JWT", **common},
            {"id": "forged", "token": forged, **common},
            {"id": "before-nbf", "token": token, **{**common, "now": "2025-12-31T00:00:00Z"}},
        ],
    )
    good = results.completed("good")
    assert good["verified"] is True, good["errors"]
    assert good["payload"]["vc"] == claims["vc"]
    assert results.completed("forged")["verified"] is False
    early = results.completed("before-nbf")
    assert early["verified"] is False and "ERR_JWT_CLAIM_VALIDATION_FAILED" in early["errors"][0]


def test_digital_bazaar_derives_and_verifies_a_vc11_ecdsa_sd_credential(
    issuer: TestClient, run_js: RunJs
) -> None:
    document = issue(issuer, "ecdsa-sd-2023")
    assert document["@context"][0] == VC_V1
    assert document["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    documents = {DID: did_document(issuer)}
    tampered = copy.deepcopy(document)
    tampered["issuanceDate"] = "2020-01-01T00:00:00Z"  # a mandatory member
    now = datetime.now(UTC).isoformat()
    common = {"op": "derive-verify-issued", "documents": documents, "now": now}
    pointers = ["/credentialSubject/alumniOf"]
    results = run_js(
        "sd.mjs",
        [
            {"id": "disclose", "document": document, "selectivePointers": pointers, **common},
            {"id": "withhold", "document": document, "selectivePointers": [], **common},
            {"id": "tampered", "document": tampered, "selectivePointers": pointers, **common},
        ],
    )
    disclosed = results.completed("disclose")
    assert disclosed["verified"] is True, disclosed["errors"]
    shown = disclosed["document"]
    assert shown["credentialSubject"]["alumniOf"] == "Riverside CC"
    for member in ("issuanceDate", "expirationDate", "credentialStatus", "issuer", "id"):
        assert shown[member] == document[member], member

    withheld = results.completed("withhold")
    assert withheld["verified"] is True, withheld["errors"]
    assert "alumniOf" not in withheld["document"]["credentialSubject"]

    assert results.completed("tampered")["verified"] is False
