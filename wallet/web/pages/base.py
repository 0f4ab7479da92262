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
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from servicekit.forms import parse_multipart, parse_urlencoded
from servicekit.pages import error_page, render
from wallet.errors import WalletError
from wallet.web.deps import COOKIE, Visitor, VisitorDep, sessions_of
from wallet.web.problems import status_of

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

    def checked(self, prefix: str) -> list[str]:
        """What follows ``prefix`` in the names of the checkboxes sent (``c:<id>`` -> ids)."""
        return [name[len(prefix) :] for name in self.fields if name.startswith(prefix)]


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
    """An urlencoded or multipart form: the first value of each field, trimmed; the first
    file of a multipart form (RFC 7578)."""
    media = request.headers.get("content-type", "")
    if media.lower().startswith("multipart/form-data"):
        parsed = parse_multipart(await request.body(), media)
        filename, upload = parsed.files[0] if parsed.files else (None, None)
        return Form(parsed.fields, upload, filename)
    return Form(parse_urlencoded(await request.body()))


async def _checked_form(request: Request, visitor: VisitorDep) -> Form:
    form = await read_form(request)
    if not sessions_of(request).csrf_ok(visitor.session, form.fields.get("csrf")):
        raise FormRefused
    return form


CheckedForm = Annotated[Form, Depends(_checked_form)]
