"""The learner's credentials as pages: the cards, one credential in full, its deletion,
and the skills view.

==================================  =======  =============================================
``/credentials``                    learner  a card per credential, with its verdict badge
``/credentials/{id}``               learner  every field, the named checks, the raw credential
                                             (a CLR: as a transcript, ``_transcript.html``)
``/credentials/{id}/delete``        learner  GET: what will go; POST (CSRF): delete it
``/skills``                         learner  the aligned skills of all credentials
==================================  =======  =============================================

Another learner's credential id is a 404, whatever the route. Verdicts come from the
report stored with each credential (see ``wallet.views.cards``); these pages never verify.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.pages import page_router, render
from wallet.receiving import kept
from wallet.views import held
from wallet.views.skills import skills_of
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep

router = page_router()


@router.get("/credentials", response_class=HTMLResponse)
def cards_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    cards = held.cards(inst, account.id)
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
    card = held.card(inst, account.id, credential_id)
    transcript = held.transcript(inst, account.id, credential_id)
    return render(request, visitor, "credential.html", card=card, transcript=transcript)


@router.get("/credentials/{credential_id}/delete", response_class=HTMLResponse)
def delete_page(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    card = held.card(inst, account.id, credential_id)
    return render(request, visitor, "credential_delete.html", card=card)


@router.post("/credentials/{credential_id}/delete", response_class=HTMLResponse)
def delete_credential(
    credential_id: str,
    inst: InstallationDep,
    account: CurrentAccount,
    form: CheckedForm,
) -> Response:
    """Deletes the credential from the wallet (the issuer's records are not touched)."""
    kept.delete(inst, account.id, credential_id)
    return RedirectResponse("/credentials?deleted=1", status_code=303)


@router.get("/skills", response_class=HTMLResponse)
def skills_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    cards = held.cards(inst, account.id)
    skills = skills_of(cards)
    return render(request, visitor, "skills.html", skills=skills, count=len(cards))
