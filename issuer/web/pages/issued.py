"""Staff page: the issued list, with revoke, suspend and unsuspend (each change confirmed on a
second page first). What applies to each credential is :mod:`issuer.status.issued`. A
revocation needs a reason (the issuer's words, shown to the learner: printable text only,
:func:`servicekit.text.is_printable`) and its kind (a code of :mod:`issuer.status.reasons`).

Each row names the learner (:func:`issuer.status.recipients.recipient_name`); ``?q=`` searches
names, identifiers, achievements and credential ids, ``?state=`` (active, suspended, revoked)
and ``?achievement=`` (an achievement id of the issuer) filter; unknown values filter nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.organisations import catalogue
from issuer.status import issued, reasons
from issuer.web.deps import InstallationDep, VisitorDep
from issuer.web.pages.base import check_form, sign_in_first
from servicekit.forms import PostedForm
from servicekit.pages import page_router, render
from servicekit.problems import Problem
from servicekit.text import PRINTABLE_RULE, is_printable

router = page_router()

PAGE_SIZE = 50


@router.get("/issuers/{slug}/issued")
def issued_page(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    page = request.query_params.get("page", "1")
    plain = page.isascii() and page.isdigit() and len(page) <= 5  # "²".isdigit() is True
    number = int(page) if plain and 0 < int(page) < 100_000 else 1
    issuer = catalogue.get_issuer(inst, slug)
    offset = (number - 1) * PAGE_SIZE
    names = issued.achievement_names(inst, slug)
    asked = request.query_params
    state = asked.get("state", "")
    achievement = asked.get("achievement", "")
    wanted = issued.Filter(
        query=" ".join(asked.get("q", "").split())[:200],
        state=state if state in issued.STATES else "",
        achievement=achievement if achievement in names else "",
    )
    rows = issued.found_page(inst, slug, wanted, limit=PAGE_SIZE + 1, offset=offset)
    done = request.query_params.get("done", "")
    return render(
        request,
        visitor,
        "issued.html",
        issuer=issuer,
        page=number,
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        done=issued.DONE_WORDS.get(done),
        done_id=request.query_params.get("credential", "")[:200],
        wanted=wanted,
        achievements=sorted(names.items(), key=lambda item: item[1]),
        states=issued.STATES,
        searched=issued.SEARCHED,
        paging=urlencode(
            {k: v for k, v in (("q", wanted.query), ("state", wanted.state),
                               ("achievement", wanted.achievement)) if v}
        ),
    )  # fmt: skip


def _confirm(
    request: Request,
    visitor: Any,
    issuer: Any,
    action: str,
    row: issued.Issued,
    form: Mapping[str, str],
    error: str | None = None,
) -> Response:
    """The confirmation page (400 with ``error`` when the reason given was not usable)."""
    return render(
        request, visitor, "confirm.html", 400 if error else 200,
        issuer=issuer, action=action, row=row, error=error,
        reasons=reasons.REASONS, reason=form.get("reason", "")[:500],
        reason_code=form.get("reason_code", reasons.DEFAULT_CODE),
    )  # fmt: skip


@router.post("/issuers/{slug}/issued")
def change_status(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    """Revoke, suspend or unsuspend: first a confirmation page, then (confirmed=yes) the
    change, and back to the list saying what was done."""
    form = posted.fields
    check_form(request, visitor, form)
    action = form.get("action", "")
    if action not in issued.ACTIONS:
        raise Problem(400, "Unknown action", "Use revoke, suspend or unsuspend.", "bad-input")
    issuer = catalogue.get_issuer(inst, slug)
    row = issued.issued_one(inst, slug, form.get("credential", ""))
    if action not in row.actions:
        detail = f"The credential is {row.state}; it cannot be {issued.DONE_WORDS[action]}."
        raise Problem(409, "Not possible now", detail, "conflict")
    if form.get("confirmed") != "yes":
        return _confirm(request, visitor, issuer, action, row, form)
    if action == "revoke":  # every revocation says why (the learner's wallet shows it)
        reason = " ".join(form.get("reason", "").split())
        code = form.get("reason_code", "")
        if not reason or len(reason) > reasons.MAX_REASON_CHARS or code not in reasons.REASONS:
            error = f"Say why, in 1 to {reasons.MAX_REASON_CHARS} characters, and pick a kind."
            return _confirm(request, visitor, issuer, action, row, form, error)
        if not is_printable(reason):
            error = f"The reason {PRINTABLE_RULE}; the learner must see what it says."
            return _confirm(request, visitor, issuer, action, row, form, error)
        issued.apply(inst, row, action, reason=reason, code=code)
    else:
        issued.apply(inst, row, action)
    query = urlencode({"done": action, "credential": row.record.id})
    return RedirectResponse(f"/issuers/{slug}/issued?{query}", status_code=303)
