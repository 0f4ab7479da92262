"""Answer a verifier's request for a presentation.

Two kinds of request, pasted or opened by the learner:

* **OpenID4VP 1.0** (``openid4vp``): a link ``openid4vp://?client_id=...&request_uri=...``
  (the request object is fetched through :mod:`wallet.http`), a link carrying the
  parameters by value, or the parameters as a JSON object. Validated by
  :mod:`vckit.oid4vp` (``redirect_uri:`` client identifiers and ``direct_post`` only);
  credentials are matched with the DCQL query (:mod:`vckit.dcql`); the answer is POSTed
  to the ``response_uri`` as ``vp_token`` + ``state`` (§8.2). Each presentation's proof
  carries ``challenge`` = ``nonce`` and ``domain`` = ``client_id`` (Appendix B.1.3.2.5).
* **VC-API presentation request** (``vc-api``, W3C CCG Verifiable Presentation Request):
  ``{"query": [...], "challenge": ..., "domain": ...}`` (optionally wrapped in
  ``verifiablePresentationRequest``) with ``QueryByExample`` (matched by credential type)
  and/or ``DIDAuthentication``; the answer is a presentation offered as a download.

Flow: :func:`open_request` keeps the request (one per nonce/challenge: a request whose
nonce was answered already is refused), :func:`view` shows what matches,
:func:`prepare` signs the presentations and keeps them so the learner sees exactly what
will go, :func:`send` / :func:`download` deliver exactly those, once, and log it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from servicekit.db import ConflictError as DuplicateKey
from vckit.dcql import evaluate
from vckit.errors import VckitError
from vckit.oid4vp import (
    REQUEST_OBJECT_MEDIA_TYPE,
    AuthorizationRequest,
    check_request_uri_method,
    direct_post_form,
    link_parameters,
    request_object_claims,
    validate_request,
    vp_token,
)
from wallet import answer_sd, present, query_words, store
from wallet.answer_vpr import VprRequest, parse_vpr, vpr_matches
from wallet.errors import ConflictError, InvalidInputError, NotFoundError
from wallet.http import OutboundError
from wallet.installation import Installation
from wallet.present import Held
from wallet.store import AccountRecord, PresentationRecord, RequestRecord

OID4VP = "openid4vp"
VC_API = "vc-api"
MAX_REQUEST_CHARS = 100_000


@dataclass(frozen=True)
class QueryMatch:
    """One credential query (DCQL) or QueryByExample, and the learner's matching credentials."""

    query_id: str
    label: str  # in words (:mod:`wallet.query_words`)
    required: bool
    multiple: bool
    matches: tuple[Held, ...]
    technical: str = ""  # the format and type names, for a small note


