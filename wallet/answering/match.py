"""What in the learner's wallet matches a verifier's request: one :class:`QueryMatch` per
credential query, in a :class:`RequestView`.

An OpenID4VP request is matched with its DCQL query (:mod:`vckit.protocols.dcql`), credential sets
included (§6.4.2: :func:`check_sets`); a VC-API request by credential type
(``QueryByExample``, :mod:`wallet.answering.vpr`), with ``DIDAuthentication`` noted. The
request itself is opened by :mod:`wallet.answering.request`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vckit.protocols.dcql import CredentialQuery, evaluate
from vckit.protocols.oid4vp import AuthorizationRequest, validate_request
from wallet.answering import query_words
from wallet.answering.prefer import shows_asked_value
from wallet.answering.request import OID4VP, get_request
from wallet.answering.vpr import parse_vpr, vpr_matches
from wallet.errors import InvalidInputError
from wallet.installation import Installation
from wallet.sharing import present
from wallet.sharing.present import Held
from wallet.store import AccountRecord, RequestRecord


@dataclass(frozen=True)
class QueryMatch:
    """One credential query (DCQL) or QueryByExample, and the learner's matching credentials."""

    query_id: str
    label: str  # in words (:mod:`wallet.answering.query_words`)
    required: bool
    multiple: bool
    matches: tuple[Held, ...]
    technical: str = ""  # the format and type names, for a small note
    meets: frozenset[str] = frozenset()  # ids of matches showing the claims asked for
    asks: tuple[str, ...] = ()  # the claims with values asked for, in words

    def preselected(self, record_id: str, first: bool) -> bool:
        """Ticked when the page opens: those meeting the claims asked for; without such
        claims, the first match of a required query (one credential, not everything)."""
        if self.asks:
            return record_id in self.meets and (self.multiple or first)
        return first and (self.required or self.multiple)


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
    requester: str = ""  # client_name, or the host the answer goes to
    response_uri: str | None = None
    state: str | None = None
    conditions: tuple[str, ...] = ()  # in words (:func:`query_words.conditions`)

    @property
    def asks(self) -> tuple[str, ...]:
        """Every claim asked for, in words, once (the top of the request page)."""
        return tuple(dict.fromkeys(a for q in self.queries for a in q.asks))


def _meets(query: CredentialQuery, held: Held) -> bool:
    """§6.4.1: the claims chosen for this credential include one asked with ``values``
    (skill names compared as the verifier does: :mod:`wallet.answering.prefer`)."""
    return held.credential is not None and shows_asked_value(query, held.credential)


def _asks(query: CredentialQuery) -> tuple[str, ...]:
    return tuple(
        query_words.asked_claim(c.path, c.values)
        for c in query.claims or ()
        if c.values is not None
    )


def requester_of(client_metadata: Mapping[str, Any] | None, response_uri: str) -> str:
    """§11.1 ``client_name`` when the request gives one (short, one line), else the host
    the presentation would be sent to."""
    name = (client_metadata or {}).get("client_name")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())[:200]
    return urlsplit(response_uri).netloc or response_uri


def requester_of_record(record: RequestRecord) -> str:
    """Who asks, for the list of requests (as :attr:`RequestView.requester`)."""
    if record.kind == OID4VP:
        request = record.request
        metadata = request.get("client_metadata")
        uri = request.get("response_uri")
        return requester_of(metadata if isinstance(metadata, dict) else None, str(uri or ""))
    domain = record.request.get("domain")
    return domain if isinstance(domain, str) and domain else "a verifier"


def _oid4vp_view(record: RequestRecord, holdings: Sequence[Held]) -> RequestView:
    request = validate_request(record.request)
    readable = [h for h in holdings if h.candidate is not None]
    by_id = {h.record.id: h for h in readable}
    evaluation = evaluate(request.dcql_query, [h.candidate for h in readable if h.candidate])
    required = _required_ids(request)
    queries = []
    for q in request.dcql_query.credentials:
        matches = tuple(by_id[c.id] for c in evaluation.matches[q.id])
        meets = frozenset(h.record.id for h in matches if _meets(q, h))
        # those that meet first, each group in the wallet's order
        ordered = tuple(sorted(matches, key=lambda h: h.record.id not in meets))
        types = _query_types(q.meta)
        queries.append(
            QueryMatch(
                q.id,
                query_words.title(q.format, types),
                q.id in required,
                q.multiple,
                ordered,
                query_words.technical(q.format, types),
                meets,
                _asks(q),
            )  # fmt: skip
        )
    unreadable = tuple(h for h in holdings if h.candidate is None)
    return RequestView(
        record, request.client_id, request.nonce, tuple(queries), evaluation.satisfied,
        unreadable=unreadable,
        requester=requester_of(request.client_metadata, request.response_uri),
        response_uri=request.response_uri, state=request.state,
        conditions=query_words.conditions(record.request.get(query_words.CONDITIONS_PARAMETER)),
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
    :func:`check_sets` makes sure one option of every required set is answered)."""
    query = request.dcql_query
    if query.credential_sets is None:
        return {q.id for q in query.credentials}
    return {
        i
        for s in query.credential_sets
        if s.required
        for i in set.intersection(*(set(o) for o in s.options))
    }


def check_sets(record: RequestRecord, answered: Collection[str]) -> None:
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
        unreadable=tuple(h for h in holdings if h.candidate is None),
        requester=vpr.domain or "a verifier (the request names no domain)",
    )  # fmt: skip


def view(inst: Installation, account: AccountRecord, request_id: str) -> RequestView:
    record = get_request(inst, account, request_id)
    holdings = present.candidates(inst, account)
    if record.kind == OID4VP:
        return _oid4vp_view(record, holdings)
    return _vpr_view(record, holdings)
