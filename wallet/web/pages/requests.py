"""Pages to answer verifiers' requests (use cases in :mod:`wallet.answering`).

==================================  ==========  ===========================================
``/requests``                       learner     paste an OpenID4VP link / VC-API request
``/requests/{id}``                  learner     what matches; choose; preview exactly
``/requests/{id}/prepare``          learner     POST: the answer, previewed before it goes
``/requests/{id}/send``             learner     POST: direct_post to the verifier, once
``/requests/{id}/download``         learner     POST: the VC-API answer as a file, once
==================================  ==========  ===========================================
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.forms import Form
from servicekit.pages import page_router, render
from wallet.answering import answer
from wallet.answering import match as answer_match
from wallet.answering import request as answer_request
from wallet.views import disclosure
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep
from wallet.web.pages.base import json_download, pretty
from wallet.web.pages.disclose import shown_of

router = page_router()


# --- verifiers' requests ----------------------------------------------------------------------


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    records = answer_request.all_of(inst, account)
    rows = [(r, answer_match.requester_of_record(r)) for r in records]
    return render(request, visitor, "requests.html", rows=rows)


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
    listings = disclosure.request_listings(request_view)
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
    fields = {k: v for k, v in shown_of(form).items() if k in picked}
    prepared = answer.prepare(inst, account, request_id, choices, fields)
    request_view = answer_match.view(inst, account, request_id)
    documents = {qid: [r.document for r in records] for qid, records in prepared.items()}
    ids = {qid: ",".join(r.id for r in records) for qid, records in prepared.items()}
    state = request_view.record.request.get("state")
    shown = documents["all"][0] if "all" in documents else documents
    return render(
        request, visitor, "request_preview.html", view=request_view, ids=ids,
        json_text=pretty(shown), state=state, readable=disclosure.readable(documents),
        hidden=disclosure.hidden_of(inst, account, fields),
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
    return json_download(document, f"presentation-{request_id[:8]}.json")
