"""Answer a verifier's request in one step, with chosen fields: what a script does that a
learner does in three pages (open the request, choose, check the preview, send).

::

    from wallet.answering.at_once import Wanted, answer_at_once
    done = answer_at_once(inst, account, "openid4vp://?client_id=...&request_uri=...",
                          [Wanted(credential_id, hide=["/credentialSubject/result"])])
    done.status, done.accepted, done.redirect_uri, done.sent   # what the verifier answered

Each credential is checked first (another learner's id is not found: 404; a pointer that
names no field: 422), then the request is opened (:func:`wallet.answering.request.open_request`),
each credential is put to the first credential query it matches (DCQL; a VC-API request's
QueryByExample), and the presentations are made (:func:`wallet.answering.answer.prepare`) and sent
once (:func:`wallet.answering.answer.send`; a VC-API request's answer is returned, not sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wallet.answering import answer
from wallet.answering import match as answer_match
from wallet.answering import request as answer_request
from wallet.answering.match import RequestView
from wallet.answering.request import OID4VP
from wallet.errors import InvalidInputError
from wallet.installation import Installation
from wallet.sharing import disclose, present
from wallet.sharing.disclose import Choice
from wallet.store import AccountRecord


@dataclass(frozen=True)
class Wanted:
    """One credential and what of it goes: ``show`` (the rest hidden) or ``hide``; neither:
    every field."""

    credential_id: str
    show: Sequence[str] | None = None
    hide: Sequence[str] | None = None


@dataclass(frozen=True)
class Answered:
    request_id: str
    kind: str  # openid4vp | vc-api
    status: int | None  # the verifier's HTTP status (OpenID4VP)
    accepted: bool
    redirect_uri: str | None
    sent: dict[str, list[Any]]  # query id -> presentations, exactly as sent / handed over
    choices: dict[str, Choice] = field(default_factory=dict)


def _queries_for(view: RequestView, ids: Sequence[str]) -> dict[str, list[str]]:
    """Each credential to the first query it matches that still takes one."""
    out: dict[str, list[str]] = {}
    for credential_id in ids:
        query = next(
            (
                q
                for q in view.queries
                if any(h.record.id == credential_id for h in q.matches)
                and (q.multiple or q.query_id not in out)
            ),
            None,
        )
        if query is None:
            raise InvalidInputError(
                f"credential {credential_id} does not match what this request asks for"
            )
        out.setdefault(query.query_id, []).append(credential_id)
    return out


def answer_at_once(
    inst: Installation, account: AccountRecord, request_text: str, wanted: Sequence[Wanted]
) -> Answered:
    """Open, choose, prepare and send (see the module docstring)."""
    if not wanted:
        raise InvalidInputError("name at least one credential")
    choices: dict[str, Choice] = {}
    for item in wanted:
        [held] = present.chosen_records(inst, account, [item.credential_id])
        choices[held.id] = disclose.choose(held, show=item.show, hide=item.hide)
    record = answer_request.open_request(inst, account, request_text)
    view = answer_match.view(inst, account, record.id)
    by_query = _queries_for(view, list(choices))
    shown = {credential_id: list(c.shown) for credential_id, c in choices.items()}
    prepared = answer.prepare(inst, account, record.id, by_query, shown)
    ids = {query_id: [p.id for p in records] for query_id, records in prepared.items()}
    if record.kind != OID4VP:
        document = answer.download(inst, account, record.id, ids["all"][0])
        return Answered(record.id, record.kind, None, True, None, {"all": [document]}, choices)
    result = answer.send(inst, account, record.id, ids)
    sent = {query_id: [p.document for p in records] for query_id, records in prepared.items()}
    return Answered(
        record.id, record.kind, result.status, result.accepted, result.redirect_uri, sent, choices
    )
