"""Open a verifier's request for a presentation: read it, validate it, keep it.

Two kinds of request, pasted or opened by the learner:

* **OpenID4VP 1.0** (:data:`OID4VP`): a link ``openid4vp://?client_id=...&request_uri=...``
  (the request object is fetched through :mod:`wallet.outbound`), a link carrying the
  parameters by value, or the parameters as a JSON object. Validated by
  :mod:`vckit.protocols.oid4vp` (``redirect_uri:`` client identifiers and ``direct_post`` only); the
  ``response_uri`` must be https (:func:`check_response_uri_policy`).
* **VC-API presentation request** (:data:`VC_API`, W3C CCG Verifiable Presentation Request):
  ``{"query": [...], "challenge": ..., "domain": ...}`` (optionally wrapped in
  ``verifiablePresentationRequest``), read by :mod:`wallet.answering.vpr`.

:func:`open_request` keeps one request per nonce (challenge): a request whose nonce was
answered already is refused, a replay. What matches it is :mod:`wallet.answering.match`;
answering it is :mod:`wallet.answering.answer`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from servicekit.db import ConflictError as DuplicateKey
from vckit.document import parse_json
from vckit.errors import InputError, VckitError
from vckit.protocols.oid4vp import (
    REQUEST_OBJECT_MEDIA_TYPE,
    check_request_uri_method,
    link_parameters,
    request_object_claims,
    validate_request,
)
from wallet import store
from wallet.answering.vpr import parse_vpr
from wallet.errors import ConflictError, InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.outbound import OutboundError
from wallet.store import AccountRecord, RequestRecord

OID4VP = "openid4vp"
VC_API = "vc-api"
MAX_REQUEST_CHARS = 100_000


def _local_http_allowed(inst: Installation, url: str) -> bool:
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    return parts.scheme == "http" and local and inst.settings.allow_http_localhost


def check_response_uri_policy(inst: Installation, url: str) -> None:
    """The response URI must be https (plain http only to localhost, when the wallet's
    settings allow it for the local demo)."""
    if urlsplit(url).scheme != "https" and not _local_http_allowed(inst, url):
        raise InvalidInputError(
            f"the verifier's response_uri {url!r} is not https; the presentation would travel "
            "in the clear (plain http is allowed only to localhost, and only when the "
            "wallet's settings allow it)"
        )


def _fetch_request_object(inst: Installation, request_uri: str) -> str:
    """RFC 9101 §5.2: GET the request object (no redirects, the outbound policy)."""
    try:
        answer = inst.http.get(request_uri, headers={"Accept": REQUEST_OBJECT_MEDIA_TYPE})
    except OutboundError as exc:
        raise InvalidInputError(f"the request object could not be fetched: {exc}") from None
    if answer.status != 200:
        raise InvalidInputError(f"the verifier answered HTTP {answer.status} for request_uri")
    try:
        return answer.body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise InvalidInputError("the request object is not a JWT") from None


def oid4vp_parameters(inst: Installation, params: Mapping[str, Any]) -> dict[str, Any]:
    """The request's parameters, from a request object when there is one (§5, RFC 9101)."""
    check_request_uri_method(params)
    client_id = params.get("client_id") if isinstance(params.get("client_id"), str) else None
    if "request_uri" in params and "request" in params:
        raise InvalidInputError("the request has both request and request_uri")
    if isinstance(params.get("request_uri"), str):
        token = _fetch_request_object(inst, params["request_uri"])
        return request_object_claims(token, client_id)
    if isinstance(params.get("request"), str):
        return request_object_claims(params["request"], client_id)
    return dict(params)


def read_request(inst: Installation, text: str) -> tuple[str, dict[str, Any]]:
    """(kind, request as kept): an OpenID4VP link or JSON parameters, or a VC-API VPR."""
    text = text.strip()
    if not text:
        raise InvalidInputError("paste a request link or a request (JSON)")
    if len(text) > MAX_REQUEST_CHARS:
        raise InvalidInputError(f"a request has at most {MAX_REQUEST_CHARS} characters")
    if not text.startswith(("{", "[")):
        params: dict[str, Any] = dict(link_parameters(text))
    else:
        try:
            value = parse_json(text)
        except InputError as exc:
            raise InvalidInputError(f"the request is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise InvalidInputError("the request must be a JSON object")
        if "query" in value or "verifiablePresentationRequest" in value:
            return VC_API, parse_vpr(value).request
        params = value
    resolved = oid4vp_parameters(inst, params)
    request = validate_request(resolved)
    check_response_uri_policy(inst, request.response_uri)
    return OID4VP, resolved


def _audience_and_nonce(kind: str, request: Mapping[str, Any]) -> tuple[str, str]:
    if kind == OID4VP:
        parsed = validate_request(request)
        return parsed.client_id, parsed.nonce
    vpr = parse_vpr(request)
    return vpr.domain or "", vpr.challenge


def open_request(inst: Installation, account: AccountRecord, text: str) -> RequestRecord:
    """Read, validate and keep a request. The same request opened again is the same
    record; a nonce (challenge) already answered is refused: a replay."""
    try:
        kind, request = read_request(inst, text)
        audience, nonce = _audience_and_nonce(kind, request)
    except VckitError as exc:
        raise InvalidInputError(str(exc)) from None
    with inst.db.transaction() as tx:
        seen = store.find_request_by_nonce(tx, account.id, kind, nonce)
    if seen is not None:
        if seen.state != "pending":
            raise ConflictError(
                "this request was answered already (its nonce was used): a request is "
                "answered once; ask the verifier for a fresh one"
            )
        if _audience_and_nonce(kind, seen.request)[0] != audience:
            raise ConflictError("another verifier's request used this nonce already")
        return seen
    try:
        with inst.db.transaction() as tx:
            return store.add_request(
                tx, account.id, kind=kind, request=request, nonce=nonce,
                state="pending", created=inst.stamp(),
            )  # fmt: skip
    except DuplicateKey:
        raise ConflictError("this request is open already") from None


def get_request(inst: Installation, account: AccountRecord, request_id: str) -> RequestRecord:
    with inst.db.transaction() as tx:
        record = store.get_request(tx, account.id, request_id)
    if record is None:
        raise NotFoundError("no such request")
    return record


def all_of(inst: Installation, account: AccountRecord) -> list[RequestRecord]:
    """The verifiers' requests the learner opened, newest first."""
    with inst.db.transaction() as tx:
        return store.list_requests(tx, account.id)
