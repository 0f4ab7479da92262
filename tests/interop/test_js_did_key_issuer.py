"""Acceptance: a did:key issuer's credentials (Ed25519, P-256, P-384) and a credential derived
over the issuer's VC-API ``POST /credentials/derive`` verify with Digital Bazaar's JavaScript.

The real issuer app (demo issuers, food-safety a did:key issuer, SQLite in ``tmp_path``) is
driven over HTTP. The JS side resolves every did:key itself (``@digitalbazaar/did-method-key``
in ``js/loader.mjs``) and gets only the status list credentials the issuer serves; it checks
the proof, that the issuer controls the key, and the status (which requires the status list's
issuer to be the credential's: a did:key issuer keeps lists per signing key).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from issuer.app import create_app
from issuer.settings import Settings
from tests.interop.conftest import BASE_URL, TOKEN
from tests.interop.test_js_issuer import get_json, status_entries
from tests.issuer.web.test_did_key_and_derive import SLUG, did_key_demo

pytestmark = pytest.mark.interop

RunJs = Any
SIGNINGS = [
    ("Ed25519", "eddsa-rdfc-2022"),
    ("P-256", "ecdsa-rdfc-2019"),
    ("P-256", "ecdsa-jcs-2019"),
    ("P-384", "ecdsa-rdfc-2019"),
    ("P-384", "ecdsa-jcs-2019"),
]


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        base_url=BASE_URL,
        data_dir=tmp_path / "issuer",
        api_token=TOKEN,
        demo_file=did_key_demo(tmp_path),
    )
    app = create_app(settings)
    try:
        yield TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        app.state.inst.db.close()


def did_keys(client: TestClient) -> dict[str, str]:
    (entry,) = [i for i in client.get("/issuers").json() if i["slug"] == SLUG]
    keys: dict[str, str] = entry["didKeys"]
    return keys


def credential(issuer: str, **members: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
        **members,
    }


def issue(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/issue", json=body)
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


def test_js_verifies_a_did_key_issuers_credentials_with_their_status(
    issuer: TestClient, run_js: RunJs
) -> None:
    keys = did_keys(issuer)
    issued = {
        f"{kind}-{suite}": issue(
            issuer, {"credential": credential(keys[kind]), "options": {"cryptosuite": suite}}
        )
        for kind, suite in SIGNINGS
    }
    cases = []
    for case_id, vc in issued.items():
        lists = {e["statusListCredential"]: None for e in status_entries(vc)}
        documents = {url: get_json(issuer, url) for url in lists}
        cases.append(
            {
                "id": case_id,
                "op": "verify-issued-credential",
                "credential": vc,
                "documents": documents,
                "now": datetime.now(UTC).isoformat(),
            }
        )
    results = run_js("di.mjs", cases)
    for case_id in issued:
        found = results.completed(case_id)
        assert found["verified"] is True, (case_id, found["errors"])
        assert (found["proofVerified"], found["statusVerified"]) == (True, True)
    assert issued["P-384-ecdsa-rdfc-2019"]["issuer"].startswith("did:key:z82L")


def test_js_verifies_a_credential_derived_over_http(issuer: TestClient, run_js: RunJs) -> None:
    keys = did_keys(issuer)
    subject = {"id": "did:example:learner", "alumniOf": "Riverside CC", "grade": "A"}
    base = issue(
        issuer,
        {
            "credential": credential(keys["P-256"], credentialSubject=subject),
            "options": {"cryptosuite": "ecdsa-sd-2023", "mandatoryPointers": ["/issuer"]},
        },
    )
    response = issuer.post(
        "/credentials/derive",
        json={
            "verifiableCredential": base,
            "options": {"selectivePointers": ["/credentialSubject/alumniOf"]},
        },
    )
    assert response.status_code == 200, response.text
    derived = response.json()["verifiableCredential"]
    assert "grade" not in derived["credentialSubject"]
    changed = {**derived, "credentialSubject": {**derived["credentialSubject"], "alumniOf": "X"}}
    results = run_js(
        "sd.mjs",
        [
            {"id": "derived", "op": "verify-sd", "credential": derived},
            {"id": "changed", "op": "verify-sd", "credential": changed},
        ],
    )
    assert results.completed("derived")["verified"] is True, results["derived"]
    assert results.completed("changed")["verified"] is False
