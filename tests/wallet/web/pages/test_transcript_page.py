"""A CLR in the wallet over HTTP: the credential page shows it as a transcript (courses in
association order, each with its own badge), and one course can be kept as its own credential
to share it alone. The CLR and its courses come from the real issuer app, issued to the learner's
own DID, and are verified for real on keeping."""

from __future__ import annotations

import html
from typing import Any

from fastapi import FastAPI

from tests.wallet.conftest import ALICE, BOB, Clock, WalletFactory, browser, csrf, sign_up
from tests.wallet.held import issuer_client, keep, revoke, verify_through
from wallet import store

COURSES = ("fundamentals-of-nursing-1", "fundamentals-of-nursing-2")


def did_of(app: FastAPI, email: str) -> str:
    with app.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, email)
    assert account is not None
    return account.did


def hold_clr(app: FastAPI, issuer_service: FastAPI, clock: Clock, *, revoke_second: bool) -> Any:
    alice = sign_up(browser(app), ALICE)
    client = issuer_client(issuer_service)
    learner = did_of(app, ALICE)
    ids = []
    for course in reversed(COURSES):  # issued in the wrong order: the CLR gives the order
        response = client.post(
            "/issuers/community-college/credentials",
            json={"achievement": course, "recipient": {"did": learner}},
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    response = client.post(
        "/issuers/community-college/clrs",
        json={"programme": "practical-nursing-programme", "recipient": {"did": learner}},
    )
    assert response.status_code == 201, response.text
    clr = response.json()["credential"]
    if revoke_second:
        revoke(client, ids[0])  # NUR 102
    report = verify_through(client, clr, clock()).to_json()
    return alice, keep(app, ALICE, clr, report)


def test_the_clr_page_is_a_transcript(app: FastAPI, issuer_service: FastAPI, clock: Clock) -> None:
    alice, clr_id = hold_clr(app, issuer_service, clock, revoke_second=True)
    response = alice.get(f"/credentials/{clr_id}")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Transcript: Practical Nursing Certificate" in page
    first = page.index("Fundamentals of Nursing I <")
    second = page.index("Fundamentals of Nursing II <")
    assert first < second  # NUR 101 precedes NUR 102
    assert 'class="badge verified">Verified' in page[first:second]
    assert 'class="badge revoked">Revoked' in page[second:]
    assert "4 earned in verified courses of 8 in the programme" in page
    assert "Patient data privacy" in page[first:second] and "Grade" not in page[:first]
    assert "<h2>Criteria</h2>" not in page  # the OB 3.0 sections are for single badges
    assert BOB not in page


def test_one_course_is_kept_to_share_alone(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock
) -> None:
    app = wallet_app(apps={"issuer.test": issuer_service})  # verifies on keeping
    alice, clr_id = hold_clr(app, issuer_service, clock, revoke_second=False)
    kept = alice.post(
        f"/credentials/{clr_id}/nested/0/keep", data={"csrf": csrf(alice)}, follow_redirects=False
    )
    assert kept.status_code == 303
    course_page = html.unescape(alice.get(kept.headers["location"]).text)
    assert "<h1>Fundamentals of Nursing I</h1>" in course_page
    assert 'class="badge verified">Verified' in course_page
    assert "Practical Nursing" not in course_page  # nothing of the rest of the record
    again = alice.post(
        f"/credentials/{clr_id}/nested/0/keep", data={"csrf": csrf(alice)}, follow_redirects=False
    )
    assert again.headers["location"] == kept.headers["location"]  # held once


def test_keeping_a_course_needs_the_form_and_a_clr(
    app: FastAPI, issuer_service: FastAPI, clock: Clock
) -> None:
    alice, clr_id = hold_clr(app, issuer_service, clock, revoke_second=False)
    assert alice.post(f"/credentials/{clr_id}/nested/0/keep", data={}).status_code == 403
    token = csrf(alice)
    missing = alice.post(f"/credentials/{clr_id}/nested/9/keep", data={"csrf": token})
    assert missing.status_code == 404
    bob = sign_up(browser(app), BOB)
    refused = bob.post(f"/credentials/{clr_id}/nested/0/keep", data={"csrf": csrf(bob)})
    assert refused.status_code == 404
