"""The demo learner's waiting offers: ``ler up`` (with the demo seed on) has the college and
the food-safety provider offer the story's three credentials to the demo learner, so the
README's promise holds — the learner signs in and finds them waiting on the wallet's
*Receive* page, named, to take one click each — and keeps them fresh while it runs.

Over HTTP, as a person would: the issuer's API (the staff token) makes the offers
(:data:`demo.story.OFFERS`, the nursing ones in ``ecdsa-sd-2023`` with the learner's name,
date of birth and grade), the demo learner signs in to the wallet and keeps each offer for
later (``POST /api/receive/offers``: read and listed, nothing spent at the issuer).

Offers live 30 minutes at the issuer (``issuer.offers.oid4vci.OFFER_TTL``), a demo is often
opened hours later. So :meth:`WaitingOffers.refresh`, which ``ler up`` calls at start and
then every :data:`REFRESH_SECONDS`:

* a learner with no offers at all gets the three (the first start);
* each of the story's offers still waiting (or failed) in the wallet is replaced by a fresh
  one when it has less than :data:`MARGIN` left at the issuer, or when its expiry is not
  known (made before this ``ler up`` started): the wallet removes the old one
  (``DELETE /api/receive/offers/{id}``) and keeps the new one;
* an offer the learner took (or is taking) is left alone, and never offered again.

So the waiting offers always work when clicked; the issuer's offers themselves keep their
short lifetime.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from demo.clients import IssuerClient, Unusable, WalletClient
from demo.story import BIRTH_DATE, LEARNER_NAME, OFFERS, SD_CONFIGURATION

WAIT_SECONDS = 60.0
REFRESH_SECONDS = 60.0
"""How often ``ler up`` looks at the waiting offers."""
MARGIN = timedelta(minutes=10)
"""A waiting offer with less than this left at the issuer is replaced."""
REPLACEABLE = ("pending", "failed")
"""Wallet offer states that are waiting (or failed), not being received or taken."""


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


def _moment(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WaitingOffers:
    """The demo learner's three offers, made once and kept fresh (see the module docstring).
    ``now`` is the clock the issuer's expiry times are read against."""

    def __init__(
        self, issuer_url: str, token: str, wallet_url: str, email: str, password: str,
        *, transport: httpx.BaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:  # fmt: skip
        self.issuer = IssuerClient(issuer_url, token, transport)
        self.wallet = WalletClient(wallet_url, transport)
        self.email, self.password, self.now = email, password, now
        self.expiry: dict[str, datetime] = {}  # wallet offer id -> when it ends at the issuer

    def close(self) -> None:
        self.issuer.close()
        self.wallet.close()

    def wait_until_ready(self, seconds: float = WAIT_SECONDS) -> None:
        _wait_until_ready(self.issuer, self.wallet, seconds=seconds)

    def _offer(self, slug: str, achievement: str, grade: str | None) -> None:
        made = self.issuer.offer(slug, achievement, **offer_body(achievement, grade))
        kept = self.wallet.json("POST", "/api/receive/offers", json={"offer": made["offer_uri"]})
        ends = _moment(made.get("expires_at"))
        if ends is not None:
            self.expiry[str(kept["id"])] = ends

    def _fresh(self, offer_id: str) -> bool:
        ends = self.expiry.get(offer_id)
        return ends is not None and ends - self.now() > MARGIN

    def refresh(self) -> int:
        """Make the first offers, or replace stale waiting ones: how many offers were made.
        Raises :class:`demo.clients.Unusable` or :class:`demo.clients.UnexpectedAnswer`."""
        self.wallet.form(
            "/sign-in", {"email": self.email, "password": self.password},
            page="/sign-in", expect=303,
        )  # fmt: skip
        held: list[dict[str, Any]] = self.wallet.json("GET", "/api/receive/offers")
        made = 0
        for slug, achievement, name, grade in OFFERS:
            mine = [o for o in held if o.get("name") == name]
            if held and not mine:
                continue  # not the first start, and this one is not the learner's (removed)
            if any(o.get("state") not in REPLACEABLE for o in mine):
                continue  # taken, or being received: never offered again
            if any(self._fresh(str(o["id"])) for o in mine):
                continue
            for old in mine:
                self.wallet.call("DELETE", f"/api/receive/offers/{old['id']}", expect=(204, 404))
                self.expiry.pop(str(old["id"]), None)
            self._offer(slug, achievement, grade)
            made += 1
        return made
