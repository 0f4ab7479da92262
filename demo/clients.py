"""The three services, as the demo reaches them: over HTTP, through their public interfaces.

* :class:`IssuerClient`: the issuer's JSON API (write routes with ``Authorization: Bearer``).
* :class:`WalletClient`: a learner's browser on the wallet (session cookie, the CSRF token of
  its forms) and the wallet's JSON API under ``/api/`` (same session).
* :class:`VerifierClient`: the verifier's JSON API (jobs, requests, results, VC-API verify).

Errors: :class:`Unusable` when a service cannot be used (``ler demo`` exits 2), such as
:class:`Unreachable` when it does not answer at all; :class:`UnexpectedAnswer` when it answers
with a status the step did not expect.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from typing import Any

import httpx

ERROR_PAGE = re.compile(r'<p class="error"[^>]*>([^<]*)</p>')
TIMEOUT = 60.0  # one request; verifying a presentation fetches DID documents and status lists


class Unusable(Exception):
    """A service cannot be used at all: ``ler demo`` exits 2 with this message."""


class Unreachable(Unusable):
    """A service did not answer (connection refused, timeout)."""

    def __init__(self, name: str, url: str, reason: str) -> None:
        super().__init__(f"the {name} at {url} cannot be reached ({reason})")
        self.name = name
        self.url = url


class UnexpectedAnswer(Exception):
    """A service answered, but not with what the step needs."""


def _detail(response: httpx.Response) -> str:
    """The problem+json detail (or the start of the body) of an answer."""
    try:
        body = response.json()
    except ValueError:
        alert = ERROR_PAGE.search(response.text)  # the wallet's error page
        return html.unescape(alert.group(1)) if alert else response.text[:200].strip()
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("error_description") or body)[:300]
    return str(body)[:200]


class Service:
    """One service's base URL and an HTTP client that never uses proxies from the environment
    (the services are local, or named by the operator)."""

    def __init__(
        self, name: str, base_url: str, headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.base_url, timeout=TIMEOUT, trust_env=False, headers=dict(headers or {}),
            transport=transport,
        )  # fmt: skip

    def close(self) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, expect: Collection[int] = (200, 201), **kwargs: Any
    ) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise Unreachable(self.name, self.base_url, str(exc) or type(exc).__name__) from None
        if response.status_code not in expect:
            raise UnexpectedAnswer(
                f"{self.name}: {method} {path} answered {response.status_code}: {_detail(response)}"
            )
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, **kwargs).json()

    def ready(self) -> None:
        """Raises :class:`Unreachable` unless the service answers ``/healthz``."""
        self.call("GET", "/healthz", expect=(200,))


class IssuerClient(Service):
    def __init__(
        self, base_url: str, token: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__("issuer", base_url, {"Authorization": f"Bearer {token}"}, transport)

    def offer(self, slug: str, achievement: str, **learner_data: Any) -> dict[str, Any]:
        """An OpenID4VCI credential offer (pre-authorized code) of a catalogue achievement."""
        body = {"achievement": achievement, **learner_data}
        offer: dict[str, Any] = self.json("POST", f"/issuers/{slug}/offers", json=body)
        return offer

    def revoke(self, credential_id: str) -> dict[str, Any]:
        """W3C VC-API ``POST /credentials/status``: revoke by the credential's id."""
        body = {
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        }
        answer: dict[str, Any] = self.json("POST", "/credentials/status", json=body)
        return answer

    def check_token(self) -> None:
        """A write-protected read: fails clearly when the API token is wrong."""
        self.call("GET", "/issuers/community-college/credentials?limit=1", expect=(200,))


CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SKILL_BLOCK = re.compile(r'<h2>(?:<a [^>]*>)?([^<]+)(?:</a>)?</h2>\s*<p class="meta">([^<]*)</p>')


class WalletClient(Service):
    """A learner's browser. The wallet's session cookie is ``Secure``: browsers send it to
    http://localhost, httpx's cookie jar would not, so the cookies are kept here."""

    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__("wallet", base_url, transport=transport)
        self.cookies: dict[str, str] = {}

    def call(
        self, method: str, path: str, expect: Collection[int] = (200, 201), **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = super().call(method, path, expect, headers=headers, **kwargs)
        for line in response.headers.get_list("set-cookie"):
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def page(self, path: str) -> str:
        return self.call("GET", path, expect=(200,)).text

    def form(
        self, path: str, fields: Mapping[str, str], *, page: str, expect: int
    ) -> httpx.Response:
        """Post a form the way a browser does: with the CSRF token of ``page``'s form."""
        found = CSRF.search(self.page(page))
        if found is None:
            raise UnexpectedAnswer(f"wallet: {page} has no form with a CSRF token")
        return self.call("POST", path, expect=(expect,), data={"csrf": found.group(1), **fields})

    def sign_up(self, email: str, password: str) -> None:
        fields = {"email": email, "password": password, "password_again": password}
        self.form("/sign-up", fields, page="/sign-up", expect=303)

    def redeem(self, offer_uri: str) -> dict[str, Any]:
        """``POST /api/receive/offer``: the wallet redeems the offer and verifies what it got."""
        got: dict[str, Any] = self.json("POST", "/api/receive/offer", json={"offer": offer_uri})
        return got

    def open_request(self, link: str) -> str:
        """Paste a verifier's ``openid4vp://`` link; the wallet's id for the request."""
        answer = self.form("/requests", {"request": link}, page="/requests", expect=303)
        return answer.headers["location"].rsplit("/", 1)[1]

    def skill_evidence(self, skill: str) -> str | None:
        """From the skills page: "N verified credentials of M" for ``skill`` (None: absent)."""
        for name, meta in SKILL_BLOCK.findall(self.page("/skills")):
            if html.unescape(name).strip().casefold() == skill.casefold():
                found = re.search(r"(\d+ verified credentials? of \d+)", meta)
                return found.group(1) if found else meta.strip()
        return None

    def presentations(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = self.json("GET", "/api/presentations")
        return [self.json("GET", f"/api/presentations/{p['id']}") for p in listed]


class VerifierClient(Service):
    """The HR system of the demo employer: its API token (``Authorization: Bearer``) opens
    jobs and reads their results; verifying a credential needs none."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        super().__init__("verifier", base_url, headers)
        self.token = token

    def job(self, title: str, requirements: Mapping[str, Any]) -> dict[str, Any]:
        body = {"title": title, "requirements": dict(requirements)}
        job: dict[str, Any] = self.json("POST", "/api/jobs", json=body)
        return job

    def request(self, job_id: str) -> dict[str, Any]:
        made: dict[str, Any] = self.json(
            "POST", f"/api/jobs/{job_id}/requests", json={"kind": "openid4vp"}
        )
        return made

    def results(self, job_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.json("GET", f"/api/jobs/{job_id}/results")
        return found

    def verify(self, field: str, item: Any, **options: str) -> dict[str, Any]:
        """W3C VC-API verify; the report whether it passed (200) or failed (422)."""
        path = (
            "/presentations/verify" if field == "verifiablePresentation" else "/credentials/verify"
        )
        answer = self.json("POST", path, json={field: item, "options": options}, expect=(200, 422))
        report = answer.get("report") if isinstance(answer, dict) else None
        if not isinstance(report, dict):
            raise UnexpectedAnswer(f"verifier: {path} answered without a report: {answer}")
        return report
