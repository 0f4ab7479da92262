"""What every wallet page shares besides :func:`servicekit.pages.render`: the error page (for
:class:`servicekit.app.ErrorRules`), the session cookie, the one rule for where a redirect
may lead (:func:`local_path`), and JSON shown or downloaded. The visitor and the checked
form are dependencies (:mod:`wallet.web.deps`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from servicekit import pages
from wallet.web.deps import COOKIE, visitor_of


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """The error page, rendered for whoever is asking (their session, if any)."""
    return pages.error_page(request, visitor_of(request), status, title, detail)


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


def pretty(document: Any) -> str:
    """JSON as a page prints it: indented, not escaped."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def json_download(document: Any, filename: str) -> Response:
    """A JSON file to download, never cached, never sniffed."""
    return Response(
        pretty(document),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
