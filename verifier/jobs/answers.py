"""Use case: receive what a wallet sends in answer to a request, verify it and store it.

:func:`receive_direct_post` handles the wallet's OpenID4VP answer (§8.2): finds the request by
``state``, verifies every presentation of the ``vp_token`` with ``challenge`` = nonce and
``domain`` = client_id (Appendix B.1.3.2.5, §14.1.2; for an SD-JWT the Key Binding JWT's
``nonce`` and ``aud``), checks that they all come from one holder (``same-holder``,
:mod:`verifier.checking.holders`, when there are several), adds the employer's checks
(policy), and only then uses the nonce (once) and stores the result. The VC-API answer
(:mod:`verifier.jobs.vc_api_request`) goes through the same :func:`accept`.

**Answers cannot be spent by strangers.** A request's nonce is spent only by an answer that
is well-formed and whose holder proof verifies over that nonce and the client_id
(:func:`vckit.verification.binding.bound_to_request`). Anything else is refused with
:class:`~verifier.errors.InvalidRequestError` (OpenID4VP §8.2 / RFC 6749 §5.2
``invalid_request``), leaves the request open for the real holder, and is **not** a result:
it is counted on its request and kept in a bounded log (:mod:`verifier.store.refused`, the
latest 50 a request), which staff see on the job. Refused, by reason:

============== ============================================================================
unknown state  the ``state`` names no request this verifier issued (not logged: no request)
malformed      the ``vp_token`` is not a JSON object of credential query ids to presentations,
               or does not answer the request's DCQL query
replayed       the request's nonce was used already (checked first, then again atomically
               when the nonce is used, so two racing answers cannot both be accepted)
expired        the request expired before the answer came
not bound      a bare credential, a presentation without a proof, one whose proof does not
               verify, or one signed over another nonce or client_id
not checked    verifying the answer raised an error of the verifier's own (logged): the
               answer could not be checked, so it is refused rather than judged
============== ============================================================================

A post that cannot be read at all (no ``vp_token``, no ``state``) is refused the same way.
Before anything is read, :mod:`verifier.jobs.answer_limits` bounds the answers per client
address and per request (:class:`~verifier.errors.TooManyAnswersError`, a 429). A bound
answer whose credentials fail (revoked, someone else's, requirements not met) is the
holder's answer: it uses the nonce and is stored with a failing verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, NoReturn

from vckit.document import parse_json
from vckit.errors import InputError
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckStatus, Report
from vckit.verification.binding import bound_to_request
from verifier import store
from verifier.checking import holders, policy, trust
from verifier.checking.registry import Registry
from verifier.errors import InvalidRequestError
from verifier.installation import Installation
from verifier.jobs import dcql_request
from verifier.jobs.dcql_request import LDP_QUERY as QUERY_ID
from verifier.jobs.requests import OID4VP, get_job
from verifier.jobs.stored_report import report_json
from verifier.store import RequestRecord, ResponseRecord

log = logging.getLogger(__name__)


def refuse(inst: Installation, record: RequestRecord | None, reason: str) -> NoReturn:
    """Refuse an answer: counted and logged on its request (when it names one), never a
    result, the nonce left as it was."""
    if record is not None:
        with inst.db.transaction() as tx:
            store.add_refused(tx, record.id, record.job_id, received=inst.stamp(), reason=reason)
    raise InvalidRequestError(reason)


def spend_and_store(inst: Installation, record: RequestRecord, report: Report) -> ResponseRecord:
    """Use the request's nonce and store the answer as its result, in one transaction (a
    crash leaves both or neither). The nonce is used by a conditional UPDATE: of two racing
    answers one wins; the other is refused as replayed."""
    result = report_json(report)
    with inst.db.transaction() as tx:
        first = store.mark_used(tx, record.id, at=inst.stamp())
        if first:
            response = store.add_response(
                tx, request_id=record.id, job_id=record.job_id, received=inst.stamp(),
                verdict=report.verdict, report=result, applicant_ref=record.applicant_ref,
            )  # fmt: skip
            store.set_result(tx, record.id, {"response": response.id, **result})
        current = store.get_request(tx, record.id)
    if not first:
        used = current.used_at if current else "an earlier time"
        refuse(inst, record, f"replayed: this request's nonce was used already ({used})")
    return response


def still_open(inst: Installation, record: RequestRecord) -> str | None:
    """Why the request takes no answer (replayed, expired), or None (OpenID4VP §14.1)."""
    if record.used_at is not None:
        return f"replayed: this request's nonce was used already ({record.used_at})"
    if inst.clock() >= datetime.fromisoformat(record.expires_at):
        return f"expired: the request expired at {record.expires_at}"
    return None


def parse_vp_token(text: str) -> dict[str, list[Any]]:
    """§8.1: a JSON object, credential query id -> non-empty array of presentations."""
    try:
        value = parse_json(text)  # depth-limited: deep nesting is refused, not a crash
    except InputError as exc:
        raise InputError(f"vp_token is not usable JSON ({exc})") from None
    if not isinstance(value, dict) or not value:
        raise InputError("vp_token must be a JSON object of credential query ids")
    for query_id, items in value.items():
        if not isinstance(items, list) or not items:
            raise InputError(f"vp_token[{query_id!r}] must be a non-empty array")
        if not all(isinstance(i, dict | str) for i in items):
            raise InputError(f"vp_token[{query_id!r}] holds something not a presentation")
    return value


def _worst(checks: Sequence[Check]) -> Check:
    statuses: list[CheckStatus] = [c.status for c in checks]
    status = FAIL if FAIL in statuses else UNCHECKED if UNCHECKED in statuses else PASS
    details = list(dict.fromkeys(c.detail for c in checks if c.status == status))
    return Check(checks[0].id, status, "; ".join(details))


def merge(reports: Sequence[Report], own: Sequence[Check]) -> Report:
    """One report for the whole answer: our checks, then each presentation check with the
    worst status across the presentations, then every credential's report."""
    if len(reports) == 1:
        only = reports[0]
        return replace(only, checks=(*own, *only.checks))
    by_id: dict[str, list[Check]] = {}
    for report in reports:
        for check in report.checks:
            by_id.setdefault(check.id, []).append(check)
    return Report(
        kind="presentation",
        format=", ".join(sorted({r.format for r in reports})),
        checks=(*own, *(_worst(c) for c in by_id.values())),
        credentials=tuple(c for r in reports for c in r.credentials),
    )


