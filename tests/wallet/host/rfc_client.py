"""An OAuth 2.0 client for the tests, written from the RFCs and OB 3.0 §7 alone (it imports
nothing of the wallet): discovery (OB 3.0 §7.1.1.1), dynamic registration (RFC 7591 §3.1),
server metadata (RFC 8414 §3), the authorization request with PKCE S256 (RFC 6749 §4.1.1,
RFC 7636 §4.1-4.3) answered by a learner's browser, the token request with HTTP Basic client
authentication (RFC 6749 §2.3.1, §4.1.3), refresh (§6) and revocation (RFC 7009 §2.1).

::

    client = ObClient(api)                      # api: an httpx-like client of the host
    client.register(scope=READ)                 # client.client_id, client.client_secret
    code = client.authorize(learner_browser)    # consent page: Allow
    tokens = client.exchange(code)              # {"access_token", "refresh_token", ...}
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
READ = SCOPE + "credential.readonly"
UPSERT = SCOPE + "credential.upsert"
PROFILE_READ = SCOPE + "profile.readonly"
PROFILE_UPDATE = SCOPE + "profile.update"
ALL = " ".join((READ, UPSERT, PROFILE_READ, PROFILE_UPDATE))
REDIRECT = "https://platform.example/callback"


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge): RFC 7636 §4.1, §4.2."""
    verifier = secrets.token_urlsafe(48)[:64]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class ObClient:
    api: Any  # a TestClient (or httpx.Client) at the host's base URL
    redirect_uri: str = REDIRECT
    sdd: dict[str, Any] = field(default_factory=dict)
    client_id: str = ""
    client_secret: str = ""
    verifier: str = ""
    state: str = ""

    def discover(self) -> dict[str, Any]:
        answer = self.api.get("/ims/ob/v3p0/discovery")
        assert answer.status_code == 200, answer.text
        self.sdd = answer.json()
        return self.sdd

    @property
    def scheme(self) -> dict[str, Any]:
        found: dict[str, Any] = self.sdd["components"]["securitySchemes"]["OAuth2ACG"]
        return found

    def _path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def register(self, scope: str = ALL, **extra: Any) -> Any:
        if not self.sdd:
            self.discover()
        body = {
            "client_name": "Example Badge Platform",
            "client_uri": "https://platform.example/",
            "redirect_uris": [self.redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
            "scope": scope,
        } | extra
        answer = self.api.post(self._path(self.scheme["x-imssf-registrationUrl"]), json=body)
        if answer.status_code == 201:
            self.client_id = answer.json()["client_id"]
            self.client_secret = answer.json().get("client_secret", "")
        return answer

    def authorization_url(self, scope: str = ALL, **override: str) -> str:
        self.verifier, challenge = pkce_pair()
        self.state = secrets.token_urlsafe(16)
        params = {
            "response_type": "code", "client_id": self.client_id,
            "redirect_uri": self.redirect_uri, "scope": scope, "state": self.state,
            "code_challenge": challenge, "code_challenge_method": "S256",
        } | override  # fmt: skip
        params = {name: value for name, value in params.items() if value != ""}
        flow = self.scheme["flows"]["authorizationCode"]
        return self._path(flow["authorizationUrl"]) + "?" + urlencode(params)

    def consent(self, browser: Any, url: str, decision: str = "allow") -> Any:
        """The learner's browser opens the authorization URL and answers the consent form;
        the answer is the redirect back to the client."""
        page = browser.get(url, follow_redirects=False)
        assert page.status_code == 200, page.text[:500]
        forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
        action, inner = next((a, f) for a, f in forms if 'name="decision"' in f)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', inner))
        fields = {name: _unescape(value) for name, value in fields.items()}
        return browser.post(action, data=fields | {"decision": decision}, follow_redirects=False)

    def authorize(self, browser: Any, scope: str = ALL) -> str:
        answer = self.consent(browser, self.authorization_url(scope))
        assert answer.status_code in (302, 303), answer.text[:500]
        back = query_of(answer.headers["location"])
        assert back.get("state") == self.state, answer.headers["location"]
        return back["code"]

    def _basic(self) -> dict[str, str]:
        pair = f"{quote(self.client_id, safe='')}:{quote(self.client_secret, safe='')}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    def token_request(self, form: dict[str, str], auth: bool = True) -> Any:
        url = self._path(self.scheme["flows"]["authorizationCode"]["tokenUrl"])
        return self.api.post(url, data=form, headers=self._basic() if auth else {})

    def exchange(self, code: str, **override: str) -> Any:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        } | override
        return self.token_request(form)  # fmt: skip

    def refresh(self, refresh_token: str) -> Any:
        return self.token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, token: str, hint: str | None = None) -> Any:
        """RFC 7009, at the revocation endpoint RFC 8414 metadata names."""
        metadata = self.api.get("/.well-known/oauth-authorization-server").json()
        form = {"token": token} | ({"token_type_hint": hint} if hint else {})
        return self.api.post(self._path(metadata["revocation_endpoint"]), data=form,
                             headers=self._basic())  # fmt: skip

    def tokens(self, browser: Any, scope: str = ALL) -> dict[str, Any]:
        """Register (if not yet), authorize, exchange: the token answer."""
        if not self.client_id:
            assert self.register(scope).status_code == 201
        answer = self.exchange(self.authorize(browser, scope))
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def _unescape(value: str) -> str:
    return (value.replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"')
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))  # fmt: skip


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
