"""Dependencies named once (``Annotated`` aliases): settings, the installation, the visitor
(session, account, CSRF token) and the signed-in learner.

::

    from wallet.web.deps import CurrentAccount, InstallationDep, VisitorDep

    @router.get("/credentials/{credential_id}")
    def credential_page(credential_id: str, request: Request, inst: InstallationDep,
                        account: CurrentAccount, visitor: VisitorDep) -> Response: ...

``CurrentAccount`` is the signed-in learner's :class:`wallet.store.AccountRecord`; without
one, a page route answers 303 to ``/sign-in?next=<path>`` and a JSON route (under
``/api/``) answers 401 problem+json (app.py turns :class:`NotSignedIn` into either).
A session whose account is gone, or that was ended by a sign-out (an older session
epoch), counts as no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from servicekit.sessions import Session, Sessions
from wallet import store
from wallet.installation import Installation
from wallet.settings import Settings
from wallet.store import AccountRecord

COOKIE = "ler_wallet_session"


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


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _installation(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def visitor_of(request: Request, inst: Installation) -> Visitor:
    """The visitor of a request: its session if the cookie is good, the learner if the
    session names a live account at its current epoch."""
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(sessions.cookie), inst.now())
    if session is None:
        return Visitor(None, None, None)
    account = None
    named = session.account
    if named is not None:
        with inst.db.transaction() as tx:
            found = store.get_account(tx, named[0])
        if found is not None and found.session_epoch == named[1]:
            account = found
    return Visitor(session, account, sessions.csrf_token(session))


def _visitor(request: Request) -> Visitor:
    cached: Visitor | None = getattr(request.state, "visitor", None)
    if cached is None:
        cached = visitor_of(request, _installation(request))
        request.state.visitor = cached
    return cached


def _current_account(visitor: Annotated[Visitor, Depends(_visitor)]) -> AccountRecord:
    if visitor.account is None:
        raise NotSignedIn
    return visitor.account


SettingsDep = Annotated[Settings, Depends(_settings)]
InstallationDep = Annotated[Installation, Depends(_installation)]
VisitorDep = Annotated[Visitor, Depends(_visitor)]
CurrentAccount = Annotated[AccountRecord, Depends(_current_account)]
