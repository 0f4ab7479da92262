"""The learner's credentials as the pages show them: a card each (:mod:`wallet.views.cards`),
read from what the wallet keeps. Each page makes one call here.

::

    from wallet.views import held
    held.cards(inst, account.id)                  # every card, newest first
    held.card(inst, account.id, credential_id)    # one card; NotFoundError when not held
"""

from __future__ import annotations

from wallet.installation import Installation
from wallet.receiving import kept
from wallet.views.cards import Card, card_of


def card(inst: Installation, account_id: str, credential_id: str) -> Card:
    """The card of one of the learner's credentials (NotFoundError for anyone else's)."""
    return card_of(kept.get(inst, account_id, credential_id), inst.now())


def cards(inst: Installation, account_id: str) -> list[Card]:
    """A card per credential of the learner, newest first."""
    now = inst.now()
    return [card_of(record, now) for record in kept.all_of(inst, account_id)]
