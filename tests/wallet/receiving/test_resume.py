"""Receiving goes on from the recorded step: the credential's answer is lost on its way back
(the issuer issued it; the connection dropped), the offer is recorded as failed with the
token and the exact request kept, and a retry from the API or the offer page, or the
background resume job, sends the same request again and gets the same credential: the issuer
issues it once. The real issuer app answers (tests/wallet/conftest.py); only the one answer
is dropped, by the transport, after the issuer handled the request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import (
    ALICE,
    ISSUER_TOKEN,
    ISSUER_URL,
    WALLET_URL,
    AppsTransport,
    Clock,
    account_id_of,
    browser,
    csrf,
    sign_up,
)
from vckit.protocols import oid4vci
from wallet import store
from wallet.app import create_app
from wallet.receiving import progress
from wallet.settings import Settings

SLUG = "community-college"
ACHIEVEMENT = "fundamentals-of-nursing-1"


class DropsOneAnswer(AppsTransport):
    """Hands every request to its app; the first answer of the credential endpoint is lost
    (the issuer has handled the request)."""

    def __init__(self, apps: Mapping[str, FastAPI]) -> None:
        super().__init__(apps)
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = super().handle_request(request)
        if request.url.path.endswith("/credential") and self.dropped == 0:
            self.dropped += 1
            raise httpx.ReadError("connection reset", request=request)
        return answer


def operator(issuer: FastAPI) -> TestClient:
    return TestClient(
        issuer, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
    )


def issued(issuer: FastAPI) -> list[dict[str, Any]]:
    response = operator(issuer).get(f"/issuers/{SLUG}/credentials", params={"limit": 500})
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()
    return found


@pytest.fixture
def lossy(
    tmp_path: Path, clock: Clock, issuer_service: FastAPI
) -> Iterator[tuple[FastAPI, TestClient, DropsOneAnswer]]:
    transport = DropsOneAnswer({"issuer.test": issuer_service})
    settings = Settings(
        base_url=WALLET_URL,
        data_dir=tmp_path / "wallet",
        allow_http_localhost=False,
        allow_private=True,  # *.test names do not resolve (tests/wallet/conftest.py)
    )
    app = create_app(settings, clock=clock, transport=transport)
    yield app, sign_up(browser(app), ALICE), transport
    app.state.inst.db.close()


def offered(issuer: FastAPI) -> str:
    response = operator(issuer).post(f"/issuers/{SLUG}/offers", json={"achievement": ACHIEVEMENT})
    assert response.status_code == 201, response.text
    uri: str = response.json()["offer_uri"]
    return uri


def the_offer(app: FastAPI) -> store.OfferRecord:
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [offer] = store.list_offers(tx, account_id)
    return offer


@pytest.mark.parametrize("by", ["api", "same-offer-again", "page", "resume-job"])
def test_a_lost_credential_answer_is_fetched_again_and_issued_once(
    lossy: tuple[FastAPI, TestClient, DropsOneAnswer], issuer_service: FastAPI, by: str
) -> None:
    app, alice, transport = lossy
    before = len(issued(issuer_service))
    uri = offered(issuer_service)
    lost = alice.post("/api/receive/offer", json={"offer": uri})
    assert lost.status_code == 422 and "could not reach" in lost.json()["detail"]
    assert transport.dropped == 1 and len(issued(issuer_service)) == before + 1
    offer = the_offer(app)
    assert (offer.state, offer.credential_id) == ("failed", None)
    assert offer.access_token and offer.request  # kept to send the same request again
    listed = alice.get("/api/receive/offers").json()
    assert [o["state"] for o in listed] == ["failed"] and "access_token" not in listed[0]

    if by == "api":
        again = alice.post(f"/api/receive/offers/{offer.id}", json={})
        assert again.status_code == 201, again.text
        credential = again.json()["credential"]
    elif by == "same-offer-again":  # the link itself again (by reference: not re-fetched)
        again = alice.post("/api/receive/offer", json={"offer": uri})
        assert again.status_code == 201, again.text
        credential = again.json()["credential"]
    elif by == "page":
        page = alice.post(
            f"/receive/offers/{offer.id}", data={"csrf": csrf(alice)}, follow_redirects=False
        )
        assert page.status_code == 303, page.text[:2000]
        credential = None
    else:  # the background job takes only what a restart interrupted: make it look so
        with app.state.inst.db.transaction() as tx:
            tx.execute("UPDATE offers SET state = 'requested' WHERE id = ?", (offer.id,))
        progress.resume_due(app.state.inst)
        credential = None

    done = the_offer(app)
    assert done.state == "redeemed" and done.access_token is None
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [held] = store.list_credentials(tx, account_id)
    assert done.credential_id == held.id and held.verdict == "verified"
    assert isinstance(held.document, dict)
    [first] = [c for c in issued(issuer_service) if c["id"] == held.document["id"]]
    assert len(issued(issuer_service)) == before + 1  # issued once, received once
    assert credential in (None, held.document) and first["credential"] == held.document
    assert alice.post(f"/api/receive/offers/{offer.id}", json={}).status_code == 409


def test_one_offer_that_fails_again_does_not_stop_the_resume_job(
    lossy: tuple[FastAPI, TestClient, DropsOneAnswer], issuer_service: FastAPI
) -> None:
    app, alice, _ = lossy
    account_id = account_id_of(app, ALICE)
    gone = {  # a pending offer whose issuer is gone
        "credential_issuer": "https://gone.test/issuers/x",
        "credential_configuration_ids": ["OpenBadgeCredential_ldp_vc"],
        "grants": {oid4vci.PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c-1"}},
    }
    now = app.state.inst.stamp()
    with app.state.inst.db.transaction() as tx:
        stuck = store.add_offer(tx, account_id, gone, state="pending", created=now)
    lost = alice.post("/api/receive/offer", json={"offer": offered(issuer_service)})
    assert lost.status_code == 422
    with app.state.inst.db.transaction() as tx:
        tx.execute("UPDATE offers SET state = 'requested' WHERE state = 'failed'")
    assert progress.resume_due(app.state.inst) == 2
    with app.state.inst.db.transaction() as tx:
        states = {o.id: (o.state, o.error) for o in store.list_offers(tx, account_id)}
    state, error = states.pop(stuck.id)
    assert state == "failed" and error and "gone.test" in error
    assert [state for state, _ in states.values()] == ["redeemed"]
