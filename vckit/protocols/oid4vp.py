"""OpenID for Verifiable Presentations 1.0 (final): the wallet's side of a request.

Read an authorization request (a link's query parameters, a request object, or the same
parameters as JSON), validate what this wallet supports, and build the ``direct_post``
response. Supported, and nothing else (each refusal names the parameter):

* ``response_type=vp_token`` (§5.4) with ``response_mode=direct_post`` (§8.2);
* the ``redirect_uri:`` Client Identifier Prefix (§5.9.3): the original client identifier
  IS the Response URI, requests are unsigned (a signed request object is refused: there
  is no key to check it with);
* a ``dcql_query`` (§6); ``scope``-only requests and ``transaction_data`` are refused.

Holder binding for ``ldp_vc`` (Appendix B.1.3.2.5 and §14.1.2): the presentation's proof
carries ``challenge`` = the request's ``nonce`` and ``domain`` = the full ``client_id``
(prefix included). Pure: fetching ``request_uri`` and POSTing to ``response_uri`` are the
caller's.

The verifier's side (same prefix, same response mode): :func:`redirect_uri_client_id`,
:func:`unsigned_request_object` (served at ``request_uri``) and :func:`request_link`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from vckit.document import parse_json
from vckit.errors import AuthorizationRequestError, DcqlQueryError, InputError, JoseError
from vckit.jose.vc_jwt import peek
from vckit.protocols.dcql import DcqlQuery, parse_query

SUPPORTED_PREFIX = "redirect_uri"
REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"  # RFC 9101 §10.8, required by OpenID4VP §5
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"
_URL_SAFE = re.compile(r"[A-Za-z0-9\-._~]+")  # §5.2 nonce / state: ASCII URL-safe characters
KNOWN_PREFIXES = (
    "redirect_uri",
    "openid_federation",
    "decentralized_identifier",
    "verifier_attestation",
    "x509_san_dns",
    "x509_hash",
    "origin",
)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated request. ``client_id`` is the full Client Identifier, prefix included
    (§5.9.1: that whole string is the audience of the presentation)."""

    client_id: str
    response_uri: str
    nonce: str
    state: str | None
    dcql_query: DcqlQuery
    dcql_json: dict[str, Any]
    client_metadata: dict[str, Any] | None
    parameters: dict[str, Any]


def _refuse(message: str) -> AuthorizationRequestError:
    return AuthorizationRequestError(message)


def link_parameters(link: str) -> dict[str, str]:
    """The query parameters of a request link (``openid4vp://?client_id=...&...`` or any
    URL the verifier shows): each parameter once (RFC 6749 §3.1: parameters MUST NOT be
    repeated)."""
    parts = urlsplit(link.strip())
    if not parts.scheme or not parts.query:
        raise _refuse("the link has no request parameters (expected openid4vp://?client_id=...)")
    try:
        pairs = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise _refuse(f"the link's query string cannot be read: {exc}") from None
    repeated = sorted(name for name, values in pairs.items() if len(values) > 1)
    if repeated:
        raise _refuse(f"request parameters must not repeat: {', '.join(repeated)}")
    return {name: values[0] for name, values in pairs.items()}


def request_object_claims(token: str, client_id: str | None) -> dict[str, Any]:
    """The claims of a Request Object (RFC 9101 §4, OpenID4VP §5): ``typ`` MUST be
    ``oauth-authz-req+jwt``; with the ``redirect_uri:`` prefix the object is unsigned
    (``alg: none``, empty signature, §5.9.3). Its ``client_id`` must equal the one of the
    link when the link names one (RFC 9101 §5)."""
    try:
        header, claims = peek(token)
    except JoseError as exc:
        raise _refuse(f"the request object is not a JWT: {exc}") from None
    if header.get("typ") != REQUEST_OBJECT_TYP:
        raise _refuse(f"the request object's typ must be {REQUEST_OBJECT_TYP!r}")
    if header.get("alg") != "none" or not token.strip().endswith("."):
        raise _refuse(
            "the request object is signed; this wallet accepts only the redirect_uri: client "
            "identifier prefix, whose requests cannot be signed (OpenID4VP §5.9.3)"
        )
    if client_id is not None and claims.get("client_id") != client_id:
        raise _refuse("the request object's client_id differs from the link's client_id")
    return claims


def client_identifier_prefix(client_id: str) -> tuple[str, str]:
    """§5.9.1: (prefix, original client identifier); the prefix is what precedes the first
    ':'. Only ``redirect_uri`` is supported; anything else is refused by name."""
    prefix, colon, original = client_id.partition(":")
    if not colon:
        raise _refuse(
            f"client_id {client_id!r} has no client identifier prefix: pre-registered "
            "verifiers are not supported; use redirect_uri:<response URI>"
        )
    if prefix != SUPPORTED_PREFIX:
        known = "a known" if prefix in KNOWN_PREFIXES else "an unknown"
        raise _refuse(
            f"client_id uses {known} client identifier prefix {prefix!r}; this wallet "
            f"supports only {SUPPORTED_PREFIX!r}"
        )
    return prefix, original


