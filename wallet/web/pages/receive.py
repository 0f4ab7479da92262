"""Pages to receive credentials and re-check them (use cases in
:mod:`wallet.receiving.receive`; the background re-check is
:mod:`wallet.receiving.background`, run by app.py).

===================================  ==========  ==========================================
``/receive``                         learner     three ways in: an offer, a file, pasted text;
                                                the offers still waiting, by name and issuer;
                                                ``?offer=`` fills the offer in (the issuer's
                                                "open in the demo wallet" link)
``/receive/offer``                   learner     POST: an offer link / QR text / JSON
``/receive/offers/{offer_id}``       learner     GET: ask for the transaction code; POST: redeem
``/receive/upload``                  learner     POST (multipart): JSON, VC-JWT, baked PNG/SVG
``/receive/paste``                   learner     POST: pasted JSON or VC-JWT
``/receive/done/{credential_id}``    learner     what arrived, from whom, how it checked, whose
                                                it is (the issuer's DID and the named checks
                                                in a technical fold)
``/credentials/{id}/recheck``        learner     POST: verify one credential again
===================================  ==========  ==========================================

Verifying all of them again runs in the background: :mod:`wallet.web.pages.recheck`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.pages import page_router, render
from wallet.accounts import AccountRecord
from wallet.errors import NotFoundError, WalletError
from wallet.installation import Installation
from wallet.receiving import kept, receive
from wallet.receiving.offer_words import offer_words
from wallet.views import held
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, Visitor, VisitorDep
from wallet.web.pages.base import local_path
from wallet.web.problems import status_of

router = page_router()


# --- receiving ---------------------------------------------------------------------------------


def _receive_page(
    request: Request, visitor: Visitor, status: int = 200, **context: Any
) -> Response:
    context.setdefault("values", {})
    inst: Installation = request.app.state.inst
    waiting = []
    if visitor.account is not None:
        for offer in receive.list_offers(inst, visitor.account.id):
            if offer.state != "redeemed":
                waiting.append((offer, offer_words(offer.offer)))
    return render(request, visitor, "receive.html", status, waiting=waiting, **context)


def _refused(request: Request, visitor: Visitor, exc: WalletError, **values: str) -> Response:
    status, title = status_of(exc)
    return _receive_page(request, visitor, status, error=str(exc), title=title, values=values)


def _done(record_id: str) -> Response:
    return RedirectResponse(f"/receive/done/{record_id}", status_code=303)


@router.get("/receive", response_class=HTMLResponse)
def receive_page(request: Request, account: CurrentAccount, visitor: VisitorDep) -> Response:
    offer = request.query_params.get("offer", "")[:4000]
    return _receive_page(request, visitor, values={"offer": offer} if offer else {})


@router.post("/receive/offer", response_class=HTMLResponse)
def receive_offer(
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    text = form.get("offer")
    try:
        offer = receive.start_offer(inst, account, text)
        if receive.needs_tx_code(offer) is not None and not form.get("tx_code"):
            return RedirectResponse(f"/receive/offers/{offer.id}", status_code=303)
        got = receive.redeem_offer(inst, account, offer.id, tx_code=form.get("tx_code") or None)
    except WalletError as exc:
        return _refused(request, visitor, exc, offer=text[:4000])
    return _done(got.record.id)


def _offer_page(
    request: Request,
    inst: Installation,
    account: AccountRecord,
    visitor: Visitor,
    offer_id: str,
    status: int = 200,
    error: str | None = None,
) -> Response:
    offer = receive.get_offer(inst, account.id, offer_id)
    prompt = receive.needs_tx_code(offer)
    words = offer_words(offer.offer)
    return render(
        request, visitor, "receive_offer.html", status,
        offer=offer, prompt=prompt, error=error, words=words,
    )  # fmt: skip


@router.get("/receive/offers/{offer_id}", response_class=HTMLResponse)
def offer_page(
    offer_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    return _offer_page(request, inst, account, visitor, offer_id)


@router.post("/receive/offers/{offer_id}", response_class=HTMLResponse)
def redeem_offer(
    offer_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    try:
        got = receive.redeem_offer(inst, account, offer_id, tx_code=form.get("tx_code") or None)
    except NotFoundError:
        raise
    except WalletError as exc:
        status, _ = status_of(exc)
        return _offer_page(request, inst, account, visitor, offer_id, status, str(exc))
    return _done(got.record.id)


@router.post("/receive/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    if form.file is None:
        return _receive_page(request, visitor, 422, error="Choose a file to upload.")
    try:
        got = receive.receive_file(inst, account, form.file, filename=form.filename)
    except WalletError as exc:
        return _refused(request, visitor, exc)
    return _done(got.record.id)


@router.post("/receive/paste", response_class=HTMLResponse)
def paste(
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    text = form.get("credential")
    try:
        got = receive.receive_text(inst, account, text)
    except WalletError as exc:
        return _refused(request, visitor, exc, credential=text[:20000])
    return _done(got.record.id)


@router.get("/receive/done/{credential_id}", response_class=HTMLResponse)
def received(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    record = kept.get(inst, account.id, credential_id)
    card = held.card(inst, account.id, credential_id)
    return render(request, visitor, "received.html", credential=record, card=card)


# --- re-checking -------------------------------------------------------------------------------


@router.post("/credentials/{credential_id}/recheck", response_class=HTMLResponse)
def recheck(
    credential_id: str, inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    receive.recheck(inst, account.id, credential_id)
    target = form.get("next") or f"/receive/done/{credential_id}"
    return RedirectResponse(local_path(target), status_code=303)
