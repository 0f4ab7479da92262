"""The governance registry over HTTP: the trusted-issuer check in VC-API answers and on the
report page, with credentials issued by the real issuer app, and the registry's own
API and page."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.verifier.conftest import (
    VerifierFactory,
    achievement_of,
    did_of,
    issue,
)
from vckit import ob as openbadges
from vckit.di import algorithms as data_integrity
from vckit.did.resolver import did_key
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation
from verifier.checking.registry import REGISTRY_FILE
from verifier.checking.verification import load_registry
from verifier.settings import Settings

INFECTION_CONTROL = {
    "name": "Infection Control",
    "description": "Hand hygiene, personal protective equipment and isolation precautions.",
    "criteria": {"narrative": "Passed the infection control module."},
    "achievementType": "Course",
}


def verify(verifier: TestClient, credential: Any) -> tuple[int, dict[str, Any]]:
    response = verifier.post("/credentials/verify", json={"verifiableCredential": credential})
    return response.status_code, response.json()


def trusted_issuer_of(body: dict[str, Any]) -> dict[str, str]:
    found: list[dict[str, str]] = body["report"]["checks"]
    [check] = [c for c in found if c["id"] == "trusted-issuer"]
    return check


def self_signed_credential() -> dict[str, Any]:
    """A well-made OB 3.0 credential from an issuer no registry knows (a did:key)."""
    key = KeyPair.generate("Ed25519")
    did = did_key(key.public)
    achievement = {"id": "https://stranger.example/achievements/cpr", **INFECTION_CONTROL}
    credential = openbadges.achievement_credential(
        "urn:uuid:2f0c1f53-9a53-4b55-8d43-0d8d1c6a7f01",
        did,
        {"type": ["Achievement"], **achievement},
        valid_from=datetime(2026, 1, 5, tzinfo=UTC),
        subject_id="did:example:ana",
    )
    return data_integrity.sign(credential, key, verification_method=f"{did}#{did[8:]}")


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt"])
def test_accredited_issuer_for_its_achievement_passes(
    issuer: TestClient, verifier: TestClient, format: str
) -> None:
    credential = issue(issuer, "food-safety", "food-handler", format=format)
    status, body = verify(verifier, credential)
    assert status == 200, body
    assert body["verified"] is True
    assert [c["status"] for c in body["validation"] if c["id"] == "trusted-issuer"] == ["pass"]
    detail = trusted_issuer_of(body)["detail"]
    assert "SafeServe Food Safety Training" in detail
    assert "Example Food Protection Certification Council" in detail
    assert achievement_of("food-safety", "food-handler") in detail


def test_issuer_not_allowed_this_achievement_fails_trusted_issuer_only(
    issuer: TestClient, verifier: TestClient
) -> None:
    created = issuer.post(
        "/issuers/community-college/achievements",
        json={"slug": "infection-control", "achievement": INFECTION_CONTROL},
    )
    assert created.status_code == 201, created.text
    credential = issue(issuer, "community-college", "infection-control")
    status, body = verify(verifier, credential)
    assert status == 200  # authentic: verified; the registry's "no" is validation (VC 2.0 §7.1)
    assert body["verified"] is True and body["errors"] == []
    assert {"proof", "issuer-key", "status"} <= set(body["checks"])
    [refused] = [c for c in body["validation"] if c["status"] == "fail"]
    assert refused["id"] == "trusted-issuer"
    detail = refused["detail"]
    assert "is not allowed to issue achievement" in detail
    assert achievement_of("community-college", "infection-control") in detail
    assert did_of("community-college") in detail


def test_unknown_issuer_is_unknown_not_a_forgery(verifier: TestClient) -> None:
    status, body = verify(verifier, self_signed_credential())
    assert status == 200 and body["verified"] is True and body["errors"] == []
    assert {"proof", "issuer-key"} <= set(body["checks"])
    [refused] = [c for c in body["validation"] if c["status"] == "fail"]
    assert refused["id"] == "trusted-issuer"
    assert "unknown issuer" in refused["detail"]
    assert "not a forgery" in refused["detail"]


def test_tampered_credential_fails_its_proof_and_leaves_the_issuer_unestablished(
    issuer: TestClient, verifier: TestClient
) -> None:
    credential = copy.deepcopy(issue(issuer, "food-safety", "food-handler"))
    credential["credentialSubject"]["achievement"]["name"] = "Head Chef"
    status, body = verify(verifier, credential)
    assert status == 422
    assert "proof" in [e["id"] for e in body["errors"]]
    assert "trusted-issuer" not in [e["id"] for e in body["errors"]]
    assert trusted_issuer_of(body)["status"] == "could-not-check"


def test_each_credential_of_a_presentation_gets_its_own_trusted_issuer_check(
    issuer: TestClient, verifier: TestClient
) -> None:
    holder_key = KeyPair.generate("Ed25519")
    holder = did_key(holder_key.public)
    food = issue(issuer, "food-safety", "food-handler", recipient={"did": holder})
    licence = issue(issuer, "nursing-board", "licensed-practical-nurse", recipient={"did": holder})
    vp = sign_presentation(
        build_presentation([food, licence], holder=holder),
        holder_key,
        verification_method=f"{holder}#{holder[8:]}",
        challenge="c-1",
        domain="verifier.test",
    )
    response = verifier.post(
        "/presentations/verify",
        json={
            "verifiablePresentation": vp,
            "options": {"challenge": "c-1", "domain": "verifier.test"},
        },
    )
    assert response.status_code == 200, response.text
    inner = response.json()["report"]["credentials"]
    found = [[c for c in r["checks"] if c["id"] == "trusted-issuer"] for r in inner]
    assert [len(f) for f in found] == [1, 1]
    assert "State Board of Nursing" in found[1][0]["detail"]
    # the presentation itself is not a credential: no trusted-issuer of its own
    assert "trusted-issuer" not in [c["id"] for c in response.json()["report"]["checks"]]


def test_without_a_registry_there_is_no_trusted_issuer_check(
    verifier_app: VerifierFactory,
) -> None:
    bare = TestClient(verifier_app(registry_file=None))
    status, body = verify(bare, self_signed_credential())
    assert status == 200, body
    assert "trusted-issuer" not in [c["id"] for c in body["report"]["checks"]]


def test_registry_api_lists_the_demo_issuers_with_their_dids(verifier: TestClient) -> None:
    response = verifier.get("/registry/issuers")
    assert response.status_code == 200
    issuers = {entry["did"]: entry for entry in response.json()["issuers"]}
    slugs = ("community-college", "food-safety", "nursing-board", "employer")
    assert set(issuers) == {did_of(slug) for slug in slugs}
    food = issuers[did_of("food-safety")]
    assert food["achievements"] == [achievement_of("food-safety", "food-handler")]
    assert food["accreditor"]
    assert food["alwaysDiscloses"] == ["credentialStatus", "validUntil"]


def test_registry_api_is_in_the_openapi_document(verifier: TestClient) -> None:
    assert "/registry/issuers" in verifier.get("/openapi.json").json()["paths"]


def test_registry_page_shows_issuers_accreditors_and_achievements(verifier: TestClient) -> None:
    response = verifier.get("/registry")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "SafeServe Food Safety Training" in page
    assert did_of("food-safety") in page
    assert "Example Food Protection Certification Council" in page
    assert achievement_of("food-safety", "food-handler") in page
    assert "its end date (<code>validUntil</code>) whenever there is one" in page
    assert "its revocation status (<code>credentialStatus</code>)" in page
    assert "the holder may have withheld it" in page


def test_registry_page_without_a_registry_says_so(verifier_app: VerifierFactory) -> None:
    page = TestClient(verifier_app(registry_file=None)).get("/registry")
    assert page.status_code == 200
    assert "No governance registry is configured" in page.text


def test_report_page_reports_an_unknown_issuer_as_such(verifier: TestClient) -> None:
    response = verifier.post("/", data={"document": json.dumps(self_signed_credential())})
    assert response.status_code == 200, response.text
    assert "unknown issuer" in response.text
    assert "not a forgery" in response.text


def test_settings_from_env_name_the_registry_and_the_issuer_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LER_ISSUER_URL", "http://localhost:9001")
    monkeypatch.delenv("LER_REGISTRY", raising=False)
    settings = Settings.from_env()
    assert settings.registry_file == REGISTRY_FILE
    loaded = load_registry(settings)
    assert loaded is not None
    assert loaded.find("did:web:localhost%3A9001:issuers:food-safety") is not None
    monkeypatch.setenv("LER_REGISTRY", "")
    assert load_registry(Settings.from_env()) is None
