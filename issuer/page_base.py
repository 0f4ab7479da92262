"""What every issuer page shares: the visitor (session and CSRF token), rendering with the
security headers, error pages, and form parsing (no form-parsing package needed).

Forms are parsed by hand: urlencoded ones with :func:`urllib.parse.parse_qs`, the batch
upload's multipart/form-data body (RFC 7578) with the standard library's MIME parser. The
request body limit (:mod:`issuer.limits`) bounds both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from issuer import catalogue
from issuer.deps import InstallationDep
from issuer.errors import ConflictError, IssuerError, NotFoundError
from issuer.installation import Installation
from servicekit.sessions import COOKIE, Session, Sessions

MAX_FIELDS = 100
FORMAT_NAMES = {
    "eddsa-rdfc-2022": "Data Integrity, eddsa-rdfc-2022 (Ed25519)",
    "ecdsa-rdfc-2019": "Data Integrity, ecdsa-rdfc-2019 (P-256)",
    "vc-jwt": "VC-JOSE-COSE JWT (ES256)",
    "ob3-jwt": "Open Badges 3.0 VC-JWT (RS256; DID recipients only)",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' "
    "data: https:; script-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
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


def render(
    request: Request, visitor: Visitor, name: str, status_code: int = 200, **context: Any
) -> Response:
    """The template with the visitor and its CSRF token; never cached once signed in."""
    templates = request.app.state.templates
    context.update(visitor=visitor, csrf=visitor.csrf, path=request.url.path)
    response: Response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    if visitor.session is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(
    request: Request, visitor: Visitor, status_code: int, title: str, detail: str
) -> Response:
    return render(request, visitor, "error.html", status_code, title=title, detail=detail)


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
    text = (await request.body()).decode("utf-8", "replace")
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any form of ours has
        return {}
    return {name: values[0].strip() for name, values in fields.items()}


async def read_multipart(request: Request) -> tuple[dict[str, str], bytes | None]:
    """A multipart/form-data body (RFC 7578): its text fields, and the one file's bytes."""
    media = request.headers.get("content-type", "")
    if not media.lower().startswith("multipart/form-data") or "boundary=" not in media:
        return {}, None
    head = b"Content-Type: " + media.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + await request.body())
    fields: dict[str, str] = {}
    upload: bytes | None = None
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        if part.get_filename() is not None:
            upload = data
        elif len(fields) < MAX_FIELDS:
            fields[name] = data.decode("utf-8", "replace").strip()
    return fields, upload
