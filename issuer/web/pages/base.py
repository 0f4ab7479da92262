"""What every issuer page shares: the error page, a page about one issuer, the way to the
sign-in page, and the CSRF and staff check of a form.

Pages are rendered by :func:`servicekit.pages.render` (the visitor and its CSRF token, the
security headers, no caching inside a session) and forms read by
:func:`servicekit.forms.read_form`. An error a page route raises (a use-case error or a
:class:`~servicekit.problems.Problem`) is answered by the app's one handler with
:func:`error_page`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from issuer.installation import Installation
from issuer.organisations import catalogue
from issuer.web.deps import Visitor, sessions_of, visitor_of
from servicekit import pages
from servicekit.pages import render
from servicekit.problems import Problem

FORMAT_NAMES = {
    "eddsa-rdfc-2022": "Data Integrity, eddsa-rdfc-2022 (Ed25519)",
    "ecdsa-rdfc-2019": "Data Integrity, ecdsa-rdfc-2019 (P-256)",
    "eddsa-jcs-2022": "Data Integrity, eddsa-jcs-2022 (Ed25519; JSON text, no JSON-LD)",
    "ecdsa-jcs-2019": "Data Integrity, ecdsa-jcs-2019 (P-256; JSON text, no JSON-LD)",
    "vc-jwt": "VC-JOSE-COSE JWT (ES256)",
    "ob3-jwt": "Open Badges 3.0 VC-JWT (RS256; DID recipients only)",
    "ecdsa-sd-2023": "Data Integrity, ecdsa-sd-2023 (P-256; the learner can hide fields)",
    "sd-jwt-vc": "SD-JWT VC (ES256; the learner can hide fields; did:key/did:jwk recipients only)",
}


def error_page(request: Request, status_code: int, title: str, detail: str) -> Response:
    """The issuer's error page, for the visitor of the request (``ErrorRules.error_page``)."""
    return pages.error_page(request, visitor_of(request), status_code, title, detail)


def is_page(request: Request) -> bool:
    """For a path no route matched: a browser asking for a page (``ErrorRules.pages_at``)."""
    return "text/html" in request.headers.get("accept", "")


def issuer_page(
    request: Request,
    inst: Installation,
    visitor: Visitor,
    slug: str,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render ``template`` for one issuer with its ``issuer`` and ``achievements`` (an
    unknown issuer is a 404). ``values`` (the form's last input) defaults to {}."""
    issuer = catalogue.get_issuer(inst, slug)
    achievements = catalogue.list_achievements(inst, slug)
    context.setdefault("values", {})
    return render(
        request, visitor, template, status_code,
        issuer=issuer, achievements=achievements, **context,
    )  # fmt: skip


def sign_in_first(request: Request) -> Response:
    """A staff page asked for without a staff session: to the sign-in page, and back."""
    target = "/sign-in?" + urlencode({"next": request.url.path})
    return RedirectResponse(target, status_code=303)


def check_form(request: Request, visitor: Visitor, form: Mapping[str, str]) -> None:
    """403 unless the form carries this session's CSRF token (:func:`check_csrf`) and the
    session is staff."""
    check_csrf(request, visitor, form)
    if not visitor.staff:
        raise Problem(403, "Sign in first", "This action is for staff.", "forbidden")


def check_csrf(
    request: Request,
    visitor: Visitor,
    form: Mapping[str, str],
    detail: str = "The form's security token is missing or out of date. Reload the page and retry.",
) -> None:
    """403 unless the form carries this session's CSRF token."""
    if not sessions_of(request).csrf_ok(visitor.session, form.get("csrf")):
        raise Problem(403, "Form refused", detail, "csrf")
