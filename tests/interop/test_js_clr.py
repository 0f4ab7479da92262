"""Acceptance (CLR 2.0): a ClrCredential made by our issuer verifies with code we did not write.

- **eddsa-rdfc-2022**: Digital Bazaar's ``@digitalbazaar/vc`` ``verifyCredential`` (with
  ``@digitalbazaar/vc-bitstring-status-list``) verifies the CLR, and each credential nested in
  its ``ClrSubject`` on its own (js/di.mjs ``verify-issued-credential``, given only the
  issuer's did:web document and status lists as the issuer serves them). After one nested
  course credential is revoked, the CLR still verifies there and that course credential is
  reported revoked; the other one still verifies. And the other way: 1EdTech's public CLR sample
  signed by Digital Bazaar verifies in vckit and reads as a transcript in the wallet.
- **clr-jwt** (CLR 2.0 §8.2, the OB 3.0 VC-JWT encoding, RS256): PyJWT ``decode`` with the RSA
  key the issuer's DID document lists under the token's ``kid``, requiring ``iss`` and ``sub``.

The issuer is the real app over its TestClient (tests/interop/conftest.py ``issuer``).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.interop.conftest import BASE_URL
from tests.interop.test_js_issuer import case, get_json, status_entries
from tests.issuer.conftest import revoke
from tests.paths import VECTORS
from vckit.did.resolver import DidResolver
from vckit.verification import VerifyOptions, verify
from wallet.store import CredentialRecord, credential_hash
from wallet.views.transcript import transcript_of

pytestmark = pytest.mark.interop

RunJs = Any
COLLEGE = "community-college"
DID = f"did:web:issuer.test:issuers:{COLLEGE}"
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
COURSES = ("fundamentals-of-nursing-1", "fundamentals-of-nursing-2")


def issue_course(client: TestClient, course: str) -> dict[str, Any]:
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": course, "recipient": {"did": LEARNER}},
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def issue_clr(client: TestClient, format: str) -> Any:
    response = client.post(
        f"/issuers/{COLLEGE}/clrs",
        json={
            "programme": "practical-nursing-programme",
            "recipient": {"did": LEARNER},
            "format": format,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["credential"]


def served(client: TestClient, *credentials: dict[str, Any]) -> dict[str, Any]:
    documents = {DID: get_json(client, f"{BASE_URL}/issuers/{COLLEGE}/did.json")}
    for credential in credentials:
        for entry in status_entries(credential):
            url = entry["statusListCredential"]
            documents[url] = get_json(client, url)
    return documents


def test_js_verifies_our_clr_and_each_nested_credential(issuer: TestClient, run_js: RunJs) -> None:
    for course in COURSES:
        issue_course(issuer, course)
    clr = issue_clr(issuer, "eddsa-rdfc-2022")
    assert clr["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    first, second = clr["credentialSubject"]["verifiableCredential"]
    before = served(issuer, clr, first, second)
    revoke(issuer, first["id"])
    after = served(issuer, clr, first, second)

    results = run_js(
        "di.mjs",
        [
            case("clr", clr, before),
            case("first", first, before),
            case("second", second, before),
            case("clr-after", clr, after),
            case("first-after", first, after),
            case("second-after", second, after),
        ],
    )
    for name in ("clr", "first", "second", "clr-after", "second-after"):
        result = results.completed(name)
        assert result["verified"] is True, (name, result["errors"])
    revoked = results.completed("first-after")
    assert (revoked["verified"], revoked["proofVerified"]) == (False, True)
    assert revoked["statuses"][0]["set"] is True


def test_js_verifies_the_registrars_copies_of_sd_course_credentials(
    issuer: TestClient, run_js: RunJs
) -> None:
    """Course credentials issued as ecdsa-sd-2023 base credentials go into the CLR as the
    registrar's eddsa-rdfc-2022 copies (issuer.issuing.clr_copies): Digital Bazaar verifies
    each on its own, and reports a copy revoked once its original is revoked."""
    originals = []
    for course in COURSES:
        response = issuer.post(
            f"/issuers/{COLLEGE}/credentials",
            json={"achievement": course, "recipient": {"did": LEARNER}, "format": "ecdsa-sd-2023"},
        )
        assert response.status_code == 201, response.text
        originals.append(response.json()["credential"])
    clr = issue_clr(issuer, "eddsa-rdfc-2022")
    first, second = clr["credentialSubject"]["verifiableCredential"]
    assert first["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert [first["id"], second["id"]] != [o["id"] for o in originals]
    revoke(issuer, originals[0]["id"])
    after = served(issuer, clr, first, second)
    results = run_js(
        "di.mjs",
        [case("clr", clr, after), case("first", first, after), case("second", second, after)],
    )
    for name in ("clr", "second"):
        result = results.completed(name)
        assert result["verified"] is True, (name, result["errors"])
    revoked = results.completed("first")
    assert (revoked["verified"], revoked["proofVerified"]) == (False, True)
    assert revoked["statuses"][0]["set"] is True


def test_js_refuses_a_clr_changed_after_signing(issuer: TestClient, run_js: RunJs) -> None:
    issue_course(issuer, COURSES[0])
    clr = issue_clr(issuer, "eddsa-rdfc-2022")
    clr["credentialSubject"]["association"][0]["associationType"] = "isPeerOf"
    result = run_js("di.mjs", [case("changed", clr, served(issuer, clr))]).completed("changed")
    assert (result["verified"], result["proofVerified"]) == (False, False)


def test_pyjwt_verifies_our_clr_jwt(issuer: TestClient) -> None:
    issue_course(issuer, COURSES[0])
    token = issue_clr(issuer, "clr-jwt")
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    did_document = get_json(issuer, f"{BASE_URL}/issuers/{COLLEGE}/did.json")
    (method,) = [m for m in did_document["verificationMethod"] if m["id"] == header["kid"]]
    public = jwt.PyJWK(method["publicKeyJwk"]).key
    payload = jwt.decode(
        token, public, algorithms=["RS256"], issuer=DID, options={"require": ["iss", "sub"]}
    )
    assert payload["sub"] == LEARNER
    assert "ClrCredential" in payload["vc"]["type"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
            public,
            algorithms=["RS256"],
            issuer=DID,
        )


def test_a_clr_signed_by_digital_bazaar_from_the_public_sample_is_shown_correctly(
    run_js: RunJs, interop_keys: dict[str, Any]
) -> None:
    """1EdTech's public CLR sample (shared/reference/samples, a copy in tests/vectors), signed by
    Digital Bazaar's eddsa-rdfc-2022 with a did:key: vckit verifies the CLR's proof, and the
    wallet reads it as a transcript (the programme from its isParentOf association)."""
    sample = json.loads((VECTORS / "ob3-samples" / "clr2-impl-guide-test-data.json").read_text())
    key = interop_keys["Ed25519"]
    did = f"did:key:{key['publicKeyMultibase']}"
    sample["issuer"]["id"] = did
    key_only = {k: key[k] for k in ("publicKeyMultibase", "secretKeyMultibase")}
    case = {
        "id": "clr",
        "op": "sign-credential",
        "credential": sample,
        "cryptosuite": "eddsa-rdfc-2022",
        "key": key_only,
        "created": "2026-03-01T00:00:00Z",
    }
    signed = run_js("di.mjs", [case]).completed("clr")["document"]
    options = VerifyOptions(resolver=DidResolver(), now=datetime(2026, 3, 2, tzinfo=UTC))
    report = verify(copy.deepcopy(signed), options)
    proof = report.check("proof")
    assert proof is not None and proof.status == "pass"
    stored = CredentialRecord(
        "c" * 32, "a" * 32, credential_hash(signed), signed, "ldp_vc", "upload",
        "2026-03-02T00:00:00+00:00", report.to_json(), report.verdict, None,
    )  # fmt: skip
    transcript = transcript_of(stored)
    assert transcript is not None
    assert transcript.name == "Achievement 1"  # the parent in the sample's association
    assert [course.name for course in transcript.courses] == ["Achievement 2"]
    assert transcript.programme is not None
    assert transcript.programme.name == "Example University Degree"
    assert transcript.programme.issuer_name == "Example University"
