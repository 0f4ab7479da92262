"""Endorsements on the card they endorse: the nursing board's endorsement of a course, embedded
by the real issuer app, shown on the course credential's page with who endorses and whether the
endorsement verified; revoking the endorsement marks it, not the credential."""

from __future__ import annotations

import html

from fastapi import FastAPI

from tests.wallet.conftest import ALICE, Clock, browser, sign_up
from tests.wallet.held import issue, issuer_client, keep, record, revoke, verify_through
from wallet.views.cards import card_of

COMMENT = "Meets the Board's standard for nursing fundamentals."


def test_the_card_shows_its_endorsements_and_whether_they_verified(
    app: FastAPI, issuer_service: FastAPI, clock: Clock
) -> None:
    alice = sign_up(browser(app), ALICE)
    client = issuer_client(issuer_service)
    response = client.post(
        "/issuers/nursing-board/endorsements",
        json={
            "issuer": "community-college",
            "achievement": "fundamentals-of-nursing-1",
            "comment": COMMENT,
        },
    )
    assert response.status_code == 201, response.text
    endorsement_id = response.json()["id"]
    credential = issue(client)["credential"]
    report = verify_through(client, credential, clock()).to_json()
    held = keep(app, ALICE, credential, report)

    page = html.unescape(alice.get(f"/credentials/{held}").text)
    assert "<strong>State Board of Nursing</strong> endorses the achievement" in page
    assert COMMENT in page
    part = page[page.index('id="endorsements-title"') :]
    assert 'class="badge verified">Verified' in part[: part.index("</li>")]

    revoke(client, endorsement_id)
    again = verify_through(client, credential, clock()).to_json()
    card = card_of(record(credential, again), clock())
    assert card.badge.kind == "verified"  # the credential itself
    assert [e.badge.kind for e in card.endorsements] == ["revoked"]
    assert card.endorsements[0].endorser == "State Board of Nursing"


def test_a_vc_jwt_endorsement_shows_on_a_jwt_credential(
    app: FastAPI, issuer_service: FastAPI, clock: Clock
) -> None:
    """``endorsementJwt`` (OB 3.0 §B): the board signs its endorsement as a VC-JWT; a course
    credential issued as a JWT carries it; the card names the endorser, the comment and the
    endorsement's own badge."""
    alice = sign_up(browser(app), ALICE)
    client = issuer_client(issuer_service)
    response = client.post(
        "/issuers/nursing-board/endorsements",
        json={
            "issuer": "community-college",
            "achievement": "fundamentals-of-nursing-1",
            "comment": COMMENT,
            "format": "ob3-jwt",
        },
    )
    assert response.status_code == 201, response.text
    issued = client.post(
        "/issuers/community-college/credentials",
        json={
            "achievement": "fundamentals-of-nursing-1",
            "recipient": {"did": "did:example:alice"},
            "format": "ob3-jwt",
        },
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["credential"]
    report = verify_through(client, token, clock()).to_json()
    held = keep(app, ALICE, token, report)

    page = html.unescape(alice.get(f"/credentials/{held}").text)
    assert "<strong>State Board of Nursing</strong> endorses the achievement" in page
    assert COMMENT in page
    part = page[page.index('id="endorsements-title"') :]
    assert 'class="badge verified">Verified' in part[: part.index("</li>")]
