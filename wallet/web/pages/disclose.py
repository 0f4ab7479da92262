"""The field page: what of a credential a verifier will see (use cases in
:mod:`wallet.sharing.disclose`, :mod:`wallet.sharing.share`).

=========================================  =======  ===========================================
``GET /credentials/{id}/disclose``         learner  one switch per field (locked ones checked,
                                                    disabled, with the reason); the preview of
                                                    exactly the JSON a verifier receives
``POST /credentials/{id}/disclose/share``  learner  a share link to the credential with the
                                                    chosen fields (CSRF)
=========================================  =======  ===========================================

Form fields. The page's own form is a GET (a preview changes nothing): ``chosen=1`` and one
``show=<JSON pointer>`` per switched-on field; without ``chosen`` every field is on (the
default: the learner switches off what to hide). The share form POSTs ``csrf``, ``expiry``,
``chosen=1`` and ``show:<pointer>=on`` per field. On a request's page (``/requests/{id}``)
each matching credential has the same switches, named ``show:<credential id>:<pointer>``,
with ``sd:<credential id>=1`` saying the form carries that credential's choice
(:func:`shown_of`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from servicekit.forms import Form
from servicekit.pages import page_router, render
from wallet.receiving import kept
from wallet.sharing import disclose, present, share
from wallet.sharing.disclose import Choice
from wallet.views import field_text
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep

router = page_router()


def preview_text(choice: Choice) -> str:
    """The preview as the page prints it (and as the tests compare it)."""
    return json.dumps(disclose.preview(choice), indent=2, ensure_ascii=False)


def shown_of(form: Form) -> dict[str, list[str]]:
    """A request form's choices: credential id -> the pointers switched on, for every
    credential whose ``sd:<id>`` marker the form carries."""
    out: dict[str, list[str]] = {
        name[3:]: [] for name, value in form.fields.items() if name.startswith("sd:") and value
    }
    for name in form.checked("show:"):
        credential_id, _, pointer = name.partition(":")
        if credential_id in out:
            out[credential_id].append(pointer)
    return out


@router.get("/credentials/{credential_id}/disclose", response_class=HTMLResponse)
def disclose_page(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
) -> Response:
    record = kept.get(inst, account.id, credential_id)
    chosen = request.query_params.get("chosen") == "1"
    show = request.query_params.getlist("show") if chosen else None
    choice = disclose.choose(record, show=show)
    credential: dict[str, Any] | None = disclose.credential_view(record.document)
    return render(
        request, visitor, "disclose.html", choice=choice, record=record,
        listing=field_text.listing(choice),
        title=present.display_name(credential, record), preview_text=preview_text(choice),
        expiries=list(share.EXPIRY_CHOICES),
    )  # fmt: skip


@router.post("/credentials/{credential_id}/disclose/share", response_class=HTMLResponse)
def disclose_share(
    credential_id: str,
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    show = None
    if form.get("chosen") == "1":
        show = form.checked("show:")
    new = share.create_chosen_link(
        inst, account, credential_id, show=show, expiry=form.get("expiry")
    )
    return render(request, visitor, "share_created.html", new=new)
