"""The issued list names each learner, and staff find a credential by search and filters.

Credentials are issued through the staff page (JSON-LD, VC-JWT and SD-JWT VC, so the name is
read from each shape as issued), then the list is read as staff see it.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from issuer.status.recipients import matches, recipient_name
from tests.issuer.web.test_pages import COLLEGE, app, browser, issue, staff  # noqa: F401

Staff = tuple[TestClient, str]


def rows(client: TestClient, query: str = "") -> list[str]:
    """The issued list's rows (as HTML), for ``?query``."""
    page = client.get(f"/issuers/{COLLEGE}/issued{'?' + query if query else ''}")
    assert page.status_code == 200, page.text
    body = (
        page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page.text else ""
    )
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


@pytest.mark.parametrize("proof", ["eddsa-rdfc-2022", "vc-jwt", "sd-jwt-vc"])
def test_each_row_names_the_learner_the_credential_carries(staff: Staff, proof: str) -> None:  # noqa: F811
    client, _ = staff
    made = issue(staff, recipient_name="Jamie  Ortega", format=proof)
    assert made.status_code == 201, made.text[:1500]
    [row] = rows(client)
    assert "<strong>Jamie Ortega</strong>" in row
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC</time>", row)


def test_search_and_filters_find_the_credential(staff: Staff) -> None:  # noqa: F811
    client, csrf = staff
    for name in ("Jamie Ortega", "Sam Lee", "Sam Okafor"):
        assert issue(staff, recipient_name=name).status_code == 201
    assert len(rows(client)) == 3
    assert len(rows(client, "q=sam")) == 2
    [found] = rows(client, "q=SAM+oka")
    assert "Sam Okafor" in found
    assert rows(client, "q=nobody+at+all") == []
    assert "No credential matches" in client.get(f"/issuers/{COLLEGE}/issued?q=zzz").text
    # revoke Sam Lee's, then filter by state
    [lee] = rows(client, "q=lee")
    credential = re.search(r'name="credential" value="([^"]+)"', lee)
    assert credential
    data = {"csrf": csrf, "credential": credential.group(1), "action": "revoke", "confirmed": "yes",
            "reason": "Issued in error", "reason_code": "issued-in-error"}  # fmt: skip
    assert (
        client.post(f"/issuers/{COLLEGE}/issued", data=data, follow_redirects=False).status_code
        == 303
    )
    [revoked] = rows(client, "state=revoked")
    assert "Sam Lee" in revoked
    assert len(rows(client, "state=active")) == 2
    assert len(rows(client, "state=active&q=sam")) == 1
    achievement = re.search(
        r'<option value="([^"]+)">Fundamentals of Nursing I</option>',
        client.get(f"/issuers/{COLLEGE}/issued").text,
    )
    assert achievement
    assert len(rows(client, f"achievement={achievement.group(1)}")) == 3
    # unknown filter values filter nothing, and never fail
    assert len(rows(client, "state=lost&achievement=urn:nothing")) == 3


def test_recipient_name_reads_every_shape_and_search_matches_every_word() -> None:
    identity = {"identityType": "name", "hashed": False, "identityHash": "Ana Díaz"}
    assert recipient_name({"credentialSubject": {"identifier": [identity]}}) == "Ana Díaz"
    assert (
        recipient_name({"credentialSubject": {"identifier": [{**identity, "hashed": True}]}}) == ""
    )
    assert recipient_name("not.a.jwt~") == "" and recipient_name("a.b.c~%%~") == ""
    assert matches("ana DÍAZ", "Ana Díaz", "did:example:1") and not matches("ana lee", "Ana Díaz")
