"""The verifier's pages for people: styled like the issuer and the wallet (the shared
stylesheet), a skip link first, and an unknown address in a browser answered with a page,
while an API client keeps problem+json (content negotiation on ``Accept``)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.verifier.conftest import issue

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_pages_share_the_services_stylesheet_and_open_with_a_skip_link(
    verifier: TestClient,
) -> None:
    page = verifier.get("/").text
    assert '<link rel="stylesheet" href="/assets/pages.css">' in page
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip" href="#main">Skip to the main content</a>')
    assert '<main id="main"' in page


@pytest.mark.parametrize("path", ["/no/such/page", "/api/nothing-here", "/credentials"])
def test_an_unknown_address_in_a_browser_is_a_page(verifier: TestClient, path: str) -> None:
    answer = verifier.get(path, headers={"Accept": BROWSER})
    assert answer.status_code in (404, 405)
    assert answer.headers["content-type"].startswith("text/html")
    assert "<h1>" in answer.text and "/assets/pages.css" in answer.text


@pytest.mark.parametrize("accept", ["application/json", "*/*", None])
def test_an_api_client_keeps_problem_json(verifier: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = verifier.get("/api/nothing-here", headers=headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 404


def test_the_report_names_the_candidate_as_disclosed_and_folds_raw_fields(
    verifier: TestClient, issuer: TestClient
) -> None:
    """The header names the candidate by the name their credential discloses, not the
    subject's DID; the DIDs and the raw field dump sit in a technical-details fold; dates
    are human."""
    credential = issue(issuer, "food-safety", "food-handler", recipient_name="Alex Rivera")
    page = verifier.post("/", data={"document": json.dumps(credential)}).text
    assert "<h1>Verification report: Alex Rivera</h1>" in page
    assert "Candidate: <strong>Alex Rivera</strong>" in page
    # the named checks are the technical record; the rest of the page speaks in names
    page = re.sub(r'<table class="checks">.*?</table>', "", page, flags=re.S)
    before, folded = page.split('<details class="technical">', 1)
    subject = credential["credentialSubject"]["id"]
    assert subject not in before and subject in folded  # the DID only in the fold
    assert credential["issuer"]["id"] not in before
    assert "validFrom" in folded and 'class="fields"' not in before
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", before)  # no raw ISO moment
