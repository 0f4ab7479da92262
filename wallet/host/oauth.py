"""The host's OAuth 2.0 authorization server (OB 3.0 §7.1-7.3): the learner's consent gives a
client an authorization code (RFC 6749 §4.1) bound to a PKCE S256 challenge (RFC 7636; OB 3.0
requires PKCE), the code buys an access token and a refresh token once, refreshing rotates
the refresh token, and revocation (RFC 7009) ends a token, or a whole grant.

::

    request = authorization_request(inst, query)     # NoRedirect | RedirectError
    url = approve(inst, account, request)            # redirect_uri?code=…&scope=…&state=…
    answer = exchange(inst, client, form)            # the token endpoint's JSON
    revoke(inst, client, form)                       # RFC 7009: always "200" unless refused
    token = access(inst, bearer, scopes.CREDENTIAL_READ)   # HostError 401 / 403

Codes live :data:`CODE_SECONDS`, access tokens :data:`ACCESS_SECONDS`; refresh tokens until
used or revoked. A code used twice is refused and every token of its grant is revoked
(RFC 6749 §4.1.2: the code may have been stolen). Each grant is logged in the learner's share
log ("oauth-grant"), as any other sharing.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from servicekit.api_tokens import token_hash
from wallet import store
from wallet.host import clients, scopes
from wallet.host.errors import HostError, OAuthError
from wallet.installation import Installation
from wallet.store import AccountRecord
from wallet.store import oauth as oauth_store
from wallet.store.oauth import ClientRecord, CodeRecord, GrantRecord, TokenRecord

Token = TokenRecord
"""An access token as :func:`access` finds it (for the web layer, which never imports the store)."""

CODE_SECONDS = 600
ACCESS_SECONDS = 3600
PKCE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.1 (verifier), §4.2 (S256 challenge)
SHARE_LOG_KIND = "oauth-grant"


class NoRedirect(Exception):
    """An authorization request that must not redirect (unknown client, a redirect URI not
    registered: RFC 6749 §4.1.2.1): the learner is told instead."""


class RedirectError(Exception):
    """An authorization request refused back to the client at its redirect URI."""

    def __init__(self, redirect_uri: str, error: str, description: str, state: str | None):
        super().__init__(description)
        self.url = with_query(
            redirect_uri, {"error": error, "error_description": description, "state": state}
        )


@dataclass(frozen=True)
class AuthorizationRequest:
    client: ClientRecord
    redirect_uri: str  # the registered URI the answer goes to
    redirect_uri_given: bool  # the request named it (then the token request must repeat it)
    scope: str
    state: str | None
    code_challenge: str

    def fields(self) -> dict[str, str]:
        """The request again, as the consent form's hidden fields."""
        fields = {
            "response_type": "code",
            "client_id": self.client.id,
            "scope": self.scope,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
        }
        if self.redirect_uri_given:
            fields["redirect_uri"] = self.redirect_uri
        if self.state is not None:
            fields["state"] = self.state
        return fields


