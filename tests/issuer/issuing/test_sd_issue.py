"""Selective disclosure at the issuer: ecdsa-sd-2023 and SD-JWT VC credentials issued over the
project API, checked with vckit directly (derived proofs, RFC 9901 verification) against the
issuer's keys as its did:web document publishes them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import LATER, https_to_client
from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.di.ecdsa_sd.values import parse_base_proof_value
from vckit.did.resolver import DidResolver, did_key
from vckit.errors import InvalidSignatureError
from vckit.keys.keypair import KeyPair, PublicKey
from vckit.status.status_list import check_entry

COLLEGE = "community-college"
NURSING_1 = "fundamentals-of-nursing-1"
BOARD = "nursing-board"
LICENCE = "licensed-practical-nurse"  # its catalogue entry keeps the learner's name mandatory
HOLDER = KeyPair.generate("Ed25519")
HOLDER_DID = did_key(HOLDER.public)
LEARNER = {"recipient_name": "Alex Rivera", "date_of_birth": "2001-04-17", "grade": "B"}
NAME, BIRTH = "/credentialSubject/identifier/0", "/credentialSubject/identifier/1"
PROBLEM = "application/problem+json"


def issue(client: TestClient, fmt: str, slug: str = COLLEGE, **fields: Any) -> Any:
    body = {
        "achievement": fields.pop("achievement", NURSING_1),
        "recipient": fields.pop("recipient", {"did": HOLDER_DID}),
        "format": fmt,
        **fields,
    }
    return client.post(f"/issuers/{slug}/credentials", json=body)


def issued(client: TestClient, fmt: str, slug: str = COLLEGE, **fields: Any) -> Any:
    response = issue(client, fmt, slug, **fields)
    assert response.status_code == 201, response.text
    return response.json()["credential"]


def issuer_key(client: TestClient, method: str) -> PublicKey:
    """The key ``method`` names, from the issuer's did:web document served by the app."""
    return DidResolver(https_to_client(client)).resolve_method(method)[1].public_key


def sd_jwt_key(client: TestClient) -> Any:
    def lookup(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        assert str(header["kid"]).startswith(str(payload["iss"]) + "#")
        return issuer_key(client, header["kid"])

    return lookup


def subject(document: Mapping[str, Any]) -> dict[str, Any]:
    return dict(document["credentialSubject"])


# --- ecdsa-sd-2023 ---------------------------------------------------------------------------


def test_ecdsa_sd_base_proof_locks_the_issuer_validity_status_and_achievement(
    client: TestClient,
) -> None:
    document = issued(client, "ecdsa-sd-2023", **LEARNER)
    proof = document["proof"]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "ecdsa-sd-2023")
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"].endswith("#p256-1")
    mandatory = parse_base_proof_value(proof["proofValue"]).mandatory_pointers
    for pointer in ("/issuer", "/validFrom", "/credentialStatus", "/credentialSubject/achievement"):
        assert pointer in mandatory
    for pointer in (NAME, BIRTH, "/credentialSubject/result", "/awardedDate"):
        assert pointer not in mandatory  # the college lets the learner hide all of them
    names = [i["identityType"] for i in subject(document)["identifier"]]
    assert names == ["name", "ext:dateOfBirth"]
    assert subject(document)["result"][0]["value"] == "B"


def test_a_derived_proof_reveals_only_what_the_holder_picks_and_verifies(
    client: TestClient,
) -> None:
    document = issued(client, "ecdsa-sd-2023", **LEARNER)
    derived = ecdsa_sd.add_derived_proof(document, [NAME])
    ecdsa_sd.verify_derived_proof(
        derived, issuer_key(client, document["proof"]["verificationMethod"])
    )
    shown = subject(derived)
    assert [i["identityHash"] for i in shown["identifier"]] == ["Alex Rivera"]
    assert "result" not in shown and "awardedDate" not in derived
    assert derived["credentialStatus"] == document["credentialStatus"]
    assert derived["issuer"] == document["issuer"] and derived["validFrom"] == document["validFrom"]
    tampered = json.loads(json.dumps(derived))
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    with pytest.raises(InvalidSignatureError, match="does not verify"):
        ecdsa_sd.verify_derived_proof(
            tampered, issuer_key(client, document["proof"]["verificationMethod"])
        )


def test_a_field_the_catalogue_keeps_mandatory_cannot_be_withheld(client: TestClient) -> None:
    document = issued(
        client, "ecdsa-sd-2023", BOARD, achievement=LICENCE, recipient_name="Alex Rivera",
        date_of_birth="2001-04-17",
    )  # fmt: skip
    mandatory = parse_base_proof_value(document["proof"]["proofValue"]).mandatory_pointers
    assert NAME in mandatory and BIRTH not in mandatory
    derived = ecdsa_sd.add_derived_proof(document, [])  # the holder picks nothing
    ecdsa_sd.verify_derived_proof(
        derived, issuer_key(client, document["proof"]["verificationMethod"])
    )
    assert [i["identityHash"] for i in subject(derived)["identifier"]] == ["Alex Rivera"]

    token = issued(
        client, "sd-jwt-vc", BOARD, achievement=LICENCE, recipient_name="Alex Rivera",
        date_of_birth="2001-04-17",
    )  # fmt: skip
    bare = sd_jwt.split(token)[0] + "~"  # no disclosures at all
    claims = sd_jwt.verify(bare, sd_jwt_key(client), now=LATER).claims
    assert [i["identityHash"] for i in claims["credentialSubject"]["identifier"]] == ["Alex Rivera"]


