"""The credentials pages over HTTP: the cards, a credential's detail, its deletion and the
skills view, for a learner whose credentials were issued by the real issuer app, verified
for real with ``vckit.verification`` and kept through ``wallet.store``. Another learner gets 404
on every one of these routes; a delete without the form's CSRF token is refused (403)."""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import (
    ALICE,
    BOB,
    Clock,
    WalletFactory,
    account_id_of,
    browser,
    csrf,
    sign_up,
)
from tests.wallet.held import issue, issuer_client, keep, revoke, sample, verify_through
from wallet import store


@dataclass(frozen=True)
class Held:
    app: FastAPI
    alice: TestClient
    good: str
    jwt: str
    tampered: str
    revoked: str
    unchecked: str


def _hold(app: FastAPI, issuer_service: FastAPI, clock: Clock) -> Held:
    alice = sign_up(browser(app), ALICE)
    client = issuer_client(issuer_service)
    now = clock()

    def kept(document: dict[str, Any] | str, verified: bool = True) -> str:
        report = verify_through(client, document, now).to_json() if verified else None
        return keep(app, ALICE, document, report)

    good = kept(issue(client)["credential"])
    jwt = kept(issue(client, "vc-jwt", achievement="fundamentals-of-nursing-2")["credential"])
    tampered_doc = copy.deepcopy(issue(client, issuer="food-safety", achievement="food-handler"))
    tampered_doc["credential"]["name"] = "Master Chef"
    tampered = kept(tampered_doc["credential"])
    to_revoke = issue(client, issuer="nursing-board", achievement="licensed-practical-nurse")
    revoke(client, to_revoke["id"])
    revoked = kept(to_revoke["credential"])
    unchecked = kept(sample("skillAssertionCase.json"), verified=False)
    return Held(app, alice, good, jwt, tampered, revoked, unchecked)


@pytest.fixture
def held(wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock) -> Held:
    return _hold(wallet_app(), issuer_service, clock)


def _text(response: Any) -> str:
    return html.unescape(response.text)


def test_cards_page_shows_every_credential_with_its_verdict(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock, database_url: str
) -> None:
    held = _hold(wallet_app(database_url), issuer_service, clock)
    response = held.alice.get("/credentials")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = _text(response)
    for name in (
        "Fundamentals of Nursing I",
        "Fundamentals of Nursing II",
        "Master Chef",
        "Robot Programming Skill Credential",
    ):
        assert name in page
    for issuer in ("Riverside Community College", "SafeServe Food Safety Training"):
        assert issuer in page
    assert page.count('class="badge verified"') == 2
    assert 'class="badge failed">Failed: Signature (proof)' in page
    assert 'class="badge revoked">Revoked' in page
    assert 'class="badge not-checked">Not checked yet' in page
    for credential_id in (held.good, held.jwt, held.tampered, held.revoked, held.unchecked):
        assert f'href="/credentials/{credential_id}"' in page


def test_detail_page_shows_fields_checks_and_raw(held: Held) -> None:
    response = held.alice.get(f"/credentials/{held.good}")
    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Fundamentals of Nursing I</h1>" in page
    assert "Riverside Community College" in page
    assert "did:web:issuer.test" in page
    titles = ("Signature (proof)", "Issuer controls the signing key", "Not revoked or suspended")
    for title in titles:
        assert f'<th scope="row">{title}</th>' in page
    assert '"OpenBadgeCredential"' in page  # the raw JSON
    assert f'action="/credentials/{held.good}/delete"' in page

    jwt_page = _text(held.alice.get(f"/credentials/{held.jwt}"))
    assert "Fundamentals of Nursing II" in jwt_page and '"header"' in jwt_page

    revoked_page = _text(held.alice.get(f"/credentials/{held.revoked}"))
    assert 'class="badge revoked">Revoked' in revoked_page
    assert "revocation: the issuer set index" in revoked_page


def test_skills_page_links_skills_to_their_credentials(held: Held) -> None:
    response = held.alice.get("/skills")
    assert response.status_code == 200
    page = _text(response)
    assert "<h1>My skills</h1>" in page
    assert "Robot Programming" in page
    assert f'href="/credentials/{held.unchecked}"' in page
    assert f'href="/credentials/{held.good}"' in page
    assert 'class="discredited"><a href="/credentials/' + held.revoked in page


def test_content_is_escaped(held: Held) -> None:
    document = sample("basicOpenBadgeCredential.json")
    document["name"] = "<script>alert(1)</script>"
    credential_id = keep(held.app, ALICE, document, None)
    raw = held.alice.get(f"/credentials/{credential_id}").text
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_signed_out_visitors_are_sent_to_sign_in(held: Held) -> None:
    for path in ("/credentials", f"/credentials/{held.good}", "/skills"):
        response = browser(held.app).get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?next=")


def test_another_learner_gets_404_on_every_route(held: Held) -> None:
    bob = sign_up(browser(held.app), BOB)
    token = csrf(bob)
    for credential_id in (held.good, held.revoked, "0" * 32, "../" + held.good):
        assert bob.get(f"/credentials/{credential_id}").status_code == 404
        assert bob.get(f"/credentials/{credential_id}/delete").status_code == 404
        refused = bob.post(f"/credentials/{credential_id}/delete", data={"csrf": token})
        assert refused.status_code == 404
    assert held.good not in bob.get("/credentials").text
    assert held.good not in bob.get("/skills").text
    assert held.alice.get(f"/credentials/{held.good}").status_code == 200  # still there


@pytest.mark.parametrize("token", [None, "", "forged-token"], ids=["missing", "empty", "wrong"])
def test_delete_needs_the_csrf_token(held: Held, token: str | None) -> None:
    data = {} if token is None else {"csrf": token}
    response = held.alice.post(f"/credentials/{held.good}/delete", data=data)
    assert response.status_code == 403
    assert held.alice.get(f"/credentials/{held.good}").status_code == 200


def test_delete_after_confirmation(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock, database_url: str
) -> None:
    held = _hold(wallet_app(database_url), issuer_service, clock)
    confirm = held.alice.get(f"/credentials/{held.tampered}/delete")
    assert confirm.status_code == 200 and "Delete this credential?" in confirm.text
    response = held.alice.post(
        f"/credentials/{held.tampered}/delete",
        data={"csrf": csrf(held.alice)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/credentials?deleted=1"
    listing = held.alice.get("/credentials?deleted=1").text
    assert "The credential was deleted from your wallet." in listing
    assert "Master Chef" not in listing
    assert held.alice.get(f"/credentials/{held.tampered}").status_code == 404
    account_id = account_id_of(held.app, ALICE)
    with held.app.state.inst.db.transaction() as tx:
        left = store.list_credentials(tx, account_id)
    assert {record.id for record in left} == {held.good, held.jwt, held.revoked, held.unchecked}
