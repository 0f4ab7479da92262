"""One held credential that vckit cannot expand (a relative ``@context`` IRI) used to make
the learner's presentations, share links and every request page answer 500 until they
deleted it. Now it is shown as failed ("cannot be read") and every page and API that lists
or matches the learner's credentials still answers.

The credential is held two ways: stored straight through ``wallet.store`` with a report
that says it verified (the worst case: :data:`tests.hostile.conftest.RELATIVE_CONTEXT`), and
imported through the wallet's own API.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.hostile.conftest import RELATIVE_CONTEXT, Service
from tests.wallet.conftest import csrf

PAGES = ("/", "/credentials", "/skills", "/presentations", "/share-links", "/shared",
         "/requests", "/account", "/account/export", "/receive")  # fmt: skip
APIS = ("/api/presentations", "/api/share-log")

VPR = {
    "verifiablePresentationRequest": {
        "query": [
            {
                "type": "QueryByExample",
                "credentialQuery": {"example": {"type": "OpenBadgeCredential"}},
            }
        ],
        "challenge": "hostile-challenge",
        "domain": "https://verifier.test",
    }
}
OID4VP = {
    "client_id": "redirect_uri:https://verifier.test/cb",
    "response_uri": "https://verifier.test/cb",
    "response_type": "vp_token",
    "response_mode": "direct_post",
    "nonce": "hostile-nonce",
    "state": "s",
    "dcql_query": {
        "credentials": [
            {
                "id": "badge",
                "format": "ldp_vc",
                "meta": {
                    "type_values": [["https://www.w3.org/2018/credentials#VerifiableCredential"]]
                },
            }
        ]
    },
}


@pytest.fixture(scope="module")
def learner(services: dict[str, Service]) -> TestClient:
    client = services["wallet"].client()
    imported = dict(RELATIVE_CONTEXT, name="Imported, relative context")
    response = client.post(
        "/api/receive/credential",
        content=json.dumps(imported),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (201, 422), response.text  # kept as failed, or refused
    return client


def _ok(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    return response.text


@pytest.mark.parametrize("path", PAGES + APIS)
def test_every_page_and_api_listing_credentials_answers(learner: TestClient, path: str) -> None:
    _ok(learner, path)


def test_the_credential_is_shown_as_failed_where_it_is_offered(
    learner: TestClient, services: dict[str, Service]
) -> None:
    held = services["wallet"].known["credential_id"]
    for path in ("/presentations", "/share-links"):
        page = _ok(learner, path)
        assert re.search(rf'id="[cs]-{held}"[^>]*disabled', page), path
        assert "failed: cannot be read" in page, path
    _ok(learner, f"/credentials/{held}")


@pytest.mark.parametrize("request_json", [VPR, OID4VP], ids=["vc-api", "openid4vp"])
def test_request_pages_answer_and_name_it_as_unreadable(
    learner: TestClient, request_json: dict[str, object]
) -> None:
    opened = learner.post(
        "/requests",
        data={"csrf": csrf(learner), "request": json.dumps(request_json)},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    page = _ok(learner, opened.headers["location"])
    assert "could not be matched (failed: cannot be read)" in page


def test_signing_it_into_a_presentation_is_refused_not_a_500(
    learner: TestClient, services: dict[str, Service]
) -> None:
    held = services["wallet"].known["credential_id"]
    token = csrf(learner)
    built = learner.post("/presentations", data={"csrf": token, f"c:{held}": "on"})
    assert built.status_code == 422, built.status_code
    assert "cannot go into a signed presentation" in built.text
    shared = learner.post(
        "/share-links", data={"csrf": token, f"c:{held}": "on", "expiry": "1 day"}
    )
    assert shared.status_code == 422, shared.status_code
