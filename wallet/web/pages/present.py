"""Pages to curate and share: presentations, share links, the log (use cases in
:mod:`wallet.sharing`). Verifiers' requests are in :mod:`wallet.web.pages.requests`.

==================================  ==========  ===========================================
``/presentations``                  learner     list; build one from chosen credentials
``/presentations/{id}``             learner     the signed JSON; download, share, delete
``/share-links``                    learner     links, their state; make one; withdraw
``/shared``                         learner     the log: what went to whom, when
``/s/{token}``                      public      a shared presentation in words, with a button
                                                that verifies it at the configured verifier;
                                                its JSON for ``Accept: application/json``
                                                (404 unknown, 410 gone)
==================================  ==========  ===========================================
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from servicekit.pages import page_router, render
from wallet.answering import match as answer_match
from wallet.answering import request as answer_request
from wallet.sharing import present, share
from wallet.views import share_log, shared
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep
from wallet.web.pages.base import json_download, pretty

router = page_router()


def wants_json(accept: str) -> bool:
    """The Accept header names JSON before (or without) HTML."""
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    for kind in kinds:
        if kind in ("application/json", "application/ld+json", "application/vp+ld+json"):
            return True
        if kind in ("text/html", "application/xhtml+xml"):
            return False
    return False


# --- presentations ----------------------------------------------------------------------------


@router.get("/presentations", response_class=HTMLResponse)
def presentations_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    rows = [
        (p, shared.names_of(p.document), shared.audience_words(p.audience))
        for p in present.all_of(inst, account)
    ]
    holdings = present.holdings(inst, account)
    return render(request, visitor, "presentations.html", rows=rows, holdings=holdings)


@router.post("/presentations", response_class=HTMLResponse)
def build_presentation(
    inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    record = present.build(
        inst,
        account,
        form.checked("c:"),
        challenge=form.get("challenge") or None,
        domain=form.get("domain") or None,
    )
    return RedirectResponse(f"/presentations/{record.id}", status_code=303)


@router.get("/presentations/{presentation_id}", response_class=HTMLResponse)
def presentation_page(
    presentation_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    record = present.get(inst, account, presentation_id)
    return render(
        request, visitor, "presentation.html", record=record, json_text=pretty(record.document),
        expiries=list(share.EXPIRY_CHOICES), names=shared.names_of(record.document),
        audience=shared.audience_words(record.audience),
    )  # fmt: skip


@router.get("/presentations/{presentation_id}/download")
def presentation_download(
    presentation_id: str, inst: InstallationDep, account: CurrentAccount
) -> Response:
    record = share.download(inst, account, presentation_id)
    return json_download(record.document, f"presentation-{record.id[:8]}.json")


@router.post("/presentations/{presentation_id}/delete", response_class=HTMLResponse)
def presentation_delete(
    presentation_id: str, inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    present.delete(inst, account, presentation_id)
    return RedirectResponse("/presentations", status_code=303)


@router.post("/presentations/{presentation_id}/share", response_class=HTMLResponse)
def presentation_share(
    presentation_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    new = share.create_link(
        inst, account, expiry=form.get("expiry"), presentation_id=presentation_id
    )
    return render(request, visitor, "share_created.html", new=new)


# --- share links and the log ------------------------------------------------------------------


@router.get("/share-links", response_class=HTMLResponse)
def share_links_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    now = inst.now()
    rows = [(link, share.status(link, now)) for link in share.links(inst, account)]
    return render(
        request, visitor, "share_links.html", rows=rows,
        holdings=present.holdings(inst, account), expiries=list(share.EXPIRY_CHOICES),
    )  # fmt: skip


@router.post("/share-links", response_class=HTMLResponse)
def share_links_create(
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    new = share.create_link(
        inst, account, expiry=form.get("expiry"), credential_ids=form.checked("c:")
    )
    return render(request, visitor, "share_created.html", new=new)


@router.post("/share-links/{link_id}/withdraw", response_class=HTMLResponse)
def share_link_withdraw(
    link_id: str, inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    share.withdraw(inst, account, link_id)
    return RedirectResponse("/share-links", status_code=303)


@router.get("/shared", response_class=HTMLResponse)
def share_log_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    names = {h.record.id: h.name for h in present.candidates(inst, account)}
    requesters = {
        r.id: answer_match.requester_of_record(r) for r in answer_request.all_of(inst, account)
    }
    lines = share_log.lines_of(share.log(inst, account), names, requesters)
    return render(request, visitor, "share_log.html", entries=lines)


@router.get("/s/{token}", response_class=HTMLResponse)
def shared_presentation(
    token: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    """Public: whoever holds the link sees the presentation in words (and a button to
    verify it); a client asking for JSON first (``Accept``, as a verifier fetching the link
    does) gets the signed presentation itself. An unknown link is 404, a withdrawn or
    expired one 410 (the error page)."""
    link, record = share.open_link(inst, token)
    if wants_json(request.headers.get("accept", "")):
        response: Response = JSONResponse(record.document)
    else:
        response = render(
            request, visitor, "shared_public.html", link=link, json_text=pretty(record.document),
            items=shared.items_of(record.document),
            verify_url=shared.verify_url(inst.settings.verifier_url, str(request.url)),
            verifier=inst.settings.verifier_url,
        )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
