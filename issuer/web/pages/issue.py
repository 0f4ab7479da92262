"""Staff pages: issue one credential (or offer it to a wallet), and the issued list with
revoke, suspend and unsuspend (each change confirmed on a second page first).

Issuing to a recipient DID or email shows the signed credential and its download link. An
OpenID4VCI offer (pre-authorized code, optional transaction code) is the other delivery: the
wallet that redeems it proves its key, and that key's DID becomes the recipient; so the
offer page shows the offer link and its QR code instead of a credential.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from issuer import store
from issuer.errors import IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import issuance
from issuer.offers import oid4vci
from issuer.organisations import catalogue
from issuer.status import lists as status
from issuer.web.deps import InstallationDep
from issuer.web.pages.base import (
    FORMAT_NAMES,
    Visitor,
    VisitorDep,
    from_error,
    issuer_page,
    read_form,
    refused,
    sign_in_first,
)
from servicekit.pages import error_page, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
ACTIONS = {
    "revoke": ("revocation", True),
    "suspend": ("suspension", True),
    "unsuspend": ("suspension", False),
}
DONE_WORDS = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "unsuspended"}
OFFER_ONLY = {"ecdsa-sd-2023": oid4vci.LDP_SD, "sd-jwt-vc": oid4vci.SD_JWT}


# --- issue one --------------------------------------------------------------------------------


def _form_page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    context.setdefault("values", {"achievement": request.query_params.get("achievement")})
    return issuer_page(
        request, inst, visitor, slug, "issue.html", status_code, formats=FORMAT_NAMES, **context
    )


@router.get("/issuers/{slug}/issue", response_class=HTMLResponse)
def issue_page(slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    return _form_page(request, inst, visitor, slug)


def recipient_of(text: str) -> tuple[str | None, str | None]:
    """(DID, email) from the one recipient field; (None, None) when it is neither."""
    if text.startswith("did:"):
        return text, None
    if "@" in text:
        return None, text
    return None, None


def _offer(
    request: Request, inst: Installation, visitor: Visitor, slug: str, form: Mapping[str, str]
) -> Response:
    """OID4VCI §4.1: a Credential Offer of the achievement; shown once with its QR code.
    A selective-disclosure format chosen on the form is the only one offered."""
    chosen = OFFER_ONLY.get(form.get("format", ""))
    offer = oid4vci.create_offer(
        inst,
        slug,
        form["achievement"],
        tx_code=form.get("tx_code") == "on",
        configuration_ids=None if chosen is None else [chosen],
        learner=_learner(form),
    )
    return render(
        request,
        visitor,
        "offer.html",
        201,
        issuer=catalogue.get_issuer(inst, slug),
        achievement=catalogue.get_achievement(inst, slug, form["achievement"]),
        offer=offer,
        qr=oid4vci.qr_svg(offer.by_reference),
    )


def _learner(form: Mapping[str, str]) -> dict[str, str | None]:
    """The optional learner data of the form (empty fields left out)."""
    return {name: form.get(name, "").strip() or None for name in oid4vci.LEARNER_FIELDS}


def _issue(
    request: Request, inst: Installation, visitor: Visitor, slug: str, form: Mapping[str, str]
) -> Response:
    did, email = recipient_of(form.get("recipient", ""))
    if did is None and email is None:
        error = "Give the recipient as a DID (did:key:…, did:web:…) or an email address."
        return _form_page(request, inst, visitor, slug, 422, values=form, error=error)
    learner = _learner(form)
    record = issuance.issue_credential(
        inst,
        issuance.IssueRequest(
            issuer=slug,
            achievement=form["achievement"],
            recipient_did=did,
            recipient_email=email,
            format=form.get("format") or "eddsa-rdfc-2022",
            suspension=form.get("suspension") == "on",
            recipient_name=learner["recipient_name"],
            date_of_birth=learner["date_of_birth"],
            grade=learner["grade"],
        ),
    )
    document = record.document
    shown = document if isinstance(document, str) else json.dumps(document, indent=2)
    return render(
        request,
        visitor,
        "credential.html",
        201,
        issuer=catalogue.get_issuer(inst, slug),
        record=record,
        shown=shown,
        download=f"/credentials/{record.token}",
        format_name=FORMAT_NAMES.get(record.format, record.format),
    )


@router.post("/issuers/{slug}/issue", response_class=HTMLResponse)
async def issue(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    form = await read_form(request)
    refusal = refused(request, visitor, form)
    if refusal is not None:
        return refusal
    if not form.get("achievement"):
        error = "Choose an achievement."
        return _form_page(request, inst, visitor, slug, 422, values=form, error=error)
    try:
        catalogue.get_issuer(inst, slug)
        if form.get("delivery") == "offer":
            return _offer(request, inst, visitor, slug, form)
        return _issue(request, inst, visitor, slug, form)
    except NotFoundError as exc:
        if str(exc).startswith("no issuer"):
            return from_error(request, visitor, exc)
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))
    except IssuerError as exc:
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))


# --- the issued list and status changes ---------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    record: store.CredentialRecord
    achievement: str
    state: str  # active, suspended, revoked
    actions: tuple[str, ...]  # what applies now


def issued_view(
    inst: Installation, record: store.CredentialRecord, names: Mapping[str, str]
) -> Issued:
    """The credential's state and the actions that apply. An Open Badge issued with
    suspension has one (suspension) status entry; revoking it sets that bit for good."""
    bits = status.status_of(inst, record.id)
    actions: tuple[str, ...]
    if record.revoked is not None:
        state, actions = "revoked", ()
    elif bits.get("suspension"):
        state, actions = "suspended", ("unsuspend", "revoke")
    else:
        state = "active"
        actions = ("suspend", "revoke") if "suspension" in bits else ("revoke",)
    key = record.achievement or ""
    return Issued(record, names.get(key, key or "(credential from the VC-API)"), state, actions)


def _names(inst: Installation, slug: str) -> dict[str, str]:
    return {a.id: str(a.achievement.get("name")) for a in catalogue.list_achievements(inst, slug)}


@router.get("/issuers/{slug}/issued", response_class=HTMLResponse)
def issued_page(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    page = request.query_params.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    try:
        issuer = catalogue.get_issuer(inst, slug)
        names = _names(inst, slug)
        offset = (number - 1) * PAGE_SIZE
        records = issuance.list_issued(inst, slug, limit=PAGE_SIZE + 1, offset=offset)
    except IssuerError as exc:
        return from_error(request, visitor, exc)
    done = request.query_params.get("done", "")
    return render(
        request,
        visitor,
        "issued.html",
        issuer=issuer,
        page=number,
        rows=[issued_view(inst, r, names) for r in records[:PAGE_SIZE]],
        more=len(records) > PAGE_SIZE,
        done=DONE_WORDS.get(done),
        done_id=request.query_params.get("credential", "")[:200],
    )


def _credential_of(inst: Installation, slug: str, credential_id: str) -> store.CredentialRecord:
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, credential_id)
    if record is None or record.issuer != slug:
        raise NotFoundError(f"issuer {slug!r} has no credential {credential_id[:100]!r}")
    return record


@router.post("/issuers/{slug}/issued", response_class=HTMLResponse)
async def change_status(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    """Revoke, suspend or unsuspend: first a confirmation page, then (confirmed=yes) the
    change, and back to the list saying what was done."""
    form = await read_form(request)
    refusal = refused(request, visitor, form)
    if refusal is not None:
        return refusal
    action = form.get("action", "")
    if action not in ACTIONS:
        detail = "Use revoke, suspend or unsuspend."
        return error_page(request, visitor, 400, "Unknown action", detail)
    try:
        issuer = catalogue.get_issuer(inst, slug)
        record = _credential_of(inst, slug, form.get("credential", ""))
        row = issued_view(inst, record, _names(inst, slug))
        if action not in row.actions:
            detail = f"The credential is {row.state}; it cannot be {DONE_WORDS[action]}."
            return error_page(request, visitor, 409, "Not possible now", detail)
        if form.get("confirmed") != "yes":
            return render(request, visitor, "confirm.html", issuer=issuer, action=action, row=row)
        purpose, value = ACTIONS[action]
        status.set_status(inst, record.id, purpose, value)
    except IssuerError as exc:
        return from_error(request, visitor, exc)
    query = urlencode({"done": action, "credential": record.id})
    return RedirectResponse(f"/issuers/{slug}/issued?{query}", status_code=303)