def _string(params: Mapping[str, Any], name: str, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _refuse(f"the request has no {name}")
        return None
    if not isinstance(value, str):
        raise _refuse(f"{name} must be a string")
    return value


def _json_object(value: object, name: str) -> dict[str, Any] | None:
    """§5.1: object parameters travel as JSON strings in a URL, as objects in JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = parse_json(value)
        except InputError:
            raise _refuse(f"{name} is not valid JSON") from None
    if not isinstance(value, dict):
        raise _refuse(f"{name} must be a JSON object")
    return value


def check_response_uri(response_uri: str, original_client_id: str) -> None:
    """§8.2: with the ``redirect_uri:`` prefix the response URI is the original client
    identifier, an absolute http(s) URL (which schemes and hosts may be reached is the
    wallet's outbound policy)."""
    if response_uri != original_client_id:
        raise _refuse(
            "response_uri must equal the client_id without its redirect_uri: prefix "
            "(OpenID4VP §5.9.3)"
        )
    parts = urlsplit(response_uri)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise _refuse(f"response_uri {response_uri!r} is not an absolute https URL")


def validate_request(params: Mapping[str, Any]) -> AuthorizationRequest:
    """Validate the parameters of an authorization request (after any request object was
    read) against §5, §5.9, §6, §8.2; AuthorizationRequestError names what is wrong."""
    if params.get("response_type") != "vp_token":
        raise _refuse("response_type must be 'vp_token'")
    if params.get("response_mode") != "direct_post":
        raise _refuse(
            f"response_mode {params.get('response_mode')!r} is not supported; only 'direct_post' is"
        )
    client_id = _string(params, "client_id") or ""
    _, original = client_identifier_prefix(client_id)
    if "redirect_uri" in params:
        raise _refuse("redirect_uri must not be present with response_mode direct_post (§8.2)")
    response_uri = _string(params, "response_uri", required=False) or original
    check_response_uri(response_uri, original)
    nonce = _string(params, "nonce") or ""
    if not _URL_SAFE.fullmatch(nonce):
        raise _refuse("nonce must be ASCII URL-safe characters (§5.2)")
    state = _string(params, "state", required=False)
    if state is not None and not _URL_SAFE.fullmatch(state):
        raise _refuse("state must be ASCII URL-safe characters (§5.2)")
    if "transaction_data" in params:
        raise _refuse("transaction_data is not supported by this wallet (§5.1)")
    dcql = _json_object(params.get("dcql_query"), "dcql_query")
    if dcql is None:
        raise _refuse("the request has no dcql_query (scope-based requests are not supported)")
    if params.get("scope"):
        raise _refuse("the request has both dcql_query and scope (§5.1)")
    try:
        query = parse_query(dcql)
    except DcqlQueryError as exc:
        raise _refuse(str(exc)) from None
    metadata = _json_object(params.get("client_metadata"), "client_metadata")
    return AuthorizationRequest(
        client_id, response_uri, nonce, state, query, dcql, metadata, dict(params)
    )


def check_request_uri_method(params: Mapping[str, Any]) -> None:
    """§5.1 ``request_uri_method``: ``get`` or ``post`` (a wallet without ``post`` uses GET)."""
    method = params.get("request_uri_method")
    if method is not None and method not in ("get", "post"):
        raise _refuse("request_uri_method must be 'get' or 'post' (invalid_request_uri_method)")
    if method is not None and "request_uri" not in params:
        raise _refuse("request_uri_method without request_uri")


def vp_token(presentations: Mapping[str, list[Any]]) -> str:
    """§8.1 ``vp_token``: a JSON object, credential query id -> array of presentations."""
    return json.dumps(dict(presentations), separators=(",", ":"), ensure_ascii=False)


def direct_post_form(token: str, state: str | None) -> dict[str, str]:
    """§8.2: the form fields POSTed to the response URI."""
    form = {"vp_token": token}
    if state is not None:
        form["state"] = state
    return form


# --- the verifier's side: writing a request -----------------------------------------------


def redirect_uri_client_id(response_uri: str) -> str:
    """§5.9.3: the Client Identifier of a verifier using the ``redirect_uri:`` prefix."""
    return f"{SUPPORTED_PREFIX}:{response_uri}"


def unsigned_request_object(claims: Mapping[str, Any]) -> str:
    """RFC 9101 §4 / OpenID4VP §5.9.3: the Request Object of a ``redirect_uri:`` verifier,
    which cannot sign it: header ``{"alg": "none", "typ": "oauth-authz-req+jwt"}`` and an
    empty signature (RFC 7519 §6.1, Unsecured JWT)."""
    header = {"alg": "none", "typ": REQUEST_OBJECT_TYP}

    def segment(value: Mapping[str, Any]) -> str:
        text = json.dumps(dict(value), separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")

    return f"{segment(header)}.{segment(claims)}."


def request_link(parameters: Mapping[str, Any], base: str = "openid4vp://") -> str:
    """§5.1 / §5.2: the request as a URL; object-valued parameters travel as JSON strings.
    Pass ``{"client_id": ..., "request_uri": ...}`` for a request by reference."""
    pairs = {
        name: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        for name, value in parameters.items()
    }
    return f"{base}?{urlencode(pairs, quote_via=quote)}"
