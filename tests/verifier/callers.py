"""Callers of the verifier's non-public routes, for tests: an organisation with an API token
(every scope unless said) and a staff member signed in.

::

    client = TestClient(app)
    as_employer(client)                    # Authorization: Bearer <a token of the care home>
    token = org_token(app, "Other employer", scopes=("jobs:read",))
    sign_in_staff(client, app, "Other employer")  # a staff session cookie on the client
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from verifier.accounts import SCOPES, tokens
from verifier.accounts import staff as staff_accounts
from verifier.web.deps import COOKIE

EMPLOYER = "Maple Grove Care Home"
PASSWORD = "staff-password-0123"


def org_token(app: FastAPI, organisation: str = EMPLOYER, scopes: Iterable[str] = SCOPES) -> str:
    """A new API token of ``organisation`` (made when missing)."""
    inst = app.state.inst
    org = staff_accounts.add_organisation(inst, organisation)
    _, secret = tokens.add_token(inst, org.id, "tests", scopes)
    return secret


def as_employer(
    client: TestClient, organisation: str = EMPLOYER, scopes: Iterable[str] = SCOPES
) -> TestClient:
    """The client, now sending a token of ``organisation``."""
    app = client.app
    assert isinstance(app, FastAPI)
    client.headers["Authorization"] = f"Bearer {org_token(app, organisation, scopes)}"
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in_staff(
    client: TestClient, organisation: str = EMPLOYER, email: str | None = None
) -> TestClient:
    """A new staff member of ``organisation``, signed in on ``client`` through the form."""
    app = client.app
    assert isinstance(app, FastAPI)
    inst = app.state.inst
    org = staff_accounts.add_organisation(inst, organisation)
    address = email or f"staff{len(client.cookies)}-{org.id[:8]}@example.org"
    staff_accounts.add_staff(inst, org.id, address, PASSWORD)
    form = client.get("/sign-in")
    _keep_session(client, form)
    done = client.post(
        "/sign-in",
        data={"email": address, "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    _keep_session(client, done)
    return client


def _keep_session(client: TestClient, response: Any) -> None:
    """The session cookie is ``Secure``: a client on ``http://testserver`` keeps it by hand."""
    value = response.cookies.get(COOKIE)
    if value:
        client.cookies.delete(COOKIE)
        client.cookies.set(COOKIE, value)