def with_query(url: str, params: Mapping[str, str | None]) -> str:
    """``url`` with ``params`` added to its query (its own query kept; None values left out)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _after(inst: Installation, seconds: int) -> str:
    return (inst.now() + timedelta(seconds=seconds)).astimezone(UTC).isoformat()


def _passed(inst: Installation, stamp: str) -> bool:
    return datetime.fromisoformat(stamp) <= inst.now()


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_request(inst: Installation, params: Mapping[str, str]) -> AuthorizationRequest:
    """The checked authorization request (RFC 6749 §4.1.1 with RFC 7636 §4.3)."""
    client = clients.get(inst, params.get("client_id", "")) if params.get("client_id") else None
    if client is None:
        raise NoRedirect("The application asking for access is not registered with this wallet.")
    registered = list(client.metadata.get("redirect_uris", []))
    given = params.get("redirect_uri")
    if given is None and len(registered) == 1:
        redirect_uri = registered[0]
    elif given in registered:
        redirect_uri = str(given)
    else:
        raise NoRedirect(
            f"{client.name} asked to send your answer to an address it did not register."
        )
    state = params.get("state")

    def refuse(error: str, description: str) -> RedirectError:
        return RedirectError(redirect_uri, error, description, state)

    if state is not None and len(state) > 1000:
        raise refuse("invalid_request", "state is longer than 1000 characters")
    if params.get("response_type") != "code":
        raise refuse("unsupported_response_type", 'response_type must be "code"')
    challenge = params.get("code_challenge", "")
    if not challenge:
        raise refuse("invalid_request", "PKCE is required: code_challenge is missing")
    if params.get("code_challenge_method") != "S256":
        raise refuse("invalid_request", 'code_challenge_method must be "S256"')
    if len(challenge) != 43 or not PKCE.match(challenge):
        raise refuse("invalid_request", "code_challenge is not a base64url SHA-256 digest")
    allowed = scopes.parse(str(client.metadata.get("scope", "")))
    asked = scopes.parse(params.get("scope")) or allowed
    outside = [item for item in asked if item not in allowed]
    if outside:
        raise refuse("invalid_scope", f"scope {outside[0][:120]} was not registered by the client")
    return AuthorizationRequest(
        client, redirect_uri, given is not None, scopes.joined(asked), state, challenge
    )


def _grant_for(inst: Installation, account: AccountRecord, request: AuthorizationRequest) -> str:
    grant_id = store.new_id()
    with inst.db.transaction() as tx:
        oauth_store.add_grant(tx, grant_id, account.id, request.client.id, request.scope,
                              inst.stamp())  # fmt: skip
        store.add_share_log(
            tx, account.id, kind=SHARE_LOG_KIND, recipient=request.client.name,
            credential_ids=[], at=inst.stamp(),
            detail={"client_id": request.client.id, "scope": request.scope,
                    "client_uri": request.client.metadata.get("client_uri")},
        )  # fmt: skip
    return grant_id


def approve(inst: Installation, account: AccountRecord, request: AuthorizationRequest) -> str:
    """The learner said yes: a new grant, a code for it, and the redirect back."""
    grant_id = _grant_for(inst, account, request)
    code = secrets.token_urlsafe(32)
    expires = _after(inst, CODE_SECONDS)
    record = CodeRecord(
        token_hash(code), grant_id, account.id, request.client.id,
        request.redirect_uri if request.redirect_uri_given else "",
        request.code_challenge, request.scope, expires, None,
    )  # fmt: skip
    with inst.db.transaction() as tx:
        oauth_store.add_code(tx, record)
    return with_query(
        request.redirect_uri, {"code": code, "scope": request.scope, "state": request.state}
    )


def deny(request: AuthorizationRequest) -> str:
    """The learner said no (RFC 6749 §4.1.2.1 ``access_denied``)."""
    return RedirectError(
        request.redirect_uri, "access_denied", "the learner did not allow access", request.state
    ).url


def _narrowed(granted: str, asked: str | None) -> str:
    """The scope of new tokens: what the token request asks, within what was granted."""
    wanted = scopes.parse(asked)
    if not wanted:
        return granted
    outside = [item for item in wanted if item not in scopes.parse(granted)]
    if outside:
        raise OAuthError("invalid_scope", f"scope {outside[0][:120]} was not granted")
    return scopes.joined(wanted)


def _tokens(
    inst: Installation, client: ClientRecord, grant: GrantRecord | CodeRecord, scope: str
) -> tuple[list[TokenRecord], dict[str, Any]]:
    grant_id = grant.id if isinstance(grant, GrantRecord) else grant.grant_id
    access = "lera_" + secrets.token_urlsafe(32)
    expires = _after(inst, ACCESS_SECONDS)
    made = [TokenRecord(token_hash(access), "access", grant_id, grant.account_id, client.id,
                        scope, expires, None)]  # fmt: skip
    answer: dict[str, Any] = {
        "access_token": access, "token_type": "Bearer", "expires_in": ACCESS_SECONDS,
        "scope": scope,
    }  # fmt: skip
    if "refresh_token" in client.metadata.get("grant_types", []):
        refresh = "lerr_" + secrets.token_urlsafe(32)
        made.append(TokenRecord(token_hash(refresh), "refresh", grant_id, grant.account_id,
                                client.id, scope, None, None))  # fmt: skip
        answer["refresh_token"] = refresh
    return made, answer


def _from_code(inst: Installation, client: ClientRecord, form: Mapping[str, str]) -> dict[str, Any]:
    code = form.get("code", "")
    verifier = form.get("code_verifier", "")
    if not code:
        raise OAuthError("invalid_request", "code is missing")
    if not verifier:
        raise OAuthError("invalid_request", "code_verifier is missing (PKCE is required)")
    now = inst.stamp()
    with inst.db.transaction() as tx:
        record, first_use = oauth_store.use_code(tx, token_hash(code), now)
        if record is not None and not first_use and record.client_id == client.id:
            oauth_store.revoke_tokens_of_grant(tx, record.grant_id, now)  # a replayed code
    if record is None or record.client_id != client.id:
        raise OAuthError("invalid_grant", "the code is unknown or was issued to another client")
    if not first_use:
        raise OAuthError("invalid_grant", "the code was used already; its tokens are revoked")
    if _passed(inst, record.expires_at):
        raise OAuthError("invalid_grant", "the code has expired")
    if form.get("redirect_uri", "") != record.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request's")
    if not PKCE.match(verifier) or s256(verifier) != record.code_challenge:
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    scope = _narrowed(record.scope, form.get("scope"))
    made, answer = _tokens(inst, client, record, scope)
    with inst.db.transaction() as tx:
        grant = oauth_store.get_grant(tx, record.account_id, record.grant_id)
        if grant is None or grant.revoked_at is not None:
            raise OAuthError("invalid_grant", "the learner has revoked this access")
        for token in made:
            oauth_store.add_token(tx, token)
    return answer


def _from_refresh(
    inst: Installation, client: ClientRecord, form: Mapping[str, str]
) -> dict[str, Any]:
    if "refresh_token" not in client.metadata.get("grant_types", []):
        raise OAuthError("unauthorized_client", "this client did not register refresh_token")
    presented = form.get("refresh_token", "")
    if not presented:
        raise OAuthError("invalid_request", "refresh_token is missing")
    now = inst.stamp()
    with inst.db.transaction() as tx:
        old = oauth_store.get_token(tx, token_hash(presented))
        if old is None or old.kind != "refresh" or old.client_id != client.id:
            raise OAuthError("invalid_grant", "the refresh token is unknown")
        if old.revoked_at is not None or not oauth_store.revoke_token(tx, old.token_hash, now):
            raise OAuthError("invalid_grant", "the refresh token was revoked or used already")
        scope = _narrowed(old.scope, form.get("scope"))
        grant = oauth_store.get_grant(tx, old.account_id, old.grant_id)
        assert grant is not None  # get_token found it through the grant
        made, answer = _tokens(inst, client, grant, scope)
        for token in made:
            oauth_store.add_token(tx, token)
    return answer


def exchange(inst: Installation, client: ClientRecord, form: Mapping[str, str]) -> dict[str, Any]:
    """The token endpoint (RFC 6749 §4.1.3, §6): the JSON answer, or :class:`OAuthError`."""
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        return _from_code(inst, client, form)
    if grant_type == "refresh_token":
        return _from_refresh(inst, client, form)
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is missing")
    raise OAuthError("unsupported_grant_type", f"grant_type {grant_type[:60]} is not supported")


def revoke(inst: Installation, client: ClientRecord, form: Mapping[str, str]) -> None:
    """RFC 7009 §2.1: revoke the token if it is this client's; a refresh token takes every
    token of its grant with it. An unknown token is no error (§2.2)."""
    presented = form.get("token", "")
    if not presented:
        raise OAuthError("invalid_request", "token is missing")
    now = inst.stamp()
    with inst.db.transaction() as tx:
        token = oauth_store.get_token(tx, token_hash(presented))
        if token is None:
            return
        if token.client_id != client.id:
            raise OAuthError("unauthorized_client", "this token was issued to another client")
        oauth_store.revoke_token(tx, token.token_hash, now)
        if token.kind == "refresh":
            oauth_store.revoke_tokens_of_grant(tx, token.grant_id, now)


def _refused(status: int, minor: str, description: str, bearer: str) -> HostError:
    return HostError(
        status, minor, description, {"WWW-Authenticate": f'Bearer realm="ob", {bearer}'}
    )


def access(inst: Installation, presented: str | None, needed: str) -> TokenRecord:
    """The access token of a resource request (RFC 6750 §3), holding ``needed``; else
    401 (no token, or not a live one) or 403 (a live token without that scope)."""
    if not presented:
        raise HostError(401, "unauthorizedrequest", "an access token is required",
                        {"WWW-Authenticate": 'Bearer realm="ob"'})  # fmt: skip
    with inst.db.transaction() as tx:
        token = oauth_store.get_token(tx, token_hash(presented))
    live = (
        token is not None and token.kind == "access" and token.revoked_at is None
        and token.expires_at is not None and not _passed(inst, token.expires_at)
    )  # fmt: skip
    if token is None or not live:
        raise _refused(401, "unauthorizedrequest", "the access token is unknown, expired or "
                       "revoked", 'error="invalid_token"')  # fmt: skip
    if needed not in scopes.parse(token.scope):
        raise _refused(403, "forbidden", f"this access token was not granted {needed}",
                       f'error="insufficient_scope", scope="{needed}"')  # fmt: skip
    return token


def connections(inst: Installation, account: AccountRecord) -> list[tuple[GrantRecord, str]]:
    """The learner's connected applications: each live grant with its client's name."""
    with inst.db.transaction() as tx:
        grants = oauth_store.list_grants(tx, account.id)
        named = []
        for grant in grants:
            client = oauth_store.get_client(tx, grant.client_id)
            named.append((grant, client.name if client is not None else grant.client_id))
    return named


def disconnect(inst: Installation, account: AccountRecord, grant_id: str) -> bool:
    """The learner revokes a connected application: the grant and all its tokens."""
    with inst.db.transaction() as tx:
        return oauth_store.revoke_grant(tx, account.id, grant_id, inst.stamp())
