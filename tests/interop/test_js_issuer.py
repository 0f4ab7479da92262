"""Acceptance: a credential issued over the issuer's API verifies with Digital Bazaar's
JavaScript verifier; after revocation that verifier reports it revoked.

The real issuer app (demo issuers, generated keys, SQLite in ``tmp_path``) is driven over
HTTP through its TestClient: issue with the API token, fetch the issuer's did:web document and
the status list credential it serves, revoke with ``POST /credentials/status``, fetch the
status list again. The JS side (``js/di.mjs`` op ``verify-issued-credential``) gets the
credential plus exactly those fetched documents; its sealed loader serves them and the
contexts, nothing else. It checks the proof with ``@digitalbazaar/vc`` +
``data-integrity`` (issuer = controller of a key the DID document lists for
assertionMethod), and the status with ``@digitalbazaar/vc-bitstring-status-list`` (which
verifies the status list credential, requires the same issuer, and reads the bit).

Nothing of ours runs on the JS side; nothing of the issuer is mocked.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.interop.conftest import BASE_URL
from tests.issuer.conftest import revoke

pytestmark = pytest.mark.interop

# fixture types from conftest.py (run_js -> RunJs, its batches -> JsResults with .completed())
RunJs = Any

ISSUER = "food-safety"
DID = "did:web:issuer.test:issuers:food-safety"
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
FORMATS = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")  # each credential gets one revocation entry


def get_json(client: TestClient, url: str) -> dict[str, Any]:
    """What the issuer serves at ``url`` (a URL of this issuer)."""
    assert url.startswith(BASE_URL + "/"), url
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def status_entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    entries = credential["credentialStatus"]
    return entries if isinstance(entries, list) else [entries]


def served_documents(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    """The issuer's DID document (under its DID, fetched from its did:web URL) and every
    status list credential the credential points to, as the issuer serves them now."""
    documents = {DID: get_json(client, f"{BASE_URL}/issuers/{ISSUER}/did.json")}
    for entry in status_entries(credential):
        url = entry["statusListCredential"]
        documents[url] = get_json(client, url)
    return documents


def issue(client: TestClient, format: str) -> dict[str, Any]:
    response = client.post(
        f"/issuers/{ISSUER}/credentials",
        json={
            "achievement": "food-handler",
            "recipient": {"did": LEARNER},
            "format": format,
        },
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    assert credential["issuer"]["id"] == DID
    return credential


def case(case_id: str, credential: dict[str, Any], documents: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": case_id,
        "op": "verify-issued-credential",
        "credential": credential,
        "documents": documents,
        "now": datetime.now(UTC).isoformat(),
    }


def expected_statuses(credential: dict[str, Any], revoked: bool) -> list[dict[str, Any]]:
    (entry,) = status_entries(credential)
    assert entry["statusPurpose"] == "revocation"
    return [
        {"statusPurpose": "revocation", "statusListIndex": entry["statusListIndex"], "set": revoked}
    ]


def test_js_verifies_issued_credentials_then_reports_them_revoked(
    issuer: TestClient, run_js: RunJs
) -> None:
    credentials = {f: issue(issuer, f) for f in FORMATS}
    before = {f: served_documents(issuer, c) for f, c in credentials.items()}

    for credential in credentials.values():
        revoke(issuer, credential["id"])
    after = {f: served_documents(issuer, c) for f, c in credentials.items()}

    cases = []
    for f, credential in credentials.items():
        cases.append(case(f"{f}-before", credential, before[f]))
        cases.append(case(f"{f}-after", credential, after[f]))
    results = run_js("di.mjs", cases)

    for f, credential in credentials.items():
        ok = results.completed(f"{f}-before")
        assert ok["verified"] is True, ok["errors"]
        assert (ok["proofVerified"], ok["statusVerified"]) == (True, True)
        assert ok["statuses"] == expected_statuses(credential, revoked=False)

        revoked = results.completed(f"{f}-after")
        assert revoked["verified"] is False
        assert revoked["proofVerified"] is True  # the signature is still good
        assert revoked["statusVerified"] is False
        assert revoked["statuses"] == expected_statuses(credential, revoked=True)
        index = status_entries(credential)[0]["statusListIndex"]
        assert f"Error: status set: revocation bit {index}" in revoked["errors"], revoked["errors"]


def test_js_side_is_a_verifier(issuer: TestClient, run_js: RunJs) -> None:
    """The JS verifier can say no: a changed credential, a status list not handed in (the
    loader refuses it, it never fetches), a status list credential changed after signing,
    and a DID document that is not the issuer's are all refused."""
    credential = issue(issuer, "eddsa-rdfc-2022")
    documents = served_documents(issuer, credential)
    list_url = status_entries(credential)[0]["statusListCredential"]

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Master Chef"

    without_list = {DID: documents[DID]}

    forged_list = copy.deepcopy(documents)
    forged_list[list_url]["credentialSubject"]["encodedList"] = forged_list[list_url][
        "credentialSubject"
    ]["encodedList"].replace("A", "B", 1)

    other_did = "did:web:issuer.test:issuers:employer"
    wrong_did_doc = {**documents, DID: get_json(issuer, f"{BASE_URL}/issuers/employer/did.json")}
    assert wrong_did_doc[DID]["id"] == other_did

    results = run_js(
        "di.mjs",
        [
            case("good", credential, documents),
            case("tampered", tampered, documents),
            case("status-list-not-given", credential, without_list),
            case("status-list-tampered", credential, forged_list),
            case("did-document-of-another-issuer", credential, wrong_did_doc),
        ],
    )
    assert results.completed("good")["verified"] is True, results["good"]["errors"]

    bad = results.completed("tampered")
    assert (bad["verified"], bad["proofVerified"]) == (False, False)
    assert "Invalid signature." in " ".join(bad["errors"]), bad["errors"]

    missing = results.completed("status-list-not-given")
    assert (missing["verified"], missing["statusVerified"]) == (False, False)
    assert f"sealed document loader refused URL: {list_url}" in " ".join(missing["errors"])

    forged = results.completed("status-list-tampered")
    assert (forged["verified"], forged["statusVerified"]) == (False, False)
    assert '"BitstringStatusListCredential" not verified' in " ".join(forged["errors"])

    impostor = results["did-document-of-another-issuer"]
    assert impostor.get("crashed") is True
    assert f"has id {other_did}" in impostor["error"]
