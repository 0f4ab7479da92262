"""Pages to curate and share: presentations, verifiers' requests, share links, the log.

==================================  ==========  ===========================================
``/presentations``                  learner     list; build one from chosen credentials
``/presentations/{id}``             learner     the signed JSON; download, share, delete
``/requests``                       learner     paste an OpenID4VP link / VC-API request
``/requests/{id}``                  learner     what matches; choose; preview exactly
``/requests/{id}/send``             learner     POST: direct_post to the verifier, once
``/requests/{id}/download``         learner     POST: the VC-API answer as a file, once
``/share-links``                    learner     links, their state; make one; withdraw
``/shared``                         learner     the log: what went to whom, when
``/s/{token}``                      public      a shared presentation (404 unknown, 410 gone)
==================================  ==========  ===========================================
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wallet import store
from wallet.answering import answer
from wallet.answering import match as answer_match
from wallet.answering import request as answer_request
from wallet.sharing import present, share
from wallet.sharing.share import ShareLinkGone
from wallet.web.deps import CurrentAccount, InstallationDep, VisitorDep
from wallet.web.pages import disclose as disclose_pages
from wallet.web.pages.base import CheckedForm, Form, error_page, render

router = APIRouter(include_in_schema=False)


def pretty(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def _json_download(document: Any, filename: str) -> Response:
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- presentations ----------------------------------------------------------------------------


@router.get("/presentations", response_class=HTMLResponse)
def presentations_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:

    with inst.db.transaction() as tx:
        records = store.list_presentations(tx, account.id)
    holdings = present.holdings(inst, account)
    return render(request, visitor, "presentations.html", presentations=records, holdings=holdings)


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
        expiries=list(share.EXPIRY_CHOICES),
    )  # fmt: skip


@router.get("/presentations/{presentation_id}/download")
def presentation_download(
    presentation_id: str, inst: InstallationDep, account: CurrentAccount
) -> Response:
    record = present.get(inst, account, presentation_id)
    document = record.document
    ids = present.credential_ids_in(inst, account, document) if isinstance(document, dict) else []

    with inst.db.transaction() as tx:
        store.add_share_log(
            tx, account.id, kind="download", recipient=record.audience or "(downloaded file)",
            credential_ids=ids, at=inst.stamp(), detail={"presentation": record.id},
        )  # fmt: skip
    return _json_download(document, f"presentation-{record.id[:8]}.json")


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
    return render(request, visitor, "share_log.html", entries=share.log(inst, account))


@router.get("/s/{token}", response_class=HTMLResponse)
def shared_presentation(
    token: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    """Public: whoever holds the link sees the presentation (and where to verify it)."""
    try:
        link, record = share.open_link(inst, token)
    except ShareLinkGone as exc:
        return error_page(request, visitor, 410, "This link is no longer shared", str(exc))
    response = render(
        request, visitor, "shared_public.html", link=link, json_text=pretty(record.document)
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- verifiers' requests ----------------------------------------------------------------------


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:

    with inst.db.transaction() as tx:
        records = store.list_requests(tx, account.id)
    return render(request, visitor, "requests.html", records=records)


@router.post("/requests", response_class=HTMLResponse)
def requests_open(inst: InstallationDep, account: CurrentAccount, form: CheckedForm) -> Response:
    record = answer_request.open_request(inst, account, form.get("request"))
    return RedirectResponse(f"/requests/{record.id}", status_code=303)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(
    request_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    request_view = answer_match.view(inst, account, request_id)
    listings = disclose_pages.request_listings(request_view)
    return render(request, visitor, "request.html", view=request_view, listings=listings)


def _choices(form: Form) -> dict[str, list[str]]:
    """``q:<query>`` = credential id (one) and ``c:<query>:<credential>`` checkboxes."""
    out: dict[str, list[str]] = {}
    for name, value in form.fields.items():
        if name.startswith("q:") and value:
            out.setdefault(name[2:], []).append(value)
        elif name.startswith("c:"):
            query_id, _, credential_id = name[2:].rpartition(":")
            out.setdefault(query_id, []).append(credential_id)
    return out


@router.post("/requests/{request_id}/prepare", response_class=HTMLResponse)
def request_prepare(
    request_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    choices = _choices(form)
    picked = {c for ids in choices.values() for c in ids}
    fields = {k: v for k, v in disclose_pages.shown_of(form).items() if k in picked}
    prepared = answer.prepare(inst, account, request_id, choices, fields)
    request_view = answer_match.view(inst, account, request_id)
    documents = {qid: [r.document for r in records] for qid, records in prepared.items()}
    ids = {qid: ",".join(r.id for r in records) for qid, records in prepared.items()}
    state = request_view.record.request.get("state")
    shown = documents["all"][0] if "all" in documents else documents
    return render(
        request, visitor, "request_preview.html", view=request_view, ids=ids,
        json_text=pretty(shown), state=state, readable=disclose_pages.readable(documents),
        hidden=disclose_pages.hidden_of(inst, account, fields),
        response_uri=request_view.record.request.get("response_uri")
        or request_view.verifier.removeprefix("redirect_uri:"),
    )  # fmt: skip


@router.post("/requests/{request_id}/send", response_class=HTMLResponse)
def request_send(
    request_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    ids = {
        name[2:]: [i for i in value.split(",") if i]
        for name, value in form.fields.items()
        if name.startswith("p:")
    }
    result = answer.send(inst, account, request_id, ids)
    status = 200 if result.accepted else 502
    return render(request, visitor, "request_sent.html", status, result=result)


@router.post("/requests/{request_id}/download")
def request_download(
    request_id: str, inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    document = answer.download(inst, account, request_id, form.get("presentation"))
    return _json_download(document, f"presentation-{request_id[:8]}.json")
