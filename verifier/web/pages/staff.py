"""The staff's own pages: sign in and out, and the organisation's API tokens.

==============================  ======  ======================================================
``/sign-in``                    public  GET the form (an anonymous session carries its CSRF
                                        token); POST email and password -> the session
``/sign-out``                   staff   POST: ends every session of the staff member
``/staff/tokens``               staff   GET the tokens (never their secrets); POST a new one,
                                        shown once
``/staff/tokens/{id}/revoke``   staff   POST: revoke one of the organisation's tokens
==============================  ======  ======================================================

Failed sign-ins count per address and per email (:mod:`servicekit.ratelimit`): after 10 in
5 minutes the form answers 429 with ``Retry-After``, before any password is checked.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from servicekit import passwords
from servicekit.pages import page_router, render
from servicekit.ratelimit import limiter_of, sign_in_keys
from servicekit.sessions import account_subject
from vckit.errors import InputError
from verifier.accounts import SCOPES, tokens
from verifier.accounts import staff as staff_accounts
from verifier.installation import Installation
from verifier.web.deps import (
    COOKIE,
    CheckedForm,
    InstallationDep,
    StaffMember,
    StaffVisitor,
    Visitor,
    sessions_of,
)

router = page_router()


def local_path(target: str | None) -> str:
    """Only a path on this site (never ``//host``, a scheme or a backslash): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/jobs"
    return target


def _set_session(response: Response, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, secure=True, samesite="strict", path="/")


def _form_page(
    request: Request, inst: Installation, visitor: StaffVisitor, status: int = 200, **context: Any
) -> Response:
    """The sign-in form; a visitor without a session gets an anonymous one (its CSRF token)."""
    if visitor.session is not None:
        return render(request, visitor, "sign_in.html", status, **context)
    sessions = sessions_of(request)
    session, cookie = sessions.new("anonymous", inst.now())
    fresh = StaffVisitor(session, None, sessions.csrf_token(session))
    response = render(request, fresh, "sign_in.html", status, **context)
    _set_session(response, cookie)
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, inst: InstallationDep, visitor: Visitor) -> Response:
    next_path = local_path(request.query_params.get("next"))
    return _form_page(request, inst, visitor, next_path=next_path)


@router.post("/sign-in")
def sign_in(
    request: Request, inst: InstallationDep, visitor: Visitor, form: CheckedForm
) -> Response:
    email, next_path = form.get("email"), local_path(form.get("next"))
    keys = sign_in_keys(request, passwords.normalise_email(email) or "-")
    limiter = limiter_of(request)
    limiter.check(keys, inst.now())
    try:
        member = staff_accounts.sign_in(inst, email, form.get("password"))
    except staff_accounts.SignInRefused as exc:
        limiter.failed(keys, inst.now())
        return _form_page(
            request, inst, visitor, 401, error=str(exc), email=email, next_path=next_path
        )
    session, cookie = sessions_of(request).new(
        account_subject(member.id, member.session_epoch), inst.now()
    )
    response = RedirectResponse(next_path, status_code=303)
    _set_session(response, cookie)
    return response


@router.post("/sign-out")
def sign_out(inst: InstallationDep, member: StaffMember, form: CheckedForm) -> Response:
    staff_accounts.end_sessions(inst, member.id)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


def _tokens_page(
    request: Request, inst: Installation, visitor: StaffVisitor, status: int = 200, **extra: Any
) -> Response:
    member = visitor.staff
    org_id = member.organisation_id if member else ""
    return render(
        request, visitor, "tokens.html", status,
        organisation=staff_accounts.organisation(inst, org_id),
        tokens=tokens.list_tokens(inst, org_id), scopes=SCOPES, **extra,
    )  # fmt: skip


@router.get("/staff/tokens")
def tokens_page(
    request: Request, inst: InstallationDep, visitor: Visitor, member: StaffMember
) -> Response:
    return _tokens_page(request, inst, visitor)


@router.post("/staff/tokens")
def make_token(
    request: Request,
    inst: InstallationDep,
    visitor: Visitor,
    member: StaffMember,
    form: CheckedForm,
) -> Response:
    try:
        made, secret = tokens.add_token(
            inst, member.organisation_id, form.get("name"), form.checked("scope:")
        )
    except InputError as exc:
        return _tokens_page(request, inst, visitor, 400, error=str(exc))
    return _tokens_page(request, inst, visitor, 201, made=made, secret=secret)


@router.post("/staff/tokens/{token_id}/revoke")
def revoke_token(
    token_id: str, inst: InstallationDep, member: StaffMember, form: CheckedForm
) -> Response:
    tokens.revoke(inst, member.organisation_id, token_id)
    return RedirectResponse("/staff/tokens", status_code=303)
