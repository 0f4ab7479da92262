"""Staff sign in with the installation's API token, and sign out.

A visitor without a session gets an anonymous one with the sign-in form (for its CSRF
token); the right token opens a new staff session (a signed cookie, :mod:`servicekit.sessions`).
Wrong tokens count per address: after 10 in 5 minutes the form answers 429 (``Retry-After``).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.organisations.access import token_ok
from issuer.web.deps import InstallationDep, Visitor, VisitorDep, sessions_of
from issuer.web.pages.base import check_csrf
from servicekit.forms import PostedForm
from servicekit.pages import page_router, render
from servicekit.ratelimit import address_key, limiter_of
from servicekit.sessions import COOKIE

router = page_router()


def _set_session(response: Response, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, secure=True, samesite="strict", path="/")


def local_path(target: str | None) -> str:
    """Only a path on this site (never ``//host``, a scheme or a backslash): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in")
def sign_in_page(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    """The sign-in form; a visitor without a session gets an anonymous one (for its CSRF)."""
    next_path = local_path(request.query_params.get("next"))
    if visitor.session is not None:
        return render(request, visitor, "sign_in.html", next_path=next_path)
    session, cookie = sessions_of(request).new("anonymous", inst.now())
    fresh = Visitor(session, sessions_of(request).csrf_token(session))
    response = render(request, fresh, "sign_in.html", next_path=next_path)
    _set_session(response, cookie)
    return response


@router.post("/sign-in")
def sign_in(
    request: Request, inst: InstallationDep, visitor: VisitorDep, posted: PostedForm
) -> Response:
    """The API token, compared in constant time, opens a new staff session (a wrong one is
    counted in the database: a plain ``def``, off the event loop)."""
    form = posted.fields
    next_path = local_path(form.get("next"))
    check_csrf(
        request, visitor, form, "The sign-in form is out of date. Open the sign-in page again."
    )
    limiter, keys = limiter_of(request), address_key(request)
    limiter.check(keys, inst.now())  # 429 after 10 wrong tokens in 5 minutes
    expected: str = request.app.state.api_token_hash  # only the hash is kept
    if not token_ok(expected, form.get("token", "")):
        limiter.failed(keys, inst.now())
        error = "That is not this installation's API token."
        return render(request, visitor, "sign_in.html", 403, next_path=next_path, error=error)
    _, cookie = sessions_of(request).new("staff", inst.now())
    response = RedirectResponse(next_path, status_code=303)
    _set_session(response, cookie)
    return response


@router.post("/sign-out")
def sign_out(request: Request, visitor: VisitorDep, posted: PostedForm) -> Response:
    form = posted.fields
    check_csrf(request, visitor, form, "Reload the page and retry.")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
