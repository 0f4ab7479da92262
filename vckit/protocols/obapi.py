"""The Open Badges 3.0 API from the client's side (a Service Consumer, OB 3.0 §6-7): the pure
pieces, no HTTP. A consumer discovers a host (its Service Description Document), registers
(RFC 7591), sends the learner to authorize with PKCE S256 (RFC 7636), exchanges the code
(RFC 6749 §4.1.3, HTTP Basic client authentication), then pages through ``getCredentials``
by its ``Link`` header (RFC 8288) or upserts.

::

    host = endpoints_of(sdd, "https://host.example")      # HostEndpoints, or ObApiError
    verifier, challenge = pkce_pair()
    url = authorization_url(host, client_id, redirect_uri, scope, state, challenge)
    form = code_form(code, redirect_uri, verifier); headers = basic_auth(id, secret)
    credentials_in(page_json)                              # the dicts and JWS strings
    next_page(link_header)                                 # the rel="next" URL, or None
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from vckit.errors import VckitError

API_PATH = "/ims/ob/v3p0"
SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
READ_SCOPES = (SCOPE + "credential.readonly", SCOPE + "profile.readonly")
UPSERT_SCOPES = (SCOPE + "credential.upsert",)
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


class ObApiError(VckitError):
    """A host's answer that is not what the OB 3.0 API says it must be."""


@dataclass(frozen=True)
class HostEndpoints:
    api: str  # the base of the resource endpoints (…/ims/ob/v3p0)
    registration: str
    authorization: str
    token: str
    name: str


def _url(value: object, what: str) -> str:
    if (
        not isinstance(value, str)
        or urlsplit(value).scheme not in ("https", "http")
        or not (urlsplit(value).hostname)
    ):
        raise ObApiError(f"the host's service description has no usable {what}")
    return value


def endpoints_of(sdd: object, base_url: str) -> HostEndpoints:
    """The endpoints a Service Description Document (OB 3.0 §7.1.1.1) names."""
    if not isinstance(sdd, Mapping):
        raise ObApiError("the host's discovery answer is not a JSON object")
    try:
        scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
    except (KeyError, TypeError):
        raise ObApiError("the host's service description has no OAuth2ACG scheme") from None
    servers = sdd.get("servers")
    api = base_url.rstrip("/") + API_PATH
    if isinstance(servers, list) and servers and isinstance(servers[0], Mapping):
        api = _url(servers[0].get("url"), "server URL").rstrip("/")
    info = sdd.get("info")
    name = info.get("title") if isinstance(info, Mapping) else None
    return HostEndpoints(
        api,
        _url(scheme.get("x-imssf-registrationUrl"), "registration URL"),
        _url(flow.get("authorizationUrl"), "authorization URL"),
        _url(flow.get("tokenUrl"), "token URL"),
        str(name or urlsplit(base_url).hostname or base_url)[:200],
    )


def registration_request(
    client_name: str, client_uri: str, redirect_uri: str, scopes: tuple[str, ...]
) -> dict[str, Any]:
    """An RFC 7591 registration request as OB 3.0 §7.1.1.2 shows it."""
    return {
        "client_name": client_name, "client_uri": client_uri, "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "scope": " ".join(scopes),
    }  # fmt: skip


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge): RFC 7636 §4.1, §4.2."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    host: HostEndpoints, client_id: str, redirect_uri: str, scopes: tuple[str, ...], state: str,
    challenge: str,
) -> str:  # fmt: skip
    query = urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": " ".join(scopes), "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256",
    })  # fmt: skip
    return host.authorization + ("&" if "?" in host.authorization else "?") + query


def code_form(code: str, redirect_uri: str, verifier: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier}  # fmt: skip


def basic_auth(client_id: str, client_secret: str) -> dict[str, str]:
    """RFC 6749 §2.3.1: both form-urlencoded, then HTTP Basic."""
    pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def access_token_of(answer: object) -> str:
    if not isinstance(answer, Mapping) or not isinstance(answer.get("access_token"), str):
        raise ObApiError("the host's token answer has no access_token")
    if str(answer.get("token_type", "")).lower() != "bearer":
        raise ObApiError("the host's token is not a Bearer token")
    return str(answer["access_token"])


def credentials_in(page: object) -> list[dict[str, Any] | str]:
    """The credentials of a GetOpenBadgeCredentialsResponse: JSON ones, then compact JWSs."""
    if not isinstance(page, Mapping):
        raise ObApiError("the host's getCredentials answer is not a JSON object")
    found: list[dict[str, Any] | str] = []
    for item in page.get("credential") or []:
        if isinstance(item, dict):
            found.append(item)
    for item in page.get("compactJwsString") or []:
        if isinstance(item, str):
            found.append(item)
    return found


def next_page(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of a Link header (RFC 8288 §3), or None."""
    for target, params in _LINK.findall(link_header or ""):
        rels = re.findall(r'rel\s*=\s*"?([^";,]+)"?', params)
        if any("next" in rel.split() for rel in rels):
            return str(target)
    return None
