"""The two selective-disclosure formats wherever the issuer offers formats: OpenID4VCI
(ldp_vc with ecdsa-sd-2023, dc+sd-jwt), the W3C VC-API, the CSV batch, the issue page, and the
catalogue's per-achievement disclosure policy."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.issuer.conftest import FROZEN, LATER, TOKEN, AppFactory, authorized
from tests.issuer.issuing.test_sd_issue import COLLEGE, NURSING_1, PROBLEM, issuer_key, sd_jwt_key
from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.di.ecdsa_sd.values import parse_base_proof_value
from vckit.did.resolver import did_key
from vckit.keys.keypair import KeyPair
from vckit.protocols.oid4vci import key_proof

ISSUER_ID = f"http://issuer.test/issuers/{COLLEGE}"
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SD_JWT_CONFIG = "OpenBadgeCredential_dc_sd_jwt"
LDP_SD_CONFIG = "OpenBadgeCredential_ldp_vc_ecdsa_sd"


# --- OpenID4VCI ---------------------------------------------------------------------------------


def test_metadata_lists_both_selective_disclosure_configurations(client: TestClient) -> None:
    metadata = client.get(f"/.well-known/openid-credential-issuer/issuers/{COLLEGE}").json()
    supported = metadata["credential_configurations_supported"]
    assert list(supported)[:2] == ["OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_jwt_vc_json"]
    sd = supported[SD_JWT_CONFIG]
    assert sd["format"] == "dc+sd-jwt"
    assert sd["vct"] == "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
    assert sd["credential_signing_alg_values_supported"] == ["ES256"]
    assert "jwt" in sd["proof_types_supported"]
    ldp = supported[LDP_SD_CONFIG]
    assert ldp["format"] == "ldp_vc"
    assert ldp["credential_signing_alg_values_supported"] == ["ecdsa-sd-2023"]


def _redeem(client: TestClient, holder: KeyPair, configuration: str, **learner: str) -> Any:
    made = client.post(
        f"/issuers/{COLLEGE}/offers",
        json={"achievement": NURSING_1, "configuration_ids": [configuration], **learner},
    )
    assert made.status_code == 201, made.text
    offer = made.json()["credential_offer"]
    assert offer["credential_configuration_ids"] == [configuration]
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    anonymous = TestClient(client.app, base_url="http://issuer.test")
    token = anonymous.post(
        f"/issuers/{COLLEGE}/token", data={"grant_type": PRE_AUTH, "pre-authorized_code": code}
    ).json()["access_token"]
    nonce = anonymous.post(f"/issuers/{COLLEGE}/nonce").json()["c_nonce"]
    did = did_key(holder.public)
    proof = key_proof(
        holder, kid=f"{did}#{did.split(':')[2]}", audience=ISSUER_ID, issued_at=FROZEN, nonce=nonce
    )
    return anonymous.post(
        f"/issuers/{COLLEGE}/credential",
        json={"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_dc_sd_jwt_offer_binds_the_proof_key_as_cnf(client: TestClient) -> None:
    holder = KeyPair.generate("P-256")
    response = _redeem(client, holder, SD_JWT_CONFIG, grade="A", date_of_birth="2001-04-17")
    assert response.status_code == 200, response.text
    [issued] = response.json()["credentials"]
    assert isinstance(issued["credential"], str)
    result = sd_jwt.verify(issued["credential"], sd_jwt_key(client), now=LATER)
    assert result.claims["cnf"] == {"jwk": holder.public.to_jwk()}
    assert result.claims["sub"] == did_key(holder.public)
    shown = result.claims["credentialSubject"]
    assert shown["result"][0]["value"] == "A"
    assert shown["identifier"][0]["identityHash"] == "2001-04-17"


def test_an_ecdsa_sd_offer_gives_a_base_proof_the_holder_can_derive_from(
    client: TestClient,
) -> None:
    response = _redeem(client, KeyPair.generate("Ed25519"), LDP_SD_CONFIG, grade="C")
    assert response.status_code == 200, response.text
    [issued] = response.json()["credentials"]
    document = issued["credential"]
    assert document["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    derived = ecdsa_sd.add_derived_proof(document, [])
    ecdsa_sd.verify_derived_proof(
        derived, issuer_key(client, document["proof"]["verificationMethod"])
    )
    assert "result" not in derived["credentialSubject"]


def test_offers_refuse_bad_learner_data_and_unknown_configurations(client: TestClient) -> None:
    for extra in ({"grade": "Z"}, {"configuration_ids": ["nope"]}, {"date_of_birth": "2099-01-01"}):
        made = client.post(f"/issuers/{COLLEGE}/offers", json={"achievement": NURSING_1, **extra})
        assert made.status_code == 422, made.text
        assert made.headers["content-type"] == PROBLEM


# --- the VC-API ---------------------------------------------------------------------------------


def test_vc_api_issues_ecdsa_sd_with_the_callers_mandatory_pointers(client: TestClient) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "issuer": f"did:web:issuer.test:issuers:{COLLEGE}",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside", "age": 21},
    }  # fmt: skip
    body = {
        "credential": credential,
        "options": {
            "cryptosuite": "ecdsa-sd-2023",
            "mandatoryPointers": ["/credentialSubject/alumniOf"],
        },
    }
    response = client.post("/credentials/issue", json=body)
    assert response.status_code == 201, response.text
    document = response.json()["verifiableCredential"]
    mandatory = parse_base_proof_value(document["proof"]["proofValue"]).mandatory_pointers
    assert "/credentialSubject/alumniOf" in mandatory
    assert {"/issuer", "/validFrom", "/credentialStatus"} <= set(mandatory)
    assert "/credentialSubject/age" not in mandatory
    wrong = {"credential": credential, "options": {"mandatoryPointers": ["/issuer"]}}
    assert client.post("/credentials/issue", json=wrong).status_code == 422


# --- the CSV batch --------------------------------------------------------------------------------


def test_a_batch_carries_learner_data_and_refuses_a_bad_grade(issuer_app: AppFactory) -> None:
    header = "recipient_did,recipient_name,date_of_birth,grade"
    learner = did_key(KeyPair.generate("Ed25519").public)
    with authorized(issuer_app()) as client:
        params = {"achievement": NURSING_1, "format": "sd-jwt-vc"}
        bad = f"{header}\n{learner},Alex Rivera,2001-04-17,F\n".encode()
        refused = client.post(f"/issuers/{COLLEGE}/batches", params=params, content=bad,
                              headers={"Content-Type": "text/csv"})  # fmt: skip
        assert refused.status_code == 422
        assert refused.json()["problems"][0]["column"] == "grade"
        good = f"{header}\n{learner},Alex Rivera,2001-04-17,B\n".encode()
        created = client.post(f"/issuers/{COLLEGE}/batches", params=params, content=good,
                              headers={"Content-Type": "text/csv"})  # fmt: skip
        assert created.status_code == 202, created.text
        location = created.headers["location"]
        deadline = time.monotonic() + 60  # a safeguard against hanging, not a speed assertion
        while client.get(location).json()["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.01)
        [issued] = client.get(f"/issuers/{COLLEGE}/credentials").json()
    claims = sd_jwt.verify(issued["credential"], sd_jwt_key(client), now=LATER).claims
    names = [i["identityHash"] for i in claims["credentialSubject"]["identifier"]]
    assert names == ["Alex Rivera", "2001-04-17"]
    assert claims["credentialSubject"]["result"][0]["value"] == "B"


# --- pages and the catalogue ----------------------------------------------------------------------


def _staff(app: FastAPI) -> tuple[TestClient, str]:
    browser = TestClient(app, base_url="https://issuer.test")

    def csrf(html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found
        return found.group(1)

    page = browser.get("/sign-in")
    browser.post("/sign-in", data={"csrf": csrf(page.text), "token": TOKEN, "next": "/"})
    return browser, csrf(browser.get(f"/issuers/{COLLEGE}/issue").text)


def test_the_issue_page_offers_both_formats_and_the_learner_fields(issuer_app: AppFactory) -> None:
    browser, csrf = _staff(issuer_app())
    form = browser.get(f"/issuers/{COLLEGE}/issue").text
    for needle in ('value="ecdsa-sd-2023"', 'value="sd-jwt-vc"', 'name="recipient_name"',
                   'name="date_of_birth"', 'name="grade"'):  # fmt: skip
        assert needle in form
    data = {
        "csrf": csrf,
        "achievement": NURSING_1,
        "recipient": did_key(KeyPair.generate("Ed25519").public),
        "format": "ecdsa-sd-2023",
        "recipient_name": "Alex Rivera",
        "grade": "A",
        "date_of_birth": "",
    }
    response = browser.post(f"/issuers/{COLLEGE}/issue", data=data)
    assert response.status_code == 201, response.text[:500]
    assert "ecdsa-sd-2023" in response.text and "Alex Rivera" in response.text
    data["grade"] = "Q"
    refused = browser.post(f"/issuers/{COLLEGE}/issue", data=data)
    assert refused.status_code == 422 and "one of A, B, C" in refused.text


def test_the_catalogue_shows_and_checks_the_disclosure_policy(client: TestClient) -> None:
    page = client.get("/issuers/nursing-board/catalogue").text
    policy = re.search(r'<p class="disclosable">(.*?)</p>', page, re.S)
    assert policy is not None
    assert "Always shown: Recipient name" in policy.group(1)
    assert "Date of birth" in policy.group(1).split("Always shown")[0]
    listed = client.get("/issuers/nursing-board/achievements").json()
    assert (
        "disclosable" not in client.get(listed[0]["id"].removeprefix("http://issuer.test")).json()
    )
    bad = {"slug": "cpr", "achievement": {"name": "CPR", "description": "d",
           "criteria": {"narrative": "n"}, "disclosable": ["shoeSize"]}}  # fmt: skip
    response = client.post(f"/issuers/{COLLEGE}/achievements", json=bad)
    assert response.status_code == 422 and "shoeSize" in response.json()["detail"]
