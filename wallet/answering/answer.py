"""Answer a verifier's request for a presentation, once.

Flow: :func:`wallet.answering.request.open_request` keeps the request (one per nonce /
challenge), :func:`wallet.answering.match.view` shows what matches, :func:`prepare` signs the
presentations and keeps them so the learner sees exactly what will go, :func:`send` /
:func:`download` deliver exactly those, once, and log it.

* **OpenID4VP 1.0**: the answer is POSTed to the ``response_uri`` as ``vp_token`` +
  ``state`` (§8.2). Each presentation's proof carries ``challenge`` = ``nonce`` and
  ``domain`` = ``client_id`` (Appendix B.1.3.2.5); an SD-JWT goes with a Key Binding JWT.
* **VC-API presentation request**: the answer is one presentation of every chosen
  credential, offered as a download: signed with Data Integrity, or a VC-JOSE-COSE
  ``vp+jwt`` (downloaded as an ``EnvelopedVerifiablePresentation``) when the request asks for
  that envelope (:mod:`wallet.answering.vpr`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit.protocols.oid4vp import direct_post_form, validate_request, vp_token
from wallet import store
from wallet.answering import sd as answer_sd
from wallet.answering.match import RequestView, check_sets, view
from wallet.answering.request import OID4VP, VC_API, check_response_uri_policy, get_request
from wallet.answering.vpr import VprRequest, parse_vpr
from wallet.errors import ConflictError, InvalidInputError
from wallet.installation import Installation
from wallet.outbound import OutboundError
from wallet.sharing import present
from wallet.store import AccountRecord, PresentationRecord, RequestRecord

VC_V2 = "https://www.w3.org/ns/credentials/v2"


@dataclass(frozen=True)
class SendResult:
    status: int
    accepted: bool
    redirect_uri: str | None


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
    ``shown``: credential id -> the fields that go (:mod:`wallet.answering.sd`); a credential
    not named goes with every field."""
    shown = shown or {}
    request_view = view(inst, account, request_id)
    record = request_view.record
    _check_pending(record)
    chosen = _checked_choices(request_view, choices)
    check_sets(record, chosen)
    audience, nonce = request_view.verifier, request_view.nonce
    if record.kind == VC_API:
        ids = [c for ids in chosen.values() for c in ids]
        if not ids and not request_view.did_auth:
            raise InvalidInputError("choose at least one credential")
        vpr = parse_vpr(record.request)
        sign = answer_sd.signed_vp_jwt if vpr.vp_jwt else answer_sd.signed_ldp
        vp = sign(inst, account, ids, shown, challenge=nonce, domain=vpr.domain)
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
    kept = documents["all"][0]
    document = kept
    if answer_sd.is_vp_jwt(kept):  # VC 2.0 §4.13.2
        document = {
            "@context": [VC_V2],
            "id": f"data:application/vp+jwt,{kept}",
            "type": "EnvelopedVerifiablePresentation",
        }
    if not isinstance(document, dict):
        raise InvalidInputError("only a signed presentation can be downloaded")
    with inst.db.transaction() as tx:
        store.update_request(tx, account.id, record.id, state="answered", answered_at=inst.stamp())
    recipient = vpr.domain or "(a verifier, by download)"
    _log(inst, account, "download", recipient, [kept], {"request": record.id})
    return document
