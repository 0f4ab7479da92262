"""The verifier's pages for people: styled like the issuer and the wallet (the shared
stylesheet), a skip link first, and an unknown address in a browser answered with a page,
while an API client keeps problem+json (content negotiation on ``Accept``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

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
