"""Staff page: the registrar issues a learner's CLR 2.0 of a programme (:mod:`issuer.issuing.clr`).

The form lists the catalogue's programmes (achievements with courses); the result is the
credential page, with the signed ClrCredential and its download link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from issuer.errors import IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import clr
from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep, Visitor, VisitorDep
from issuer.web.pages.base import check_form, issuer_page, sign_in_first
from issuer.web.pages.issue import issued_page
from servicekit.forms import PostedForm
from servicekit.pages import page_router

router = page_router()

CLR_FORMAT_NAMES = {
    "eddsa-rdfc-2022": "CLR 2.0, Data Integrity eddsa-rdfc-2022 (Ed25519)",
    "clr-jwt": "CLR 2.0 VC-JWT (RS256)",
}


def _form_page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    context.setdefault("values", {"programme": request.query_params.get("programme")})
    return issuer_page(
        request, inst, visitor, slug, "clr_issue.html", status_code,
        formats=CLR_FORMAT_NAMES, **context,
    )  # fmt: skip


@router.get("/issuers/{slug}/clr")
def clr_page(slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    return _form_page(request, inst, visitor, slug)


def _issue(
    request: Request, inst: Installation, visitor: Visitor, slug: str, form: Mapping[str, str]
) -> Response:
    record = clr.issue_clr(
        inst,
        clr.ClrRequest(
            issuer=slug,
            programme=form.get("programme", ""),
            recipient_did=form.get("recipient", "").strip(),
            format=form.get("format") or "eddsa-rdfc-2022",
        ),
    )
    name = CLR_FORMAT_NAMES.get(form.get("format") or "eddsa-rdfc-2022", record.format)
    return issued_page(request, inst, visitor, slug, record, name)


@router.post("/issuers/{slug}/clr")
def issue_clr(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    form = posted.fields
    check_form(request, visitor, form)
    if not form.get("programme"):
        return _form_page(
            request, inst, visitor, slug, 422, values=form, error="Choose a programme."
        )
    try:
        catalogue.get_issuer(inst, slug)
        return _issue(request, inst, visitor, slug, form)
    except NotFoundError as exc:
        if str(exc).startswith("no issuer"):
            raise
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))
    except IssuerError as exc:
        return _form_page(request, inst, visitor, slug, 422, values=form, error=str(exc))
