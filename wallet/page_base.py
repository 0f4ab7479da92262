"""What every wallet page shares: rendering with the visitor (session, learner, CSRF token)
and the security headers, error pages, and form parsing with the CSRF check.

A POST page route reads its form through ``CheckedForm``, which refuses (403 error page) a
form without this session's CSRF token before the route runs::

    @router.post("/credentials/{credential_id}/delete")
    def delete(credential_id: str, request: Request, inst: InstallationDep,
               account: CurrentAccount, visitor: VisitorDep, form: CheckedForm) -> Response:
        form.fields["confirm"]; form.file  # (bytes | None, for multipart uploads)

Forms are parsed by hand: urlencoded ones with :func:`urllib.parse.parse_qs`, multipart
ones (RFC 7578) with the standard library's MIME parser; the body limit bounds both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from wallet.deps import COOKIE, Visitor, VisitorDep, sessions_of
from wallet.errors import WalletError
from wallet.problems import status_of

__all__ = [
    "COOKIE",
    "CheckedForm",
    "Form",
    "FormRefused",
    "Visitor",
    "VisitorDep",
    "clear_session",
    "error_page",
    "from_error",
    "local_path",
    "read_form",
    "render",
    "set_session",
    "sign_in_first",
]

MAX_FIELDS = 100
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' "
    "data: https:; script-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


class FormRefused(Exception):
    """A POST form without this session's CSRF token; app.py answers 403."""


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    file: bytes | None = None  # the one uploaded file of a multipart form
    filename: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


def render(
    request: Request, visitor: Visitor, name: str, status_code: int = 200, **context: Any
) -> Response:
    """The template with the visitor and its CSRF token; never cached once in a session."""
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


def from_error(request: Request, visitor: Visitor, exc: WalletError) -> Response:
    """A use-case error as a page: 404 not found, 409 conflict, 401 sign-in, else 422."""
    status, title = status_of(exc)
    return error_page(request, visitor, status, title, str(exc))


def local_path(target: str | None) -> str:
    """Only a path on this site (never ``//host``, a scheme or a backslash): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def sign_in_first(request: Request) -> Response:
    """A learner's page asked for without a session: to the sign-in page, and back."""
    target = "/sign-in?" + urlencode({"next": local_path(request.url.path)})
    return RedirectResponse(target, status_code=303)


def set_session(response: Response, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, secure=True, samesite="strict", path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")


async def read_form(request: Request) -> Form:
    """An urlencoded or multipart form: the first value of each field, trimmed; the file
    of a multipart form (RFC 7578)."""
    media = request.headers.get("content-type", "").lower()
    if media.startswith("multipart/form-data"):
        return await _read_multipart(request)
    text = (await request.body()).decode("utf-8", "replace")
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any form of ours has
        return Form({})
    return Form({name: values[0].strip() for name, values in fields.items()})


async def _read_multipart(request: Request) -> Form:
    media = request.headers.get("content-type", "")
    if "boundary=" not in media:
        return Form({})
    head = b"Content-Type: " + media.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + await request.body())
    fields: dict[str, str] = {}
    upload: bytes | None = None
    filename: str | None = None
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        if part.get_filename() is not None:
            if upload is None:
                upload, filename = data, part.get_filename()
        elif len(fields) < MAX_FIELDS:
            fields[name] = data.decode("utf-8", "replace").strip()
    return Form(fields, upload, filename)


async def _checked_form(request: Request, visitor: VisitorDep) -> Form:
    form = await read_form(request)
    if not sessions_of(request).csrf_ok(visitor.session, form.fields.get("csrf")):
        raise FormRefused
    return form


CheckedForm = Annotated[Form, Depends(_checked_form)]
