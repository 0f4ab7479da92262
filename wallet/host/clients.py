"""Dynamic client registration (RFC 7591), as OB 3.0 §7.1.1 requires of a host.

:func:`register` checks the client's metadata and keeps it; the answer (201) repeats the
registered metadata with ``client_id`` and, for a confidential client, a ``client_secret``
shown this once (only its SHA-256 is kept). :func:`authenticate` is the token and
revocation endpoints' client check: ``client_secret_basic`` (HTTP Basic, RFC 6749 §2.3.1),
``client_secret_post``, or ``none`` for a public client, which then relies on PKCE alone.

The rules, each refused with ``invalid_redirect_uri`` or ``invalid_client_metadata``:
redirect URIs are required (1 to 10), absolute, without a fragment, and https, except
http on a loopback host (RFC 8252 §7.3); ``grant_types`` within authorization_code and
refresh_token, ``response_types`` within code, and the two consistent (RFC 7591 §2.1);
``scope`` within the OB scopes and ``offline_access`` (none given: all four OB scopes);
the human-readable fields are short strings and their URLs are http(s).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from servicekit.api_tokens import token_hash
from wallet.host import scopes
from wallet.host.errors import OAuthError
from wallet.installation import Installation
from wallet.store import oauth as oauth_store
from wallet.store.oauth import ClientRecord

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
GRANT_TYPES = ("authorization_code", "refresh_token")
TEXT_FIELDS = ("client_name", "software_id", "software_version")
URL_FIELDS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
MAX_TEXT = 200
MAX_URL = 2000
MAX_REDIRECTS = 10
LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _bad(description: str) -> OAuthError:
    return OAuthError("invalid_client_metadata", description)


def _text(metadata: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = metadata.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _bad(f"{name} must be a non-empty string of at most {limit} characters")
    return value.strip()


def _url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _bad(f"{name} must be an http(s) URL")
    return value


def check_redirect_uri(value: object) -> str:
    """A redirect URI a client may register: absolute, no fragment, https (or http on a
    loopback host)."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise OAuthError("invalid_redirect_uri", "each redirect URI must be a URL string")
    parts = urlsplit(value)
    if parts.fragment or "#" in value:
        raise OAuthError("invalid_redirect_uri", f"{value[:120]}: a redirect URI has no fragment")
    loopback = parts.hostname in LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise OAuthError(
            "invalid_redirect_uri",
            f"{value[:120]}: a redirect URI must be https (or http on localhost)",
        )
    return value


def _list(metadata: Mapping[str, Any], name: str, default: list[str]) -> list[str]:
    value = metadata.get(name, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad(f"{name} must be a list of strings")
    return list(dict.fromkeys(value))


def checked_metadata(metadata: object) -> dict[str, Any]:
    """The client metadata to register, with the defaults RFC 7591 §2 names filled in."""
    if not isinstance(metadata, Mapping):
        raise _bad("the registration request must be a JSON object")
    redirects = metadata.get("redirect_uris")
    if not isinstance(redirects, list) or not 1 <= len(redirects) <= MAX_REDIRECTS:
        raise OAuthError(
            "invalid_redirect_uri", f"redirect_uris must list 1 to {MAX_REDIRECTS} URIs"
        )
    registered: dict[str, Any] = {
        "redirect_uris": list(dict.fromkeys(check_redirect_uri(uri) for uri in redirects))
    }
    method = metadata.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise _bad(f"token_endpoint_auth_method must be one of {', '.join(AUTH_METHODS)}")
    registered["token_endpoint_auth_method"] = method
    grants = _list(metadata, "grant_types", ["authorization_code"])
    if not grants or any(grant not in GRANT_TYPES for grant in grants):
        raise _bad(f"grant_types must be within {', '.join(GRANT_TYPES)}")
    responses = _list(metadata, "response_types", ["code"])
    if responses != ["code"]:
        raise _bad('response_types must be ["code"]')
    if "authorization_code" not in grants:
        raise _bad('response_types "code" needs the grant type authorization_code')
    registered["grant_types"] = grants
    registered["response_types"] = responses
    scope = metadata.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise _bad("scope must be a space-separated string")
    asked = scopes.parse(scope) or [
        scopes.CREDENTIAL_READ, scopes.CREDENTIAL_UPSERT, scopes.PROFILE_READ,
        scopes.PROFILE_UPDATE,
    ]  # fmt: skip
    unknown = scopes.unknown(asked)
    if unknown:
        raise _bad(f"unknown scope {unknown[0][:120]}: this host knows the four OB 3.0 scopes")
    registered["scope"] = scopes.joined(asked)
    for name in TEXT_FIELDS:
        text = _text(metadata, name, MAX_TEXT)
        if text is not None:
            registered[name] = text
    for name in URL_FIELDS:
        text = _text(metadata, name, MAX_URL)
        if text is not None:
            registered[name] = _url(text, name)
    contacts = _list(metadata, "contacts", [])
    if contacts:
        if len(contacts) > 10 or any(len(item) > MAX_TEXT for item in contacts):
            raise _bad("contacts must be at most 10 short strings")
        registered["contacts"] = contacts
    return registered


def register(inst: Installation, metadata: object) -> dict[str, Any]:
    """Register a client (RFC 7591 §3.1): the 201 answer's body."""
    registered = checked_metadata(metadata)
    client_id = "lerc_" + secrets.token_urlsafe(18)
    secret = None
    if registered["token_endpoint_auth_method"] != "none":
        secret = "lercs_" + secrets.token_urlsafe(32)
    now = inst.now()
    with inst.db.transaction() as tx:
        oauth_store.add_client(
            tx, client_id, None if secret is None else token_hash(secret),
            registered["token_endpoint_auth_method"], registered, now.isoformat(),
        )  # fmt: skip
    answer: dict[str, Any] = {"client_id": client_id, "client_id_issued_at": _epoch(now)}
    if secret is not None:
        answer.update(client_secret=secret, client_secret_expires_at=0)  # 0: never expires
    return answer | registered


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _basic(authorization: str | None) -> tuple[str, str] | None:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    # RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def _invalid_client(description: str) -> OAuthError:
    return OAuthError(
        "invalid_client", description, 401, {"WWW-Authenticate": 'Basic realm="oauth"'}
    )


def authenticate(
    inst: Installation, authorization: str | None, form: Mapping[str, str]
) -> ClientRecord:
    """The client making a token or revocation request (RFC 6749 §2.3), or ``invalid_client``
    (401): Basic credentials, else ``client_id`` and ``client_secret`` in the form, else a
    public client naming itself by ``client_id``."""
    basic = _basic(authorization)
    if basic is not None:
        client_id, secret, method = basic[0], basic[1], "client_secret_basic"
    elif form.get("client_secret"):
        client_id, secret, method = (
            form.get("client_id", ""),
            form["client_secret"],
            ("client_secret_post"),
        )
    else:
        client_id, secret, method = form.get("client_id", ""), "", "none"
    with inst.db.transaction() as tx:
        client = oauth_store.get_client(tx, client_id) if client_id else None
    if client is None:
        raise _invalid_client("unknown client")
    if client.secret_hash is None:
        if method != "none":
            raise _invalid_client("this client is public: it has no secret")
        return client
    if method == "none" or not hmac.compare_digest(token_hash(secret), client.secret_hash):
        raise _invalid_client("the client's credentials are wrong or missing")
    return client


def get(inst: Installation, client_id: str) -> ClientRecord | None:
    with inst.db.transaction() as tx:
        return oauth_store.get_client(tx, client_id)
