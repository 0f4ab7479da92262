"""The verifier's pages go through the one page renderer: the same security headers as the
issuer's and the wallet's (servicekit.pages.SECURITY_HEADERS)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from servicekit.pages import SECURITY_HEADERS


@pytest.mark.parametrize("path", ["/", "/jobs"])
def test_verifier_pages_send_the_security_headers(verifier: TestClient, path: str) -> None:
    page = verifier.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert page.headers.get(name) == value, name


def test_the_report_page_sends_them_too(verifier: TestClient) -> None:
    page = verifier.post("/", data={"document": '{"not": "a credential"}'})
    assert page.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert page.headers.get(name) == value, name
