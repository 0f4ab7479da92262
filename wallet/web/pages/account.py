"""The wallet's account pages: sign up, sign in and out, the account (export, delete).
The learner's credentials are in :mod:`wallet.web.pages.credentials`; signing in leads there.

==============================  ==========  ===========================================
``/``                           public      what the wallet is; the learner's start page
``/sign-up``, ``/sign-in``      public      forms (an anonymous session carries the CSRF);
                                            10 failed sign-ins in 5 minutes (per address,
                                            per email) answer 429 with ``Retry-After``
``/sign-out``                   learner     POST: ends every session of the account
``/account``                    learner     the account: DID, export, delete
``/account/export``             learner     every record of the learner as one JSON file
``/account/delete``             learner     GET: what will go; POST (+ password): delete
==============================  ==========  ===========================================
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.pages import page_router, render
from servicekit.ratelimit import limiter_of, sign_in_keys
from servicekit.sessions import account_subject
from wallet import accounts
from wallet.accounts import AccountRecord
from wallet.errors import WalletError
from wallet.host import oauth, scopes
from wallet.installation import Installation
from wallet.web.deps import (
    NOBODY,
    CheckedForm,
    CurrentAccount,
    InstallationDep,
    Visitor,
    VisitorDep,
    sessions_of,
)
from wallet.web.pages.base import clear_session, local_path, set_session

router = page_router()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, visitor: VisitorDep) -> Response:
    return render(request, visitor, "home.html")


# --- sign up, sign in, sign out ---------------------------------------------------------------


def _with_anonymous_session(
    request: Request, inst: Installation, visitor: Visitor, name: str, **context: Any
) -> Response:
    """A form page; a visitor without a session gets an anonymous one (for the CSRF token)."""
    if visitor.session is not None:
        return render(request, visitor, name, **context)
    sessions = sessions_of(request)
    session, cookie = sessions.new("anonymous", inst.now())
    fresh = Visitor(session, None, sessions.csrf_token(session))
    response = render(request, fresh, name, **context)
    set_session(response, cookie)
    return response


def _signed_in(request: Request, inst: Installation, account: AccountRecord, to: str) -> Response:
    """A new session (a new id: no fixation) for the learner, and on to ``to``."""
    subject = account_subject(account.id, account.session_epoch)
    _, cookie = sessions_of(request).new(subject, inst.now())
    response = RedirectResponse(local_path(to), status_code=303)
    set_session(response, cookie)
    return response


@router.get("/sign-up", response_class=HTMLResponse)
def sign_up_page(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    return _with_anonymous_session(request, inst, visitor, "sign_up.html", values={})


@router.post("/sign-up", response_class=HTMLResponse)
def sign_up(
    request: Request, inst: InstallationDep, visitor: VisitorDep, form: CheckedForm
) -> Response:
    email = form.get("email")
    if form.get("password") != form.get("password_again"):
        error = "The two passwords differ."
        return render(request, visitor, "sign_up.html", 422, values={"email": email}, error=error)
    try:
        account = accounts.sign_up(inst, email, form.get("password"))
    except WalletError as exc:
        status = 409 if exc.code == "conflict" else 422
        values = {"email": email}
        return render(request, visitor, "sign_up.html", status, values=values, error=str(exc))
    return _signed_in(request, inst, account, "/credentials")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    next_path = local_path(request.query_params.get("next"))
    return _with_anonymous_session(request, inst, visitor, "sign_in.html", next_path=next_path)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request, inst: InstallationDep, visitor: VisitorDep, form: CheckedForm
) -> Response:
    next_path = local_path(form.get("next") or "/credentials")
    limiter, keys = limiter_of(request), sign_in_keys(request, form.get("email"))
    limiter.check(keys, inst.now())  # 429 after 10 failures in 5 minutes
    try:
        account = accounts.sign_in(inst, form.get("email"), form.get("password"))
    except WalletError as exc:
        limiter.failed(keys, inst.now())
        return render(
            request, visitor, "sign_in.html", 401,
            next_path=next_path, email=form.get("email"), error=str(exc),
        )  # fmt: skip
    return _signed_in(request, inst, account, next_path)


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(
    request: Request, inst: InstallationDep, visitor: VisitorDep, form: CheckedForm
) -> Response:
    """Ends every session of the learner (the cookie is stateless: the account's session
    epoch is counted up, so a copy of the cookie stops working too)."""
    if visitor.account is not None:
        accounts.end_sessions(inst, visitor.account.id)
    response = RedirectResponse("/", status_code=303)
    clear_session(response)
    return response


# --- the account -----------------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    return render(
        request, visitor, "account.html", account=account,
        connections=oauth.connections(inst, account), describe=scopes.describe,
    )  # fmt: skip


@router.get("/account/export")
def export(inst: InstallationDep, account: CurrentAccount) -> Response:
    """Everything the wallet keeps about the learner, as a JSON download."""
    data = accounts.export(inst, account.id)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="wallet-export.json"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/account/delete", response_class=HTMLResponse)
def delete_page(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep
) -> Response:
    counts = accounts.counts(inst, account.id)
    return render(request, visitor, "delete_account.html", account=account, counts=counts)


@router.post("/account/delete", response_class=HTMLResponse)
def delete_account(
    request: Request,
    inst: InstallationDep,
    account: CurrentAccount,
    visitor: VisitorDep,
    form: CheckedForm,
) -> Response:
    """Deletes the account and everything in it, once the learner's password confirms it."""
    try:
        accounts.sign_in(inst, account.email, form.get("password"))
    except WalletError:
        counts = accounts.counts(inst, account.id)
        error = "That is not your password; nothing was deleted."
        return render(
            request, visitor, "delete_account.html", 403,
            account=account, counts=counts, error=error,
        )  # fmt: skip
    accounts.delete_account(inst, account.id)  # a use-case error: the error page
    response = render(request, NOBODY, "deleted.html")
    clear_session(response)
    return response
