"""The demo learner's waiting offers still work when the demo is opened an hour later
(issue 16): :class:`demo.waiting_offers.WaitingOffers`, which ``ler up`` runs every minute,
replaces a waiting offer before it expires at the issuer (30 minutes) and never re-offers one
the learner took. The real issuer and wallet in-process, on one moving clock; the demo's
clients reach them over HTTP through the conftest's AppsTransport.
"""

from __future__ import annotations

import html
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from demo.story import OFFERS
from demo.waiting_offers import WaitingOffers
from tests.wallet.conftest import (
    ALICE,
    ISSUER_TOKEN,
    ISSUER_URL,
    PASSWORD,
    WALLET_URL,
    AppsTransport,
    Clock,
    WalletFactory,
    browser,
    csrf,
    sign_up,
)

NAMES = {name for _slug, _achievement, name, _grade in OFFERS}


def waiting(client: TestClient) -> dict[str, str]:
    """The learner's offers still to take: id -> name."""
    return {
        o["id"]: o["name"]
        for o in client.get("/api/receive/offers").json()
        if o["state"] in ("pending", "failed")
    }


def take(client: TestClient, offer_id: str) -> str:
    """Take a waiting offer from its page, as the learner does: the page it lands on."""
    answer = client.post(
        f"/receive/offers/{offer_id}", data={"csrf": csrf(client)}, follow_redirects=True
    )
    return html.unescape(answer.text)


def test_waiting_demo_offers_are_renewed_and_work_an_hour_later(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock
) -> None:
    wallet = wallet_app(apps={"issuer.test": issuer_service})
    learner = sign_up(browser(wallet), ALICE)
    transport = AppsTransport({"issuer.test": issuer_service, "wallet.test": wallet})

    def robot() -> WaitingOffers:  # what `ler up` runs; a new one is a restart
        return WaitingOffers(
            ISSUER_URL, ISSUER_TOKEN, WALLET_URL, ALICE, PASSWORD, transport=transport, now=clock
        )

    offers = robot()
    assert offers.refresh() == 3
    first = waiting(learner)
    assert set(first.values()) == NAMES
    clock.advance(timedelta(minutes=5))
    assert offers.refresh() == 0  # fresh still: nothing made
    clock.advance(timedelta(minutes=20))  # 5 minutes left at the issuer: replaced in time
    assert offers.refresh() == 3
    second = waiting(learner)
    assert set(second.values()) == NAMES and not set(second) & set(first)

    # an hour later, after a restart (the new robot knows no expiry): renewed, and they work
    clock.advance(timedelta(hours=1))
    restarted = robot()
    assert restarted.refresh() == 3
    third = waiting(learner)
    assert set(third.values()) == NAMES and not set(third) & set(second)
    nursing_1 = next(i for i, name in third.items() if name == "Fundamentals of Nursing I")
    landed = take(learner, nursing_1)
    assert "Verified." in landed and "expired" not in landed

    # the one taken is never offered again; the two others are kept fresh
    clock.advance(timedelta(hours=1))
    assert restarted.refresh() == 2
    assert set(waiting(learner).values()) == NAMES - {"Fundamentals of Nursing I"}
    offers.close()
    restarted.close()


def test_the_learner_removes_a_waiting_offer_but_not_one_taken(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock
) -> None:
    wallet = wallet_app(apps={"issuer.test": issuer_service})
    learner = sign_up(browser(wallet), ALICE)
    transport = AppsTransport({"issuer.test": issuer_service, "wallet.test": wallet})
    offers = WaitingOffers(
        ISSUER_URL, ISSUER_TOKEN, WALLET_URL, ALICE, PASSWORD, transport=transport, now=clock
    )
    offers.refresh()
    kept = list(waiting(learner))
    assert learner.delete(f"/api/receive/offers/{kept[0]}").status_code == 204
    assert kept[0] not in waiting(learner)
    gone = learner.delete(f"/api/receive/offers/{kept[0]}")
    assert gone.status_code == 404 and gone.headers["content-type"].startswith(
        "application/problem+json"
    )
    take(learner, kept[1])
    taken = learner.delete(f"/api/receive/offers/{kept[1]}")
    assert taken.status_code == 409, taken.text
    bob = sign_up(browser(wallet), "bob@example.org")
    assert bob.delete(f"/api/receive/offers/{kept[2]}").status_code == 404  # not Bob's
    offers.close()