def receive_direct_post(
    inst: Installation, form: Mapping[str, str], address: str = "unknown"
) -> ResponseRecord:
    """OpenID4VP §8.2: the wallet's POST to the response URI (see the module docstring)."""
    token, state = form.get("vp_token"), form.get("state")
    if "error" in form and token is None:
        raise InvalidRequestError("an Authorization Error Response is not handled by this verifier")
    if not token:
        raise InvalidRequestError("the response has no vp_token")
    if not state:
        raise InvalidRequestError("the response has no state")
    inst.answer_limits.check_address(address)
    with inst.db.transaction() as tx:
        record = store.get_request(tx, state)
    if record is None or record.kind != OID4VP:
        raise InvalidRequestError("unknown state: this verifier issued no such request")
    inst.answer_limits.check_request(record.id)
    try:
        presentations = parse_vp_token(token)
        dcql_request.check_answer(presentations)
    except InputError as exc:
        refuse(inst, record, f"malformed vp_token: {exc}")
    items = [p for found in presentations.values() for p in found]
    answered = ", ".join(f"{q!r}" for q in presentations)
    own = [
        Check("state", PASS, "a request this verifier issued"),
        Check("nonce", PASS, "fresh and used once"),
        Check("vp-token", PASS, f"answers {answered or repr(QUERY_ID)} with {_count(items)}"),
    ]
    return accept(inst, record, items, own)


def _count(items: Sequence[Any]) -> str:
    return f"{len(items)} presentation{'s' if len(items) != 1 else ''}"


def accept(
    inst: Installation, record: RequestRecord, presentations: Sequence[Any], own: Sequence[Check]
) -> ResponseRecord:
    """Verify an answer, and if it is bound to the request (and the request still open), use
    the nonce and store the result; refuse it otherwise (see the module docstring)."""
    closed = still_open(inst, record)
    if closed is not None:
        refuse(inst, record, closed)
    try:
        registry = trust.registry_for(inst, get_job(inst, record.job_id).organisation_id)
        reports = verify_presentations(inst, record, presentations, registry)
        binding = bound_to_request(reports)
        bound = binding.bound
        report = judge(inst, record, presentations, reports, own, registry) if bound else None
    except Exception:  # a bug of ours must not spend the nonce, nor answer 500
        log.exception("answer to request %s could not be checked", record.id)
        report, why = None, "not checked: the verifier could not check this answer"
    else:
        why = f"not bound to this request: {binding.reason}"
    if report is None:
        refuse(inst, record, why)
    return spend_and_store(inst, record, report)


def verify_presentations(
    inst: Installation,
    record: RequestRecord,
    presentations: Sequence[Any],
    registry: Registry | None = None,
) -> list[Report]:
    """Each presentation verified bound to the request (``challenge`` = nonce, ``domain`` =
    client_id), judged with ``registry`` (the job's organisation's); one that cannot be read
    is a failed ``format``."""
    now = inst.clock()
    reports = []
    for item in presentations:
        try:
            reports.append(
                inst.verification.verify(
                    item,
                    challenge=record.nonce,
                    domain=record.client_id,
                    now=now,
                    registry=registry,
                )  # fmt: skip
            )
        except InputError as exc:
            unreadable = Check("format", FAIL, f"unreadable presentation: {exc}")
            reports.append(Report(kind="presentation", format="unknown", checks=(unreadable,)))
    return reports


def judge(
    inst: Installation,
    record: RequestRecord,
    presentations: Sequence[Any],
    reports: Sequence[Report],
    own: Sequence[Check],
    registry: Registry | None = None,
) -> Report:
    """One report for a bound answer: our ``own`` checks, whether the presentations come from
    one holder, then the employer's checks (trusted-issuer per credential, requirements-met
    for the job)."""
    now = inst.clock()
    job = get_job(inst, record.job_id)
    checks = list(own)
    holder = holders.same_holder(presentations, inst.verification.options(now).resolver)
    if holder is not None:
        checks.append(holder)
    report = merge(reports, checks)
    requirements = policy.Requirements.from_json(job.requirements)
    return policy.evaluate(report, requirements, registry or inst.verification.registry, now)
