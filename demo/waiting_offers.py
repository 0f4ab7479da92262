"""The demo learner's waiting offers: ``ler up`` (with the demo seed on) has the college and
the food-safety provider offer the story's three credentials to the demo learner, so the
README's promise holds — the learner signs in and finds them waiting on the wallet's
*Receive* page, named, to take one click each.

Over HTTP, as a person would: the issuer's API (the staff token) makes the three offers
(:data:`demo.story.OFFERS`, the nursing ones in ``ecdsa-sd-2023`` with the learner's name,
date of birth and grade), the demo learner signs in to the wallet and keeps each offer for
later (``POST /api/receive/offers``: read and listed, nothing spent at the issuer). Once
only: a learner who has any offer already (waiting or taken) gets no more. Offers live 30
minutes at the issuer (``issuer.offers.oid4vci.OFFER_TTL``); an expired one says so when
taken, and ``ler demo`` or the issuer's pages make new ones.
"""

from __future__ import annotations

import time
from typing import Any

from demo.clients import IssuerClient, Unusable, WalletClient
from demo.story import BIRTH_DATE, LEARNER_NAME, OFFERS, SD_CONFIGURATION

WAIT_SECONDS = 60.0


def _wait_until_ready(*services: IssuerClient | WalletClient, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for service in services:
        while True:
            try:
                service.ready()
                break
            except Unusable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def offer_body(achievement: str, grade: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "configuration_ids": [SD_CONFIGURATION],
        "recipient_name": LEARNER_NAME,
        "date_of_birth": BIRTH_DATE,
    }
    if grade:
        data["grade"] = grade
    return data


def seed(
    issuer_url: str, token: str, wallet_url: str, email: str, password: str,
    *, wait: float = WAIT_SECONDS,
) -> int:  # fmt: skip
    """Offer the three credentials to the demo learner unless it has offers already; the
    number of offers kept (0: there were some). Raises :class:`demo.clients.Unusable`."""
    issuer, wallet = IssuerClient(issuer_url, token), WalletClient(wallet_url)
    try:
        _wait_until_ready(issuer, wallet, seconds=wait)
        wallet.form("/sign-in", {"email": email, "password": password}, page="/sign-in", expect=303)
        if wallet.json("GET", "/api/receive/offers"):
            return 0
        kept = 0
        for slug, achievement, _name, grade in OFFERS:
            offer = issuer.offer(slug, achievement, **offer_body(achievement, grade))
            wallet.json("POST", "/api/receive/offers", json={"offer": offer["offer_uri"]})
            kept += 1
        return kept
    finally:
        issuer.close()
        wallet.close()
