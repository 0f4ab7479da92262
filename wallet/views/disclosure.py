"""What a verifier's request page shows of the fields that will go: each matching
credential's fields in words (the switches), SD-JWTs as the verifier will read them, and
what stays hidden. No FastAPI; :mod:`wallet.web.pages.requests` renders them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from wallet.accounts import AccountRecord
from wallet.answering import sd as answer_sd
from wallet.answering.match import RequestView
from wallet.installation import Installation
from wallet.sharing import disclose, present
from wallet.views import field_text
from wallet.views.field_text import Listing


def request_listings(view: RequestView) -> dict[str, Listing]:
    """The fields, in words, of the default choice (every field on) of each selectively
    disclosable credential that matches the request, for the request page's switches."""
    out: dict[str, Listing] = {}
    for query in view.queries:
        for held in query.matches:
            if held.record.id in out or disclose.kind_of(held.record) == disclose.PLAIN:
                continue
            out[held.record.id] = field_text.listing(disclose.choose(held.record))
    return out


def readable(documents: Mapping[str, Sequence[Any]]) -> list[tuple[str, str]]:
    """For each SD-JWT about to go (query id, its claims as the verifier will read them):
    the compact string itself says nothing to a person."""
    out = []
    for query_id, items in documents.items():
        for item in items:
            if isinstance(item, str) and disclose.is_sd_jwt(item):
                claims = disclose.sd_jwt_claims(item, view=True)
                out.append((query_id, json.dumps(claims, indent=2, ensure_ascii=False)))
    return out


def hidden_of(
    inst: Installation, account: AccountRecord, shown: Mapping[str, Sequence[str]]
) -> list[tuple[str, tuple[str, ...]]]:
    """(credential name, labels of its hidden fields) for each credential with a choice."""
    out = []
    for credential_id in shown:
        choice = answer_sd.choice_for(inst, account, credential_id, shown)
        credential = disclose.credential_view(choice.record.document)
        out.append((present.display_name(credential, choice.record), choice.hidden_labels))
    return out
