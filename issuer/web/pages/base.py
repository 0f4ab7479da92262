"""What every issuer page shares: the visitor (session and CSRF token), rendering with the
security headers, error pages, and form parsing (no form-parsing package needed).

Forms are parsed by hand: urlencoded ones with :func:`urllib.parse.parse_qs`, the batch
upload's multipart/form-data body (RFC 7578) with the standard library's MIME parser. The
request body limit (:mod:`issuer.limits`) bounds both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from issuer.errors import ConflictError, IssuerError, NotFoundError
from issuer.installation import Installation
from issuer.organisations import catalogue
from issuer.web.deps import InstallationDep
from servicekit.forms import parse_multipart, parse_urlencoded
from servicekit.pages import error_page, render
from servicekit.sessions import COOKIE, Session, Sessions

FORMAT_NAMES = {
    "eddsa-rdfc-2022": "Data Integrity, eddsa-rdfc-2022 (Ed25519)",
    "ecdsa-rdfc-2019": "Data Integrity, ecdsa-rdfc-2019 (P-256)",
    "vc-jwt": "VC-JOSE-COSE JWT (ES256)",
    "ob3-jwt": "Open Badges 3.0 VC-JWT (RS256; DID recipients only)",
    "ecdsa-sd-2023": "Data Integrity, ecdsa-sd-2023 (P-256; the learner can hide fields)",
    "sd-jwt-vc": "SD-JWT VC (ES256; the learner can hide fields; did:key/did:jwk recipients only)",
}


@dataclass(frozen=True)
class Visitor:
    """Who is asking: no session, an anonymous one (the sign-in form), or staff."""

    session: Session | None
    csrf: str | None

    @property
    def staff(self) -> bool:
        return self.session is not None and self.session.staff


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def _visitor(request: Request, inst: InstallationDep) -> Visitor:
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(COOKIE), inst.now())
    return Visitor(session, None if session is None else sessions.csrf_token(session))


VisitorDep = Annotated[Visitor, Depends(_visitor)]


def from_error(request: Request, visitor: Visitor, exc: IssuerError) -> Response:
    """A use-case error as a page: 404 not found, 409 conflict, else 422."""
    if isinstance(exc, NotFoundError):
        return error_page(request, visitor, 404, "Not found", str(exc))
    if isinstance(exc, ConflictError):
        return error_page(request, visitor, 409, "Already there", str(exc))
    return error_page(request, visitor, 422, "Cannot do that", str(exc))


def issuer_page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render ``template`` for one issuer with its ``issuer`` and ``achievements``; an
    unknown issuer becomes its error page. ``values`` (the form's last input) defaults to {}."""
    try:
        issuer = catalogue.get_issuer(inst, slug)
        achievements = catalogue.list_achievements(inst, slug)
    except IssuerError as exc:
        return from_error(request, visitor, exc)
    context.setdefault("values", {})
    return render(
        request, visitor, template, status_code,
        issuer=issuer, achievements=achievements, **context,
    )  # fmt: skip


def sign_in_first(request: Request) -> Response:
    """A staff page asked for without a staff session: to the sign-in page, and back."""
    target = "/sign-in?" + urlencode({"next": request.url.path})
    return RedirectResponse(target, status_code=303)


def refused(request: Request, visitor: Visitor, form: Mapping[str, str]) -> Response | None:
    """403 unless the form carries this session's CSRF token and the session is staff."""
    if not sessions_of(request).csrf_ok(visitor.session, form.get("csrf")):
        detail = "The form's security token is missing or out of date. Reload the page and retry."
        return error_page(request, visitor, 403, "Form refused", detail)
    if not visitor.staff:
        return error_page(request, visitor, 403, "Sign in first", "This action is for staff.")
    return None


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form: the first value of each field, trimmed."""
    return parse_urlencoded(await request.body())


async def read_multipart(request: Request) -> tuple[dict[str, str], bytes | None]:
    """A multipart/form-data body (RFC 7578): its text fields, and the last file's bytes."""
    media = request.headers.get("content-type", "")
    if not media.lower().startswith("multipart/form-data"):
        return {}, None
    parsed = parse_multipart(await request.body(), media)
    return parsed.fields, parsed.files[-1][1] if parsed.files else None
