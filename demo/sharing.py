"""The learner answers a verifier's OpenID4VP request in the wallet, as in a browser:
paste the link, tick the credentials, preview exactly what will be sent, send.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from demo.clients import UnexpectedAnswer, WalletClient

QUERY = re.compile(r'name="c:([^":]+):([^"]+)"')
PREPARED = re.compile(r'name="(p:[^"]+)" value="([^"]*)"')


@dataclass(frozen=True)
class Choice:
    """A credential to share (the wallet's id for it) and the fields to hide in it, by the
    labels the wallet shows ("Grade", "Date of birth")."""

    credential_id: str
    hide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sent:
    count: int
    status: int
    accepted: bool
    detail: str


def switches(wallet: WalletClient, choice: Choice) -> dict[str, str]:
    """The request form's field switches for ``choice``: every field the learner may hide
    is on, except those labelled as in ``choice.hide`` (the wallet's field list names them,
    ``GET /api/credentials/{id}/fields``). Locked fields go anyway; they are not switches."""
    listed = wallet.json("GET", f"/api/credentials/{choice.credential_id}/fields")
    fields = listed.get("fields") if isinstance(listed, dict) else None
    if not isinstance(fields, list):
        raise UnexpectedAnswer(f"wallet: no field list for {choice.credential_id}")
    labels = {f.get("label") for f in fields if not f.get("mandatory")}
    missing = [label for label in choice.hide if label not in labels]
    if missing:
        raise UnexpectedAnswer(
            f"wallet: {choice.credential_id} has no field to hide named {missing}"
        )
    out = {f"sd:{choice.credential_id}": "1"}
    for field in fields:
        if not field.get("mandatory") and field.get("label") not in choice.hide:
            out[f"show:{choice.credential_id}:{field['pointer']}"] = "on"
    return out


def share(wallet: WalletClient, link: str, chosen: Sequence[Choice]) -> Sent:
    """Open ``link`` in the wallet, choose ``chosen`` (nothing else), preview, send."""
    request_id = wallet.open_request(link)
    page = wallet.page(f"/requests/{request_id}")
    offered = QUERY.findall(page)
    fields: dict[str, str] = {}
    for choice in chosen:
        query = next((q for q, c in offered if c == choice.credential_id), None)
        if query is None:
            raise UnexpectedAnswer(f"wallet: the request does not offer {choice.credential_id}")
        fields[f"c:{query}:{choice.credential_id}"] = "on"
        if choice.hide:
            fields.update(switches(wallet, choice))
    preview = wallet.form(
        f"/requests/{request_id}/prepare", fields, page=f"/requests/{request_id}", expect=200
    )
    prepared = dict(PREPARED.findall(preview.text))
    if not prepared:
        raise UnexpectedAnswer("wallet: the preview holds nothing to send")
    sent = wallet.form(
        f"/requests/{request_id}/send", prepared, page=f"/requests/{request_id}", expect=200
    )
    count = sum(len([i for i in ids.split(",") if i]) for ids in prepared.values())
    accepted = "Continue at the verifier" in sent.text or sent.status_code == 200
    return Sent(count, sent.status_code, accepted, "")
