"""Dependencies named once (``Annotated`` aliases) for the routes: the installation, who is
asking (a staff session, an API token, or nobody) and a page's checked form.

::

    from verifier.web.deps import InstallationDep, JobsWriter

    @router.post("/api/jobs")
    def create_job(body: NewJob, inst: InstallationDep,
                   caller: JobsWriter) -> JSONResponse: ...

**The door.** ``app.py`` includes every router of the verifier with :func:`door` as a
dependency: a route that is not in the app's ``PUBLIC`` set of ``(method, path)`` needs a
caller, or it answers 401 (an API route, problem+json with ``WWW-Authenticate``) or a 303 to
``/sign-in?next=<path>`` (a page), before the route runs. A caller is a staff member signed
in (the session cookie names ``account:<staff id>:<epoch>``: a sign-out counts the epoch
up) or an organisation's API token (``Authorization: Bearer lerv_…``). A route then asks
for the scope it needs (``JobsWriter``, ``ResultsReader`` …): staff hold every scope; a
token without it gets 403. Wrong tokens count as failures per address (:mod:`servicekit.ratelimit`):
after 10 in 5 minutes that address gets 429 with ``Retry-After``.

**On the event loop when there is nothing to wait for.** FastAPI runs a plain ``def``
dependency in its thread pool: a hand-over to a thread and back for each one, on every
request. The door of a public route and the dependencies that only read ``app.state`` are
``async`` (they answer at once, on the loop); only a door that must look a caller up in the
database goes to a thread (:func:`door`). Stateless verification, the busiest route, then
leaves the loop once: for the verification itself (:mod:`verifier.web.api.vc_api`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from servicekit.api_tokens import bearer
from servicekit.forms import Form, read_form
from servicekit.problems import Problem
from servicekit.ratelimit import address_key, limiter_of
from servicekit.sessions import Session, Sessions
from verifier.accounts import (
    JOBS_READ,
    JOBS_WRITE,
    RESULTS_READ,
    SCOPES,
    TOKENS_WRITE,
    WEBHOOKS_WRITE,
    Caller,
    tokens,
)
from verifier.accounts import staff as staff_accounts
from verifier.accounts.staff import StaffRecord
from verifier.checking.verification import Verifier
from verifier.delivery.deliverer import Deliverer
from verifier.installation import Installation

COOKIE = "ler_verifier_session"
FORM_REFUSED = "The form's security token is missing or out of date. Reload the page and retry."


class NotSignedIn(Exception):
    """The route needs a caller; app.py answers with a redirect (pages) or a 401."""


@dataclass(frozen=True)
class StaffVisitor:
    """Who is asking a page: no session, an anonymous one (the sign-in form), or staff."""

    session: Session | None
    staff: StaffRecord | None
    csrf: str | None

    @property
    def signed_in(self) -> bool:
        return self.staff is not None


NOBODY = StaffVisitor(None, None, None)


def _installation(request: Request) -> Installation:
    inst: Installation = request.app.state.inst
    return inst


async def _installation_now(request: Request) -> Installation:
    """:func:`_installation` as a dependency (on the loop: it only reads ``app.state``)."""
    return _installation(request)


async def _verification(request: Request) -> Verifier:
    return _installation(request).verification


async def _deliverer(request: Request) -> Deliverer:
    deliverer: Deliverer = request.app.state.deliverer
    return deliverer


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def visitor_of(request: Request) -> StaffVisitor:
    """The visitor of a request: its session if the cookie is good, the staff member if the
    session names one at their current epoch. Read once per request."""
    cached: StaffVisitor | None = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    inst = _installation(request)
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(sessions.cookie), inst.now())
    visitor = NOBODY
    if session is not None:
        named = session.account
        member = None if named is None else staff_accounts.session_staff(inst, *named)
        visitor = StaffVisitor(session, member, sessions.csrf_token(session))
    request.state.visitor = visitor
    return visitor


def caller_of(request: Request) -> Caller | None:
    """The staff member signed in, else the API token presented; None for a stranger. A
    token that is wrong counts as a failure of the address; too many answer 429."""
    member = visitor_of(request).staff
    if member is not None:
        return Caller(member.organisation_id, frozenset(SCOPES), staff_id=member.id)
    secret = bearer(request.headers.get("authorization"))
    if secret is None:
        return None
    inst, limiter, keys = _installation(request), limiter_of(request), address_key(request)
    limiter.check(keys, inst.now())
    caller = tokens.authenticate(inst, secret)
    if caller is None:
        limiter.failed(keys, inst.now())
        raise Problem(
            401, "Unauthorized", "the API token is unknown or revoked", "unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="verifier", error="invalid_token"'},
        )  # fmt: skip
    return caller


async def door(request: Request) -> None:
    """Every route of the verifier passes here: a public one (``app.state.public``) lets
    anyone in, on the event loop; any other needs a caller (:class:`NotSignedIn` otherwise),
    looked up in the database in a worker thread."""
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    if (request.method, path) in request.app.state.public:
        return
    if await run_in_threadpool(caller_of, request) is None:
        raise NotSignedIn


def scoped(scope: str) -> Callable[[Request], Caller]:
    """A dependency: the caller, who must hold ``scope`` (403 problem+json otherwise)."""

    def dependency(request: Request) -> Caller:
        caller = caller_of(request)
        if caller is None:
            raise NotSignedIn
        if not caller.may(scope):
            raise Problem(
                403, "Forbidden", f"this route needs a token with the scope {scope!r}",
                "insufficient-scope", scope=scope,
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )  # fmt: skip
        return caller

    return dependency


def _staff_member(request: Request) -> StaffRecord:
    member = visitor_of(request).staff
    if member is None:
        raise NotSignedIn
    return member


async def _checked_form(
    request: Request, visitor: Annotated[StaffVisitor, Depends(visitor_of)]
) -> Form:
    """The form, its CSRF token checked against the session; the visitor (a database read)
    is found by a plain ``def`` dependency, in the thread pool, never on the event loop."""
    form = await read_form(request)
    if not sessions_of(request).csrf_ok(visitor.session, form.fields.get("csrf")):
        raise Problem(403, "Form refused", FORM_REFUSED, "form-refused")
    return form


InstallationDep = Annotated[Installation, Depends(_installation_now)]
VerifierDep = Annotated[Verifier, Depends(_verification)]
DelivererDep = Annotated[Deliverer, Depends(_deliverer)]
Visitor = Annotated[StaffVisitor, Depends(visitor_of)]
StaffMember = Annotated[StaffRecord, Depends(_staff_member)]
CheckedForm = Annotated[Form, Depends(_checked_form)]
JobsReader = Annotated[Caller, Depends(scoped(JOBS_READ))]
JobsWriter = Annotated[Caller, Depends(scoped(JOBS_WRITE))]
ResultsReader = Annotated[Caller, Depends(scoped(RESULTS_READ))]
WebhooksWriter = Annotated[Caller, Depends(scoped(WEBHOOKS_WRITE))]
TokensWriter = Annotated[Caller, Depends(scoped(TOKENS_WRITE))]
