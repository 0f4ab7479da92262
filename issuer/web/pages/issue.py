"""Staff page: issue one credential, or offer it to a wallet.

Issuing to a recipient DID or email shows the signed credential and its download link. An
OpenID4VCI offer (pre-authorized code, optional transaction code) is the other delivery: the
wallet that redeems it proves its key, and that key's DID becomes the recipient; so the
offer page shows the offer link and its QR code instead of a credential.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from issuer.errors import IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import issuance
from issuer.offers import oid4vci
from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep, Visitor, VisitorDep
from issuer.web.pages.base import FORMAT_NAMES, check_form, issuer_page, sign_in_first
from servicekit.forms import PostedForm
from servicekit.pages import page_router, render

router = page_router()

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


@router.get("/issuers/{slug}/issue")
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
        wallet_link=demo_wallet_link(
            request.app.state.settings.demo_wallet_url, offer.by_reference
        ),
    )


def demo_wallet_link(wallet_url: str | None, offer_link: str) -> str | None:
    """The demo wallet's receive page with the offer filled in (``LER_WALLET_URL``)."""
    if not wallet_url:
        return None
    return f"{wallet_url.rstrip('/')}/receive?{urlencode({'offer': offer_link})}#offer"


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
    return issued_page(
        request, inst, visitor, slug, record, FORMAT_NAMES.get(record.format, record.format)
    )


def issued_page(
    request: Request, inst: Installation, visitor: Visitor, slug: str,
    record: issuance.CredentialRecord, format_name: str,
) -> Response:  # fmt: skip
    """The page of a credential just issued (one credential, a CLR): shown, downloadable."""
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
        format_name=format_name,
    )


@router.post("/issuers/{slug}/issue")
def issue(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    form = posted.fields
    check_form(request, visitor, form)
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
            raise  # the error page
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))
    except IssuerError as exc:
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))
