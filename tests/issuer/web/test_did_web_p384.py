"""Issue 14: a did:web issuer signs ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` with its P-384
key when the VC-API caller asks for it (``options.keyType``: the did:web DID alone cannot pick
the curve, as a did:key DID does). The key is in the issuer's DID document (``#p384-<n>``,
Multikey), rotation gives a new one, and a credential signed before still verifies. A key type
the format does not take is a 422 naming it. Independent verifier:
tests/interop/test_js_did_web_p384.py (Digital Bazaar JS)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import checks_by_id, verify_options
from vckit import verify
from vckit.keys import multibase
from vckit.keys.keypair import PublicKey

SLUG = "community-college"


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
    }


def did_of(client: TestClient) -> str:
    (entry,) = [i for i in client.get("/issuers").json() if i["slug"] == SLUG]
    did: str = entry["did"]
    return did


def issue(client: TestClient, suite: str, key_type: str | None = "P-384") -> Any:
    options: dict[str, Any] = {"cryptosuite": suite}
    if key_type is not None:
        options["keyType"] = key_type
    return client.post(
        "/credentials/issue", json={"credential": credential(did_of(client)), "options": options}
    )


def issued(client: TestClient, suite: str, key_type: str | None = "P-384") -> dict[str, Any]:
    response = issue(client, suite, key_type)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()["verifiableCredential"]
    return document


def test_the_did_web_document_lists_a_p384_key(client: TestClient) -> None:
    document = client.get(f"/issuers/{SLUG}/did.json").json()
    (method,) = [m for m in document["verificationMethod"] if m["id"].endswith("#p384-1")]
    assert method["type"] == "Multikey"
    assert PublicKey.from_multibase(method["publicKeyMultibase"]).kind == "P-384"
    assert method["id"] in document["assertionMethod"]


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
def test_a_did_web_issuer_signs_with_p384_when_asked(client: TestClient, suite: str) -> None:
    vc = issued(client, suite)
    proof = vc["proof"]
    assert proof["cryptosuite"] == suite
    assert proof["verificationMethod"] == f"{did_of(client)}#p384-1"
    assert len(multibase.decode(proof["proofValue"])) == 96  # P-384 r || s
    report = vckit_verify(client, vc)
    assert report.verification == "pass", report.to_json()
    assert checks_by_id(report)["status"] == "pass"


def vckit_verify(client: TestClient, document: dict[str, Any]) -> Any:
    return verify(document, verify_options(client))


def test_without_a_key_type_p256_signs_as_before(client: TestClient) -> None:
    vc = issued(client, "ecdsa-rdfc-2019", None)
    assert vc["proof"]["verificationMethod"].endswith("#p256-1")


@pytest.mark.parametrize(
    ("suite", "key_type"),
    [("eddsa-rdfc-2022", "P-384"), ("ecdsa-sd-2023", "P-384"), ("ecdsa-rdfc-2019", "Ed25519")],
)
def test_a_key_type_the_format_does_not_take_is_refused(
    client: TestClient, suite: str, key_type: str
) -> None:
    response = issue(client, suite, key_type)
    assert response.status_code == 422, response.text
    assert f"keyType {key_type}" in response.json()["detail"]


def test_rotation_gives_a_new_p384_key_and_old_credentials_still_verify(
    client: TestClient,
) -> None:
    before = issued(client, "ecdsa-rdfc-2019")
    response = client.post(f"/issuers/{SLUG}/keys/rotate")
    assert response.status_code == 200, response.text
    assert any(k.endswith("#p384-2") for k in response.json()["keys"])
    after = issued(client, "ecdsa-rdfc-2019")
    assert after["proof"]["verificationMethod"].endswith("#p384-2")
    for vc in (before, after):
        report = vckit_verify(client, vc)
        assert report.verification == "pass", report.to_json()
    document = client.get(f"/issuers/{SLUG}/did.json").json()
    retired = before["proof"]["verificationMethod"]
    assert retired in document["assertionMethod"] and retired not in document["authentication"]


def test_an_issuer_made_before_p384_keys_is_told_to_rotate(client: TestClient) -> None:
    """An installation's issuers from before this change have no P-384 key: asking for one
    is a 422 that says what to do (it was a 404 "no active P-384 key"); rotation adds it."""
    inst = client.app.state.inst  # type: ignore[attr-defined]
    with inst.db.transaction() as tx:
        tx.execute("DELETE FROM issuer_keys WHERE issuer = ? AND kind = 'P-384'", (SLUG,))
    response = issue(client, "ecdsa-rdfc-2019")
    assert response.status_code == 422, response.text
    assert "rotate its keys" in response.json()["detail"]
    assert client.post(f"/issuers/{SLUG}/keys/rotate").status_code == 200
    assert issued(client, "ecdsa-rdfc-2019")["proof"]["verificationMethod"].endswith("#p384-2")
