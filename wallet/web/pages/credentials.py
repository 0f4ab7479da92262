"""The learner's credentials as pages: the cards, one credential in full, its deletion,
and the skills view.

==================================  =======  =============================================
``/credentials``                    learner  a card per credential, with its verdict badge
``/credentials/{id}``               learner  every field, the named checks, the raw credential
``/credentials/{id}/delete``        learner  GET: what will go; POST (CSRF): delete it
``/skills``                         learner  the aligned skills of all credentials
==================================  =======  =============================================

Another learner's credential id is a 404, whatever the route. Verdicts come from the
report stored with each credential (see ``wallet.views.cards``); these pages never verify.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wallet import store
from wallet.errors import NotFoundError
from wallet.installation import Installation
from wallet.views.cards import Card, card_of
from wallet.views.skills import skills_of
from wallet.web.deps import CurrentAccount, InstallationDep, VisitorDep
from wallet.web.pages.base import CheckedForm, render

router = APIRouter(include_in_schema=False)


def _card(inst: Installation, account_id: str, credential_id: str) -> Card:
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, account_id, credential_id)
    if record is None:
        raise NotFoundError("you hold no credential with this id")
    return card_of(record, inst.now())


def _cards(inst: Installation, account_id: str) -> list[Card]:
    with inst.db.transaction() as tx:
        records = store.list_credentials(tx, account_id)
    now = inst.now()
    return [card_of(record, now) for record in records]


@router.get("/credentials", response_class=HTMLResponse)
def cards_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    cards = _cards(inst, account.id)
    deleted = request.query_params.get("deleted") == "1"
    return render(request, visitor, "cards.html", cards=cards, deleted=deleted)


@router.get("/credentials/{credential_id}", response_class=HTMLResponse)
def credential_page(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    card = _card(inst, account.id, credential_id)
    return render(request, visitor, "credential.html", card=card)


@router.get("/credentials/{credential_id}/delete", response_class=HTMLResponse)
def delete_page(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    card = _card(inst, account.id, credential_id)
    return render(request, visitor, "credential_delete.html", card=card)


@router.post("/credentials/{credential_id}/delete", response_class=HTMLResponse)
def delete_credential(
    credential_id: str,
    inst: InstallationDep,
    account: CurrentAccount,
    form: CheckedForm,
) -> Response:
    """Deletes the credential from the wallet (the issuer's records are not touched)."""
    with inst.db.transaction() as tx:
        deleted = store.delete_credential(tx, account.id, credential_id)
    if not deleted:
        raise NotFoundError("you hold no credential with this id")
    return RedirectResponse("/credentials?deleted=1", status_code=303)


@router.get("/skills", response_class=HTMLResponse)
def skills_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    cards = _cards(inst, account.id)
    skills = skills_of(cards)
    return render(request, visitor, "skills.html", skills=skills, count=len(cards))
