"""The registrar's page: issue a learner's CLR of a programme (staff only, CSRF, clear 422s)."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from tests.issuer.web.test_pages import COLLEGE, LEARNER, NURSING_1, assert_page, issue

PROGRAMME = "practical-nursing-programme"


def post_clr(staff: tuple[TestClient, str], **fields: str) -> object:
    client, csrf = staff
    data = {"csrf": csrf, "programme": PROGRAMME, "recipient": LEARNER, **fields}
    return client.post(f"/issuers/{COLLEGE}/clr", data=data)


def test_the_registrar_issues_the_programme_clr(staff: tuple[TestClient, str]) -> None:
    client, _ = staff
    form = client.get(f"/issuers/{COLLEGE}/clr")
    assert_page(form, 200, "Issue a learner record (CLR 2.0)")
    assert "Practical Nursing Certificate (2 courses)" in form.text
    assert "Fundamentals of Nursing I<" not in form.text  # courses are not programmes
    assert f'href="/issuers/{COLLEGE}/clr"' in client.get(f"/issuers/{COLLEGE}").text
    assert issue(staff).status_code == 201  # the course credential it will hold
    page = post_clr(staff)
    assert_page(page, 201, "Credential issued")
    shown = re.search(r"<pre[^>]*>(.*)</pre>", page.text, re.S)
    assert shown is not None
    document = json.loads(shown.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert "CLR 2.0, Data Integrity" in page.text


def test_the_clr_form_explains_what_is_wrong(staff: tuple[TestClient, str]) -> None:
    assert_page(post_clr(staff), 422, "holds no credential")
    assert_page(post_clr(staff, programme=""), 422, "Choose a programme")
    assert_page(post_clr(staff, programme=NURSING_1), 422, "not a programme")
    assert_page(post_clr(staff, recipient="someone@example.org"), 422, "not a DID")
    assert_page(post_clr(staff, format="vc-jwt"), 422, "clr-jwt")


def test_the_clr_form_is_for_staff(browser: TestClient) -> None:
    page = browser.get(f"/issuers/{COLLEGE}/clr", follow_redirects=False)
    assert page.status_code == 303
    refused = browser.post(f"/issuers/{COLLEGE}/clr", data={"programme": PROGRAMME})
    assert refused.status_code == 403
