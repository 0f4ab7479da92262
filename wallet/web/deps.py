"""Dependencies named once (``Annotated`` aliases): settings, the installation, the visitor
(session, account, CSRF token), the signed-in learner and a page's checked form.

::

    from wallet.web.deps import CheckedForm, CurrentAccount, InstallationDep, VisitorDep

    @router.post("/credentials/{credential_id}/delete")
    def delete(credential_id: str, request: Request, inst: InstallationDep,
               account: CurrentAccount, visitor: VisitorDep, form: CheckedForm) -> Response:
        form.get("confirm"); form.file  # (bytes | None: the first file of a multipart form)

``CurrentAccount`` is the signed-in learner's account record; without one, a page route
answers 303 to ``/sign-in?next=<path>`` and a JSON route (under ``/api/``) answers 401
problem+json (app.py turns :class:`NotSignedIn` into either). A session whose account is
gone, or that was ended by a sign-out (an older session epoch), counts as no session.

``CheckedForm`` reads the form (:func:`servicekit.forms.read_form`) and refuses one without
this session's CSRF token with a 403 error page ("Form refused") before the route runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from servicekit.forms import Form, read_form
from servicekit.problems import Problem
from servicekit.sessions import Session, Sessions
from wallet import accounts
from wallet.accounts import AccountRecord
from wallet.installation import Installation
from wallet.settings import Settings

COOKIE = "ler_wallet_session"
FORM_REFUSED = "The form's security token is missing or out of date. Reload the page and retry."


class NotSignedIn(Exception):
    """The route needs a signed-in learner; app.py answers with a redirect or a 401."""


@dataclass(frozen=True)
class Visitor:
    """Who is asking: no session, an anonymous one (sign-in / sign-up forms), or a learner."""

    session: Session | None
    account: AccountRecord | None
    csrf: str | None

    @property
    def signed_in(self) -> bool:
        return self.account is not None


NOBODY = Visitor(None, None, None)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def installation_of(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def visitor_of(request: Request) -> Visitor:
    """The visitor of a request: its session if the cookie is good, the learner if the
    session names a live account at its current epoch."""
    inst = installation_of(request)
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(sessions.cookie), inst.now())
    if session is None:
        return NOBODY
    named = session.account
    account = None if named is None else accounts.session_account(inst, *named)
    return Visitor(session, account, sessions.csrf_token(session))


def _visitor(request: Request) -> Visitor:
    cached: Visitor | None = getattr(request.state, "visitor", None)
    if cached is None:
        cached = visitor_of(request)
        request.state.visitor = cached
    return cached


def _current_account(visitor: Annotated[Visitor, Depends(_visitor)]) -> AccountRecord:
    if visitor.account is None:
        raise NotSignedIn
    return visitor.account


async def _checked_form(request: Request, visitor: Annotated[Visitor, Depends(_visitor)]) -> Form:
    form = await read_form(request)
    if not sessions_of(request).csrf_ok(visitor.session, form.fields.get("csrf")):
        raise Problem(403, "Form refused", FORM_REFUSED, "form-refused")
    return form


SettingsDep = Annotated[Settings, Depends(_settings)]
InstallationDep = Annotated[Installation, Depends(installation_of)]
VisitorDep = Annotated[Visitor, Depends(_visitor)]
CurrentAccount = Annotated[AccountRecord, Depends(_current_account)]
CheckedForm = Annotated[Form, Depends(_checked_form)]
