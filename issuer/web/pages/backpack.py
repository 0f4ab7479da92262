"""Pages of "send to my backpack" (:mod:`issuer.backpack.sending`).

- ``/issuers/{slug}/offers/{offer_id}/backpack``: the learner's form (the offer's id is the
  capability, as the offer link is): their host's address and their email; on to the host.
- ``/backpack/start/{key}``: the API's start link, opened by the learner: on to the host.
- ``/backpack/callback``: the host sends the learner back; only the browser that started the
  send gets in (its cookie), and only once; the outcome page.
- ``/issuers/{slug}/backpack``: staff: every send and its outcome.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.backpack import sending
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.outbound import Outbound
from issuer.web.deps import InstallationDep, SettingsDep, VisitorDep
from issuer.web.pages.base import issuer_page, sign_in_first
from servicekit.forms import PostedForm
from servicekit.headers import ANY_SITE, with_form_action
from servicekit.pages import page_router, render
from servicekit.problems import Problem

router = page_router()


def _http(request: Request) -> Outbound:
    http: Outbound = request.app.state.http
    return http


def _to_host(request: Request, started: sending.Started) -> Response:
    answer = RedirectResponse(started.url, status_code=303)
    answer.set_cookie(
        sending.COOKIE, started.cookie or "", max_age=1800, path="/backpack", httponly=True,
        samesite="lax", secure=request.app.state.inst.base_url.startswith("https:"),
    )  # fmt: skip
    return answer


def _form(
    request: Request, visitor: VisitorDep, inst: InstallationDep, slug: str, offer_id: str,
    status_code: int = 200, **context: object,
) -> Response:  # fmt: skip
    try:
        offer = sending.open_offer(inst, slug, offer_id)
    except (NotFoundError, InvalidRequestError) as exc:
        raise Problem(404, "Not found", str(exc), "not-found") from None
    page = issuer_page(request, inst, visitor, slug, "backpack.html", status_code,
                       offer_id=offer_id, tx_code=offer.tx_code_hash is not None,
                       **context)  # fmt: skip
    page.headers.update(with_form_action(*ANY_SITE))  # the form leads on to the learner's host
    return page


@router.get("/issuers/{slug}/offers/{offer_id}/backpack")
def backpack_form(
    slug: str, offer_id: str, request: Request, inst: InstallationDep, visitor: VisitorDep
) -> Response:
    return _form(request, visitor, inst, slug, offer_id[:100])


@router.post("/issuers/{slug}/offers/{offer_id}/backpack")
def send_offer(
    slug: str, offer_id: str, request: Request, inst: InstallationDep, visitor: VisitorDep,
    settings: SettingsDep, posted: PostedForm,
) -> Response:  # fmt: skip
    form = posted.fields
    try:
        started = sending.for_offer(
            inst, _http(request), slug, offer_id[:100], form.get("host", "")[:2000],
            form.get("email", ""), form.get("tx_code", "")[:20], settings.name,
        )  # fmt: skip
    except InvalidRequestError as exc:
        return _form(request, visitor, inst, slug, offer_id[:100], 422, error=str(exc),
                     values=form)  # fmt: skip
    return _to_host(request, started)


@router.get("/backpack/start/{key}")
def start(key: str, request: Request, inst: InstallationDep) -> Response:
    try:
        return _to_host(request, sending.open_start(inst, key[:100]))
    except sending.ForbiddenError as exc:
        raise Problem(403, "Forbidden", str(exc), "forbidden") from None
    except NotFoundError as exc:
        raise Problem(409, "Conflict", str(exc), "conflict") from None


@router.get("/backpack/callback")
def callback(request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    query = {name: value[:2000] for name, value in request.query_params.items()}
    try:
        record = sending.finish(inst, _http(request), request.cookies.get(sending.COOKIE), query)
    except sending.ForbiddenError as exc:
        raise Problem(403, "Forbidden", str(exc), "forbidden") from None
    return render(request, visitor, "backpack_sent.html", send=record)


@router.get("/issuers/{slug}/backpack")
def sends_page(slug: str, request: Request, inst: InstallationDep, visitor: VisitorDep) -> Response:
    if not visitor.staff:
        return sign_in_first(request)
    return issuer_page(request, inst, visitor, slug, "backpack_sends.html",
                       sends=sending.list_for(inst, slug))  # fmt: skip