# --- SD-JWT VC -------------------------------------------------------------------------------


def test_sd_jwt_vc_verifies_with_the_issuer_key_and_binds_the_holder(client: TestClient) -> None:
    token = issued(client, "sd-jwt-vc", **LEARNER)
    assert token.endswith("~") and token.count("~") >= 5
    result = sd_jwt.verify(token, sd_jwt_key(client), now=LATER, expected_typ="dc+sd-jwt")
    claims = result.claims
    assert claims["iss"] == f"did:web:issuer.test:issuers:{COLLEGE}"
    assert claims["vct"] == "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
    assert claims["sub"] == HOLDER_DID
    assert claims["cnf"] == {"jwk": HOLDER.public.to_jwk()}
    assert claims["nbf"] == claims["iat"]
    assert set(result.disclosed_paths) == {
        ("credentialSubject", "identifier", 0),
        ("credentialSubject", "identifier", 1),
        ("credentialSubject", "result"),
        ("awardedDate",),
    }
    assert claims["credentialSubject"]["result"][0]["value"] == "B"
    assert claims["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_the_holder_withholds_date_of_birth_and_grade_from_an_sd_jwt(client: TestClient) -> None:
    token = issued(client, "sd-jwt-vc", **LEARNER)
    shared = sd_jwt.present(token, [("credentialSubject", "identifier", 0)], None)
    claims = sd_jwt.verify(shared, sd_jwt_key(client), now=LATER).claims
    shown = claims["credentialSubject"]
    assert [i["identityHash"] for i in shown["identifier"]] == ["Alex Rivera"]
    assert "result" not in shown and "awardedDate" not in claims
    assert "2001-04-17" not in json.dumps(claims)


def test_sd_jwt_download_and_no_baking(client: TestClient) -> None:
    response = issue(client, "sd-jwt-vc")
    download = response.json()["download"]
    got = client.get(download)
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/dc+sd-jwt"
    assert got.text == response.json()["credential"]
    baked = client.get(download + "/baked.png")
    assert baked.status_code == 422 and baked.headers["content-type"] == PROBLEM


# --- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ecdsa-sd-2023", "sd-jwt-vc"])
def test_revoking_sets_the_status_bit(client: TestClient, fmt: str) -> None:
    response = issue(client, fmt, **LEARNER)
    body = response.json()
    document = body["credential"]
    if fmt == "sd-jwt-vc":
        document = sd_jwt.verify(document, sd_jwt_key(client), now=LATER).claims
    entry = document["credentialStatus"]

    def bit() -> bool:
        listed = client.get(entry["statusListCredential"].removeprefix("http://issuer.test"))
        return check_entry(entry, listed.json()).is_set

    assert bit() is False
    revoke = {
        "credentialId": body["id"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    assert client.post("/credentials/status", json=revoke).status_code == 200
    assert bit() is True


# --- refused requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "fields", "words"),
    [
        pytest.param("ecdsa-sd-2023", {"grade": "E"}, "one of A, B, C", id="grade-not-allowed"),
        pytest.param(
            "sd-jwt-vc", {"date_of_birth": "2030-01-01"}, "in the future", id="future-birth"
        ),
        pytest.param("sd-jwt-vc", {"date_of_birth": "17/04/2001"}, "YYYY-MM-DD", id="bad-date"),
        pytest.param(
            "ecdsa-sd-2023", {"date_of_birth": "2001-02-30"}, "calendar", id="no-such-day"
        ),
        pytest.param(
            "sd-jwt-vc", {"recipient": {"email": "a@b.example"}}, "not an email", id="email-sd-jwt"
        ),
        pytest.param(
            "sd-jwt-vc",
            {"recipient": {"did": "did:web:learner.example"}},
            "did:key or did:jwk",
            id="did-web-sd-jwt",
        ),
        pytest.param(
            "ecdsa-sd-2023",
            {"achievement": "medication-round-on-the-job", "grade": "A"},
            "has no resultDescription",
            id="grade-without-results",
        ),
    ],
)
def test_bad_learner_data_is_refused_as_problem_json(
    client: TestClient, fmt: str, fields: dict[str, Any], words: str
) -> None:
    slug = "employer" if fields.get("achievement") == "medication-round-on-the-job" else COLLEGE
    response = issue(client, fmt, slug, **fields)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert words in response.json()["detail"]
    assert client.get(f"/issuers/{slug}/credentials").json() == []