@dataclass(frozen=True)
class RequestView:
    record: RequestRecord
    verifier: str  # the audience: OpenID4VP client_id, or the VPR's domain
    nonce: str
    queries: tuple[QueryMatch, ...]
    satisfied: bool
    did_auth: bool = False
    reason: str | None = None
    unreadable: tuple[Held, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SendResult:
    status: int
    accepted: bool
    redirect_uri: str | None


# --- opening a request ------------------------------------------------------------------------


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
            value = json.loads(text)
        except ValueError as exc:
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


# --- what matches -----------------------------------------------------------------------------


def _oid4vp_view(record: RequestRecord, holdings: Sequence[Held]) -> RequestView:
    request = validate_request(record.request)
    readable = [h for h in holdings if h.candidate is not None]
    by_id = {h.record.id: h for h in readable}
    evaluation = evaluate(request.dcql_query, [h.candidate for h in readable if h.candidate])
    required = _required_ids(request)
    queries = tuple(
        QueryMatch(
            q.id,
            query_words.title(q.format, _query_types(q.meta)),
            q.id in required,
            q.multiple,
            tuple(by_id[c.id] for c in evaluation.matches[q.id]),
            query_words.technical(q.format, _query_types(q.meta)),
        )
        for q in request.dcql_query.credentials
    )
    unreadable = tuple(h for h in holdings if h.candidate is None)
    return RequestView(
        record, request.client_id, request.nonce, queries, evaluation.satisfied,
        unreadable=unreadable,
    )  # fmt: skip


def _query_types(meta: Mapping[str, Any]) -> list[str]:
    """The types a DCQL query names: its first ``type_values`` alternative, or its
    ``vct_values``."""
    alternatives = meta.get("type_values")
    if isinstance(alternatives, list) and alternatives and isinstance(alternatives[0], list):
        return [str(t) for t in alternatives[0]]
    vct = meta.get("vct_values")
    return [str(t) for t in vct] if isinstance(vct, list) else []


def _required_ids(request: AuthorizationRequest) -> set[str]:
    """§6.4.2: every query without credential_sets; else those in every option of a
    required set (alternatives, e.g. ldp_vc or dc+sd-jwt, are each optional on their own:
    :func:`_check_sets` makes sure one option of every required set is answered)."""
    query = request.dcql_query
    if query.credential_sets is None:
        return {q.id for q in query.credentials}
    return {
        i
        for s in query.credential_sets
        if s.required
        for i in set.intersection(*(set(o) for o in s.options))
    }


def _check_sets(record: RequestRecord, answered: Collection[str]) -> None:
    """§6.4.2: every required credential set has an option whose queries are all answered."""
    if record.kind != OID4VP:
        return
    sets = validate_request(record.request).dcql_query.credential_sets or ()
    for credential_set in sets:
        if credential_set.required and not any(
            all(i in answered for i in option) for option in credential_set.options
        ):
            wanted = " or ".join("+".join(option) for option in credential_set.options)
            raise InvalidInputError(f"choose a credential for {wanted}")


def _vpr_query(query_id: str, types: Sequence[str], matches: tuple[Held, ...]) -> QueryMatch:
    title, tech = query_words.title("", types), query_words.technical("", types)
    return QueryMatch(query_id, title, True, True, matches, tech)


def _vpr_view(record: RequestRecord, holdings: Sequence[Held]) -> RequestView:
    vpr = parse_vpr(record.request)
    queries = tuple(
        _vpr_query(f"q{i}", label.split(" + "), matches)
        for i, (label, matches) in enumerate(vpr_matches(vpr, holdings))
    )
    satisfied = all(q.matches for q in queries)
    return RequestView(
        record, vpr.domain or "(no domain given)", vpr.challenge, queries, satisfied,
        did_auth=vpr.did_auth, reason=vpr.reason,
    )  # fmt: skip


def view(inst: Installation, account: AccountRecord, request_id: str) -> RequestView:
    record = get_request(inst, account, request_id)
    holdings = present.holdings(inst, account)
    if record.kind == OID4VP:
        return _oid4vp_view(record, holdings)
    return _vpr_view(record, holdings)


# --- prepare, send, download ------------------------------------------------------------------


def _check_pending(record: RequestRecord) -> None:
    if record.state != "pending":
        raise ConflictError("this request was answered already; a request is answered once")


def _checked_choices(
    request_view: RequestView, choices: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Only matching credentials, one per query unless ``multiple``, every required query
    answered (§6.4.2: credentials not matching MUST NOT be returned)."""
    out: dict[str, list[str]] = {}
    for q in request_view.queries:
        chosen = list(dict.fromkeys(choices.get(q.query_id, ())))
        allowed = {h.record.id for h in q.matches}
        if any(c not in allowed for c in chosen):
            raise InvalidInputError(f"a chosen credential does not match query {q.query_id!r}")
        if len(chosen) > 1 and not q.multiple:
            raise InvalidInputError(f"query {q.query_id!r} takes one credential")
        if not chosen and q.required:
            raise InvalidInputError(f"choose a credential for {q.query_id!r}")
        if chosen:
            out[q.query_id] = chosen
    return out


def prepare(
    inst: Installation,
    account: AccountRecord,
    request_id: str,
    choices: Mapping[str, Sequence[str]],
    shown: answer_sd.Shown | None = None,
) -> dict[str, list[PresentationRecord]]:
    """Sign what will be sent and keep it: query id -> presentations (OpenID4VP: one
    presentation per chosen credential; VC-API: one presentation of all, under "all").
    ``shown``: credential id -> the fields that go (:mod:`wallet.answer_sd`); a credential
    not named goes with every field."""
    shown = shown or {}
    request_view = view(inst, account, request_id)
    record = request_view.record
    _check_pending(record)
    chosen = _checked_choices(request_view, choices)
    _check_sets(record, chosen)
    audience, nonce = request_view.verifier, request_view.nonce
    if record.kind == VC_API:
        ids = [c for ids in chosen.values() for c in ids]
        if not ids and not request_view.did_auth:
            raise InvalidInputError("choose at least one credential")
        domain = parse_vpr(record.request).domain
        vp = answer_sd.signed_ldp(inst, account, ids, shown, challenge=nonce, domain=domain)
        return {"all": [vp]}
    request = validate_request(record.request)
    out: dict[str, list[PresentationRecord]] = {}
    for query_id, ids in chosen.items():
        query = request.dcql_query.query(query_id)
        answer_sd.check_query_format(query.format)
        if not query.require_cryptographic_holder_binding:
            raise InvalidInputError(
                "this wallet sends credentials only inside a signed presentation"
            )
        out[query_id] = [
            answer_sd.sd_jwt_kb(inst, account, c, shown, nonce=nonce, audience=audience)
            if query.format == "dc+sd-jwt"
            else answer_sd.signed_ldp(inst, account, [c], shown, challenge=nonce, domain=audience)
            for c in ids
        ]
    return out


def _prepared(
    inst: Installation, account: AccountRecord, nonce: str, domain: str | None,
    presentation_ids: Mapping[str, Sequence[str]],
) -> dict[str, list[dict[str, Any] | str]]:  # fmt: skip
    """The kept presentations, each checked to be the learner's and bound to this request
    (a signed presentation, or an SD-JWT with its Key Binding JWT)."""
    out: dict[str, list[dict[str, Any] | str]] = {}
    for query_id, ids in presentation_ids.items():
        for presentation_id in ids:
            document = present.get(inst, account, presentation_id).document
            if not answer_sd.is_bound(document, nonce, domain):
                raise InvalidInputError(
                    "only a signed presentation bound to this request can be sent"
                )
            out.setdefault(query_id, []).append(document)
    if not out:
        raise InvalidInputError("nothing to send")
    return out


def _log(
    inst: Installation, account: AccountRecord, kind: str, recipient: str,
    documents: Sequence[Mapping[str, Any] | str], detail: dict[str, Any],
) -> None:  # fmt: skip
    ids = answer_sd.credential_ids_of(inst, account, documents)
    with inst.db.transaction() as tx:
        store.add_share_log(
            tx, account.id, kind=kind, recipient=recipient,
            credential_ids=ids, at=inst.stamp(), detail=detail,
        )  # fmt: skip


def send(
    inst: Installation,
    account: AccountRecord,
    request_id: str,
    presentation_ids: Mapping[str, Sequence[str]],
) -> SendResult:
    """OpenID4VP §8.2 direct_post: POST ``vp_token`` (+ ``state``) to the response URI,
    once; the request is then answered (or rejected by the verifier) and logged."""
    record = get_request(inst, account, request_id)
    if record.kind != OID4VP:
        raise InvalidInputError("this request is answered with a download")
    _check_pending(record)
    request = validate_request(record.request)
    check_response_uri_policy(inst, request.response_uri)
    documents = _prepared(inst, account, request.nonce, request.client_id, presentation_ids)
    form = direct_post_form(vp_token(documents), request.state)
    try:
        answer = inst.http.post_form(request.response_uri, form)
    except OutboundError as exc:
        raise InvalidInputError(f"the verifier could not be reached: {exc}") from None
    accepted = answer.status == 200
    redirect = None
    if accepted and answer.content_type == "application/json":
        body = answer.json() if answer.body else {}
        found = body.get("redirect_uri") if isinstance(body, dict) else None
        redirect = found if isinstance(found, str) and found.startswith("https://") else None
    with inst.db.transaction() as tx:
        state = "answered" if accepted else "rejected"
        store.update_request(tx, account.id, record.id, state=state, answered_at=inst.stamp())
    flat = [d for docs in documents.values() for d in docs]
    detail = {"request": record.id, "response_uri": request.response_uri, "status": answer.status}
    _log(inst, account, "openid4vp", request.client_id, flat, detail)
    return SendResult(answer.status, accepted, redirect)


def download(
    inst: Installation, account: AccountRecord, request_id: str, presentation_id: str
) -> dict[str, Any]:
    """A VC-API request's answer, handed to the learner once as a file; logged."""
    record = get_request(inst, account, request_id)
    if record.kind != VC_API:
        raise InvalidInputError("this request is answered by sending it to the verifier")
    _check_pending(record)
    vpr: VprRequest = parse_vpr(record.request)
    documents = _prepared(inst, account, vpr.challenge, vpr.domain, {"all": [presentation_id]})
    document = documents["all"][0]
    if not isinstance(document, dict):
        raise InvalidInputError("only a signed presentation can be downloaded")
    with inst.db.transaction() as tx:
        store.update_request(tx, account.id, record.id, state="answered", answered_at=inst.stamp())
    recipient = vpr.domain or "(a verifier, by download)"
    _log(inst, account, "download", recipient, [document], {"request": record.id})
    return document
