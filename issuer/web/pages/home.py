"""HTML pages of the issuer: server-rendered, plain, readable without JavaScript.

==============================================  ==========  =====================================
``/``                                           public      the installation and its issuers
``/issuers/<slug>``                             public      an issuer: who, its DID, its place
``/issuers/<slug>/catalogue``                   public      achievements (+ the add form: staff)
``/issuers/<slug>/issue``                       staff       issue one, or offer it to a wallet
``/issuers/<slug>/upload[/<batch>]``            staff       CSV batch upload, its progress bar
``/issuers/<slug>/issued``                      staff       revoke, suspend, unsuspend
``/sign-in``, ``/sign-out``                     —           staff sign in with the API token
==============================================  ==========  =====================================

Staff sign in once with the installation's API token and then hold a signed session cookie
(:mod:`issuer.sessions`); every POST form carries the session's CSRF token (a missing or
wrong one is 403). The routes live in this module and in ``catalogue_pages``,
``issue_pages`` and ``batch_pages``; what they share is in :mod:`issuer.web.pages.base`.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from issuer.errors import IssuerError
from issuer.offers import oid4vci
from issuer.organisations import catalogue, identity
from issuer.settings import Settings
from issuer.web.deps import InstallationDep, SettingsDep
from issuer.web.pages import batches as batch_pages
from issuer.web.pages import catalogue as catalogue_pages
from issuer.web.pages import issue as issue_pages
from issuer.web.pages.base import (
    Visitor,
    VisitorDep,
    from_error,
    read_form,
    sessions_of,
)
from servicekit.pages import error_page, render
from servicekit.sessions import COOKIE, Sessions, load_or_create_secret

router = APIRouter(include_in_schema=False)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages to the app, with the installation's session signing secret."""
    app.state.sessions = Sessions(load_or_create_secret(settings.data_dir))
    for module_router in (
        router,
        catalogue_pages.router,
        issue_pages.router,
        batch_pages.router,
    ):
        app.include_router(module_router)


# --- public pages -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def front(
    request: Request, inst: InstallationDep, settings: SettingsDep, visitor: VisitorDep
) -> Response:
    did = identity.did_web_for(settings.base_url)
    issuers = catalogue.list_issuers(inst)
    return render(request, visitor, "front.html", settings=settings, did=did, issuers=issuers)


@router.get("/issuers/{slug}", response_class=HTMLResponse)
def issuer_home(
    slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    try:
        issuer = catalogue.get_issuer(inst, slug)
        achievements = catalogue.list_achievements(inst, slug)
    except IssuerError as exc:
        return from_error(request, visitor, exc)
    return render(
        request,
        visitor,
        "issuer.html",
        issuer=issuer,
        achievements=achievements,
        credential_issuer=oid4vci.issuer_identifier(inst, slug),
    )


# --- sign in and out --------------------------------------------------------------------------


def _set_session(response: Response, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, secure=True, samesite="strict", path="/")


def local_path(target: str | None) -> str:
    """Only a path on this site (never ``//host``, a scheme or a backslash): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in", response_class=HTMLResponse)
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


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    """The API token, compared in constant time, opens a new staff session."""
    form = await read_form(request)
    next_path = local_path(form.get("next"))
    if not sessions_of(request).csrf_ok(visitor.session, form.get("csrf")):
        detail = "The sign-in form is out of date. Open the sign-in page again."
        return error_page(request, visitor, 403, "Form refused", detail)
    expected: str = request.app.state.api_token
    if not hmac.compare_digest(form.get("token", "").encode(), expected.encode()):
        error = "That is not this installation's API token."
        return render(request, visitor, "sign_in.html", 403, next_path=next_path, error=error)
    _, cookie = sessions_of(request).new("staff", inst.now())
    response = RedirectResponse(next_path, status_code=303)
    _set_session(response, cookie)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request, visitor: VisitorDep) -> Response:
    form = await read_form(request)
    if not sessions_of(request).csrf_ok(visitor.session, form.get("csrf")):
        return error_page(request, visitor, 403, "Form refused", "Reload the page and retry.")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
