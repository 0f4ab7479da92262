"""The learner's side of the Open Badges host: the consent page of the authorization request
(OB 3.0 §7.1.2), the connected applications on the account page, and the privacy page the
Service Description Document names.

==================================  ========  =============================================
``/oauth/authorize``                learner   GET: who asks for what, Allow / Deny;
                                              POST (+ CSRF): the answer, back to the client
``/account/connections/{id}/revoke`` learner  POST: end a connected application's access
``/import/ob``                      learner   GET: the form; POST (+ CSRF): to the other host
``/import/ob/callback``             learner   the other host's answer: import, and what came
``/privacy``                        public    what the wallet keeps and shares, and with whom
==================================  ========  =============================================

An authorization request that names an unknown client or a redirect URI it did not register
is shown to the learner as an error page and never redirected (RFC 6749 §4.1.2.1); any other
bad request goes back to the client as ``error=…`` with its ``state``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicekit.headers import ANY_SITE, with_form_action
from servicekit.pages import page_router, render
from wallet.errors import NotFoundError, WalletError
from wallet.host import discovery, importing, oauth, scopes
from wallet.installation import Installation
from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep

router = page_router()


def _go(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _checked(
    inst: Installation, params: Mapping[str, str]
) -> oauth.AuthorizationRequest | Response:
    try:
        return oauth.authorization_request(inst, params)
    except oauth.RedirectError as refused:
        return _go(refused.url)


@router.get(discovery.AUTHORIZE, response_class=HTMLResponse)
def authorize_page(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    params = dict(request.query_params)
    if visitor.account is None:  # sign in first (the door before anything is looked up)
        back = discovery.AUTHORIZE + "?" + urlencode(params)
        return _go("/sign-in?" + urlencode({"next": back}))
    try:
        checked = _checked(inst, params)
    except oauth.NoRedirect as exc:
        return render(request, visitor, "error.html", 400, title="This request cannot be answered",
                      detail=str(exc))  # fmt: skip
    if isinstance(checked, Response):
        return checked
    client = checked.client
    target = urlsplit(checked.redirect_uri)
    page = render(
        request, visitor, "authorize.html",
        request_fields=checked.fields(), client=client, client_host=target.hostname,
        asked=scopes.describe(checked.scope),
    )  # fmt: skip
    # the answer (Allow or Deny) is a redirect to the client: the form may lead there
    page.headers.update(with_form_action(f"{target.scheme}://{target.netloc}"))
    return page


@router.post(discovery.AUTHORIZE, response_class=HTMLResponse)
def authorize(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep,
    form: CheckedForm,
) -> Response:  # fmt: skip
    params = {
        name: value for name, value in form.fields.items() if name not in ("csrf", "decision")
    }
    try:
        checked = _checked(inst, params)
    except oauth.NoRedirect as exc:
        return render(request, visitor, "error.html", 400, title="This request cannot be answered",
                      detail=str(exc))  # fmt: skip
    if isinstance(checked, Response):
        return checked
    if form.fields.get("decision") != "allow":
        return _go(oauth.deny(checked))
    return _go(oauth.approve(inst, account, checked))


@router.post("/account/connections/{grant_id}/revoke")
def revoke_connection(
    grant_id: str, inst: InstallationDep, account: CurrentAccount, form: CheckedForm
) -> Response:
    if not oauth.disconnect(inst, account, grant_id):
        raise NotFoundError("you have no such connected application")
    return _go("/account#connections")


@router.get(discovery.PRIVACY, response_class=HTMLResponse)
def privacy(request: Request, visitor: VisitorDep) -> Response:
    return render(request, visitor, "privacy.html")


def _sign_in_and_back(request: Request) -> Response:
    """To the sign-in page, and back to this very URL (query included) after it."""
    back = request.url.path + ("?" + request.url.query if request.url.query else "")
    return _go("/sign-in?" + urlencode({"next": back}))


def _import_form(
    request: Request, visitor: VisitorDep, status: int = 200, **context: str
) -> Response:
    page = render(request, visitor, "import_ob.html", status, **context)
    page.headers.update(with_form_action(*ANY_SITE))  # the form leads on to the named host
    return page


@router.get("/import/ob", response_class=HTMLResponse)
def import_page(request: Request, account: CurrentAccount, visitor: VisitorDep) -> Response:
    return _import_form(request, visitor, host_url="")


@router.post("/import/ob", response_class=HTMLResponse)
def start_import(
    request: Request, inst: InstallationDep, account: CurrentAccount, visitor: VisitorDep,
    form: CheckedForm,
) -> Response:  # fmt: skip
    host_url = form.fields.get("host", "")
    try:
        return _go(importing.start(inst, account, host_url))
    except WalletError as exc:
        return _import_form(request, visitor, 422, host_url=host_url[:500], error=str(exc))


@router.get(importing.CALLBACK, response_class=HTMLResponse)
def finish_import(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    if visitor.account is None:
        return _sign_in_and_back(request)
    record = importing.finish(inst, visitor.account, dict(request.query_params))
    again = importing.base_url_of(record)
    page = render(request, visitor, "imported.html", record=record, host_url=again)
    page.headers.update(with_form_action(*ANY_SITE))  # "start again" leads on to the host
    return page
