"""Credentials and presentations signed by Digital Bazaar's JavaScript stack
(``tests/interop/js/di.mjs``: ``@digitalbazaar/vc`` ``issue`` / ``signPresentation``) are
verified correctly by the verifier service over its W3C VC-API, and a copy changed after
signing is refused with the proof named as the failure, and nothing else.

Documents: the 1EdTech OB 3.0 "Test data" credential (tests/vectors/interop) with a did:key
issuer, signed with eddsa-rdfc-2022 (Ed25519) and ecdsa-rdfc-2019 (P-256) by the fixed
interop keys; its subject is the other key's did:key, which then signs a presentation of it
(``authentication``, challenge and domain) with its own suite.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.interop.conftest import interop_keys, js_packages, run_js
from verifier.app import create_app
from verifier.settings import Settings

pytestmark = pytest.mark.interop

RunJs = Any  # tests/interop/conftest.py: run_js(script, cases) -> JsResults
# the interop fixtures (npm ci of the pinned packages, node runner, fixed keys), used here
FIXTURES = (interop_keys, js_packages, run_js)

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "interop"
SUITE_KEYS = {"eddsa-rdfc-2022": "Ed25519", "ecdsa-rdfc-2019": "P-256"}
OTHER_SUITE = {"eddsa-rdfc-2022": "ecdsa-rdfc-2019", "ecdsa-rdfc-2019": "eddsa-rdfc-2022"}
CREATED = "2025-09-01T12:00:00Z"
CHALLENGE = "js-made-challenge-51c0"
DOMAIN = "https://carehome.example"


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The verifier with nothing to fetch (did:key only)."""
    data_dir = tmp_path_factory.mktemp("verifier")
    settings = Settings(allow_did_web=False, allow_status_fetch=False, data_dir=data_dir)
    return TestClient(create_app(settings))


def did_of(keys: dict[str, Any], suite: str) -> str:
    return f"did:key:{keys[SUITE_KEYS[suite]]['publicKeyMultibase']}"


def js_key(keys: dict[str, Any], suite: str) -> dict[str, str]:
    entry = keys[SUITE_KEYS[suite]]
    return {k: entry[k] for k in ("publicKeyMultibase", "secretKeyMultibase")}


def unsigned_credential(keys: dict[str, Any], suite: str) -> dict[str, Any]:
    """OB 3.0 test data: issuer the ``suite`` key's did:key, subject the other key's."""
    credential: dict[str, Any] = json.loads(
        (VECTORS / "ob3-spec-example-unsigned.json").read_text()
    )
    credential["issuer"]["id"] = did_of(keys, suite)
    credential["credentialSubject"]["id"] = did_of(keys, OTHER_SUITE[suite])
    return credential


@pytest.fixture(scope="module")
def js_signed(run_js: RunJs, interop_keys: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per suite: a JS-signed credential, and a JS-signed presentation of it by its subject."""
    credentials = run_js(
        "di.mjs",
        [
            {
                "id": suite,
                "op": "sign-credential",
                "credential": unsigned_credential(interop_keys, suite),
                "cryptosuite": suite,
                "key": js_key(interop_keys, suite),
                "created": CREATED,
            }
            for suite in SUITE_KEYS
        ],
    )
    signed = {f"vc/{suite}": credentials.completed(suite)["document"] for suite in SUITE_KEYS}
    presentations = run_js(
        "di.mjs",
        [
            {
                "id": suite,
                "op": "sign-presentation",
                "presentation": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "holder": did_of(interop_keys, OTHER_SUITE[suite]),
                    "verifiableCredential": [signed[f"vc/{suite}"]],
                },
                "cryptosuite": OTHER_SUITE[suite],
                "key": js_key(interop_keys, OTHER_SUITE[suite]),
                "created": CREATED,
                "challenge": CHALLENGE,
                "domain": DOMAIN,
            }
            for suite in SUITE_KEYS
        ],
    )
    for suite in SUITE_KEYS:
        signed[f"vp/{suite}"] = presentations.completed(suite)["document"]
    return signed


def verify_credential(verifier: TestClient, credential: dict[str, Any]) -> Any:
    return verifier.post("/credentials/verify", json={"verifiableCredential": credential})


def verify_presentation(verifier: TestClient, presentation: dict[str, Any]) -> Any:
    return verifier.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": presentation,
            "options": {"challenge": CHALLENGE, "domain": DOMAIN},
        },
    )


def failed(report: dict[str, Any]) -> list[str]:
    """Ids of the failed checks of a report and of its credentials' reports, in order."""
    found = [c["id"] for c in report["checks"] if c["status"] == "fail"]
    for inner in report.get("credentials", []):
        found += failed(inner)
    return found


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


@pytest.mark.parametrize("suite", list(SUITE_KEYS))
def test_js_signed_credential_verifies(
    verifier: TestClient, js_signed: dict[str, dict[str, Any]], suite: str
) -> None:
    response = verify_credential(verifier, js_signed[f"vc/{suite}"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    report = body["report"]
    assert report["format"] == suite
    assert statuses(report)["proof"] == "pass"
    assert statuses(report)["issuer-key"] == "pass"


@pytest.mark.parametrize("suite", list(SUITE_KEYS))
def test_js_signed_credential_tampered_fails_on_the_proof(
    verifier: TestClient, js_signed: dict[str, dict[str, Any]], suite: str
) -> None:
    tampered = copy.deepcopy(js_signed[f"vc/{suite}"])
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    response = verify_credential(verifier, tampered)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["verified"] is False
    assert failed(body["report"]) == ["proof"]


@pytest.mark.parametrize("suite", list(SUITE_KEYS))
def test_js_signed_presentation_verifies(
    verifier: TestClient, js_signed: dict[str, dict[str, Any]], suite: str
) -> None:
    response = verify_presentation(verifier, js_signed[f"vp/{suite}"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    report = body["report"]
    assert report["kind"] == "presentation"
    assert report["format"] == OTHER_SUITE[suite]
    checks = statuses(report)
    for check_id in ("proof", "holder-key", "holder-binding", "challenge", "domain"):
        assert checks[check_id] == "pass", (check_id, report)
    assert [statuses(inner)["proof"] for inner in report["credentials"]] == ["pass"]


@pytest.mark.parametrize("suite", list(SUITE_KEYS))
def test_js_signed_presentation_tampered_fails_on_the_proof(
    verifier: TestClient, js_signed: dict[str, dict[str, Any]], suite: str
) -> None:
    """A presentation changed after the holder signed it (its holder-level content): the
    holder's proof fails; the credential inside, untouched, still verifies."""
    tampered = copy.deepcopy(js_signed[f"vp/{suite}"])
    tampered["id"] = "urn:uuid:2f7b0d1e-0000-4000-8000-000000000001"
    response = verify_presentation(verifier, tampered)
    assert response.status_code == 422, response.text
    report = response.json()["report"]
    assert failed(report) == ["proof"]
    assert statuses(report)["proof"] == "fail"
    assert [statuses(inner)["proof"] for inner in report["credentials"]] == ["pass"]
