"""The learner's credentials as the pages show them: a card each (:mod:`wallet.views.cards`),
read from what the wallet keeps. Each page makes one call here. A credential that cannot be
made into a card is shown as failed, "cannot be read" (:func:`wallet.views.cards.unreadable_card`).

::

    from wallet.views import held
    held.cards(inst, account.id)                  # every card, newest first
    held.card(inst, account.id, credential_id)    # one card; NotFoundError when not held
    held.transcript(inst, account.id, credential_id)  # a CLR as a transcript, else None

A CLR's card carries a card of each credential it holds (``Card.nested``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from wallet.installation import Installation
from wallet.receiving import kept
from wallet.store import CredentialRecord
from wallet.views import transcript as clr
from wallet.views.cards import Card, card_of, unreadable_card
from wallet.views.transcript import Transcript, transcript_of

log = logging.getLogger(__name__)


def _card(record: CredentialRecord, now: datetime) -> Card:
    """The boundary: whatever making a card of one stored credential raises is logged and
    the credential shown as failed ("cannot be read"), never a broken page."""
    try:
        return replace(card_of(record, now), nested=clr.nested_cards(record, now))
    except Exception as exc:
        log.warning("held credential %s cannot be shown: %s", record.id, type(exc).__name__)
        return unreadable_card(record)


def card(inst: Installation, account_id: str, credential_id: str) -> Card:
    """The card of one of the learner's credentials (NotFoundError for anyone else's)."""
    return _card(kept.get(inst, account_id, credential_id), inst.now())


def cards(inst: Installation, account_id: str) -> list[Card]:
    """A card per credential of the learner, newest first."""
    now = inst.now()
    return [_card(record, now) for record in kept.all_of(inst, account_id)]


def transcript(inst: Installation, account_id: str, credential_id: str) -> Transcript | None:
    """One of the learner's credentials as a transcript, if it is a CLR (else None)."""
    record = kept.get(inst, account_id, credential_id)
    try:
        return transcript_of(record, inst.now())
    except Exception as exc:
        log.warning("held CLR %s cannot be read as a transcript: %s", record.id, type(exc).__name__)
        return None
