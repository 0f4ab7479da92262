"""did:key issuers (one DID per key: Ed25519, P-256, P-384), their rotation, and the VC-API
``POST /credentials/derive`` (ecdsa-sd-2023), over HTTP against the real issuer app; what it
issues is checked by our verifier (vckit), which resolves did:key from the DID alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from issuer.settings import EXAMPLES
from tests.issuer.conftest import AppFactory, authorized, verify_options
from tests.issuer.web.test_api import assert_problem, vc_api_credential
from vckit.verification import verify

MANDATORY = ["/issuer"]
SLUG = "food-safety"
WEB_DID = "did:web:issuer.test:issuers:food-safety"


def did_key_demo(tmp_path: Path) -> Path:
    """The demo issuers file with food-safety as a did:key issuer."""
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "achievements").symlink_to(EXAMPLES / "achievements")
    entries = json.loads((EXAMPLES / "issuers.json").read_text(encoding="utf-8"))
    for entry in entries:
        if entry["slug"] == SLUG:
            entry["identity"] = "did:key"
    path = folder / "issuers.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture
def didkey(issuer_app: AppFactory, tmp_path: Path, database_url: str) -> TestClient:
    """The issuer with food-safety a did:key issuer, on SQLite and on PostgreSQL."""
    return authorized(issuer_app(database_url, demo_file=did_key_demo(tmp_path)))


def did_keys(client: TestClient) -> dict[str, str]:
    (entry,) = [i for i in client.get("/issuers").json() if i["slug"] == SLUG]
    assert entry["identity"] == "did:key" and entry["did"] == WEB_DID
    keys: dict[str, str] = entry["didKeys"]
    return keys


def vc_api_issue(client: TestClient, issuer: str, cryptosuite: str) -> Any:
    return client.post(
        "/credentials/issue",
        json={
            "credential": vc_api_credential(issuer=issuer),
            "options": {"cryptosuite": cryptosuite},
        },
    )


def issued(client: TestClient, issuer: str, cryptosuite: str) -> dict[str, Any]:
    response = vc_api_issue(client, issuer, cryptosuite)
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["verifiableCredential"]
    return credential


def assert_verifies(client: TestClient, credential: dict[str, Any]) -> None:
    report = verify(credential, verify_options(client))
    assert report.verdict == "pass", [(c.id, c.status, c.detail) for c in report.all_checks()]


SIGNINGS = [
    ("Ed25519", "eddsa-rdfc-2022"),
    ("Ed25519", "eddsa-jcs-2022"),
    ("P-256", "ecdsa-rdfc-2019"),
    ("P-256", "ecdsa-jcs-2019"),
    ("P-384", "ecdsa-rdfc-2019"),
    ("P-384", "ecdsa-jcs-2019"),
]


@pytest.mark.parametrize(("kind", "cryptosuite"), SIGNINGS)
def test_a_did_key_issuer_signs_as_the_did_of_each_key(
    didkey: TestClient, kind: str, cryptosuite: str
) -> None:
    keys = did_keys(didkey)
    assert set(keys) == {"Ed25519", "P-256", "P-384"}
    assert keys["P-384"].startswith("did:key:z82L") and keys["P-256"].startswith("did:key:zDna")
    credential = issued(didkey, keys[kind], cryptosuite)
    did = keys[kind]
    assert credential["issuer"] == did
    assert credential["proof"]["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}"
    assert_verifies(didkey, credential)


def test_a_did_key_issuer_page_and_catalogue_issuance(didkey: TestClient) -> None:
    keys = did_keys(didkey)
    page = didkey.get(f"/issuers/{SLUG}").text
    assert "did:key" in page and all(did in page for did in keys.values())
    # the project route names the did:web profile; the signer's did:key becomes the issuer
    for format, kind in (("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256")):
        response = didkey.post(
            f"/issuers/{SLUG}/credentials",
            json={
                "achievement": "food-handler",
                "recipient": {"did": "did:example:x"},
                "format": format,
            },
        )
        assert response.status_code == 201, response.text
        credential = response.json()["credential"]
        assert credential["issuer"]["id"] == keys[kind]
        assert_verifies(didkey, credential)
    # its did:web document lists no keys; the RS256 OB 3.0 JWT needs an RSA key it has not
    document = didkey.get(f"/issuers/{SLUG}/did.json").json()
    assert document["id"] == WEB_DID and document["verificationMethod"] == []
    response = didkey.post(
        f"/issuers/{SLUG}/credentials",
        json={
            "achievement": "food-handler",
            "recipient": {"did": "did:example:x"},
            "format": "ob3-jwt",
        },
    )
    assert "no RSA key" in assert_problem(response, 422)["detail"]


def test_a_did_key_that_does_not_fit_is_refused(didkey: TestClient) -> None:
    keys = did_keys(didkey)
    body = assert_problem(vc_api_issue(didkey, keys["P-256"], "eddsa-rdfc-2022"), 422)
    assert "P-256 key" in body["detail"]
    assert_problem(vc_api_issue(didkey, keys["P-384"], "ecdsa-sd-2023"), 422)
    other = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert_problem(vc_api_issue(didkey, other, "eddsa-rdfc-2022"), 422)


def test_rotation_gives_a_did_key_issuer_new_dids_and_old_credentials_still_verify(
    didkey: TestClient,
) -> None:
    before = did_keys(didkey)
    old = {kind: issued(didkey, before[kind], suite) for kind, suite in SIGNINGS[::2]}
    response = didkey.post(f"/issuers/{SLUG}/keys/rotate")
    assert response.status_code == 200, response.text
    after = did_keys(didkey)
    assert set(after) == set(before) and not set(after.values()) & set(before.values())
    for kind, suite in SIGNINGS[::2]:
        assert_verifies(didkey, old[kind])  # did:key resolves from the DID itself
        body = assert_problem(vc_api_issue(didkey, before[kind], suite), 422)
        assert "retired" in body["detail"]
        assert_verifies(didkey, issued(didkey, after[kind], suite))


# --- POST /credentials/derive ----------------------------------------------------------------


def sd_base(client: TestClient) -> dict[str, Any]:
    credential = vc_api_credential(
        credentialSubject={"id": "did:example:learner", "alumniOf": "Riverside CC", "grade": "A"},
        validUntil="2030-01-01T00:00:00Z",  # mandatory, so a verifier knows it was not withheld
    )
    response = client.post(
        "/credentials/issue",
        json={
            "credential": credential,
            "options": {"cryptosuite": "ecdsa-sd-2023", "mandatoryPointers": MANDATORY},
        },
    )
    assert response.status_code == 201, response.text
    base: dict[str, Any] = response.json()["verifiableCredential"]
    return base


def derive(client: TestClient, body: Any) -> Any:
    return client.post("/credentials/derive", json=body)


def test_derive_reveals_only_the_selected_fields(client: TestClient) -> None:
    base = sd_base(client)
    response = derive(
        client,
        {
            "verifiableCredential": base,
            "options": {"selectivePointers": ["/credentialSubject/alumniOf"]},
        },
    )
    assert response.status_code == 200, response.text
    derived = response.json()["verifiableCredential"]
    # the selection keeps the id of each object on its path (vc-di-ecdsa §3.4.x selectJsonLd)
    subject = {"id": "did:example:learner", "alumniOf": "Riverside CC"}  # no grade
    assert derived["credentialSubject"] == subject
    assert derived["issuer"] == base["issuer"]
    assert derived["proof"]["proofValue"] != base["proof"]["proofValue"]
    assert_verifies(client, derived)


def test_derive_bad_input_is_a_problem(client: TestClient) -> None:
    base = sd_base(client)
    eddsa = issued(client, base["issuer"], "eddsa-rdfc-2022")
    derived = derive(client, {"verifiableCredential": base}).json()["verifiableCredential"]
    cases: list[tuple[Any, int]] = [
        ({}, 400),
        ({"verifiableCredential": "text"}, 400),
        ({"verifiableCredential": base, "extra": 1}, 400),
        ({"verifiableCredential": {k: v for k, v in base.items() if k != "proof"}}, 400),
        ({"verifiableCredential": eddsa}, 400),
        ({"verifiableCredential": derived}, 400),  # a derived proof is not a base proof
        ({"verifiableCredential": base, "options": {"selectivePointers": "/id"}}, 422),
        ({"verifiableCredential": base, "options": {"selectivePointers": ["/nowhere"]}}, 422),
        ({"verifiableCredential": base, "options": {"selectivePointers": ["no-slash"]}}, 422),
        ({"verifiableCredential": base, "options": {"other": 1}}, 422),
    ]
    for body, status in cases:
        assert_problem(derive(client, body), status)
    tampered = json.loads(json.dumps(base))
    tampered["proof"]["proofValue"] = "u" + "A" * 40
    assert derive(client, {"verifiableCredential": tampered}).status_code in (400, 422)
    assert_problem(client.post("/credentials/derive", json=[]), 400)
    response = client.post(
        "/credentials/derive", json={"verifiableCredential": base}, headers={"Authorization": ""}
    )
    assert_problem(response, 401)
