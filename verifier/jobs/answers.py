"""Use case: receive what a wallet sends in answer to a request, verify it and store it.

:func:`receive_direct_post` handles the wallet's OpenID4VP answer (§8.2): finds the request by
``state``, uses its nonce once, verifies every presentation of the ``vp_token`` with
``challenge`` = nonce and ``domain`` = client_id (Appendix B.1.3.2.5, §14.1.2; for an
SD-JWT the Key Binding JWT's ``nonce`` and ``aud``), checks that they all come from one
holder (``same-holder``, :mod:`verifier.checking.holders`, when there are several), adds the
employer's checks (policy) and stores the result. Every answer is stored, the refused ones
too, with the named check that refused it:

========== ==============================================================================
state      the ``state`` names no request this verifier issued
nonce      the request was answered already (a replay) or has expired
vp-token   the ``vp_token`` is not a JSON object of credential query ids to presentations,
           or does not answer the request's DCQL query (an ``ldp_vc`` query with objects,
           a ``dc+sd-jwt`` one with SD-JWT strings)
========== ==============================================================================

A post that cannot be read at all (no ``vp_token``, no ``state``) is refused with
:class:`~verifier.errors.InvalidRequestError` (OpenID4VP §8.2 / RFC 6749 §5.2
``invalid_request``) and not stored; the answers refused by ``state`` / ``nonce`` /
``vp-token`` raise it too, after storing. The ``vp_token`` is read (depth-limited JSON)
*before* the nonce is used, so a malformed post leaves the request open for the real answer.
Every answer must be a presentation: a bare credential fails ``holder-binding`` (nobody
signed it over the nonce). The VC-API answer (:mod:`verifier.jobs.vc_api_request`) goes through
the same :func:`spend_nonce`, :func:`verify_answer` and :func:`store_answer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from vckit.document import parse_json
from vckit.errors import InputError
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckStatus, Report
from verifier import store
from verifier.checking import holders, policy
from verifier.errors import InvalidRequestError
from verifier.installation import Installation
from verifier.jobs import dcql_request
from verifier.jobs.dcql_request import LDP_QUERY as QUERY_ID
from verifier.jobs.requests import OID4VP, get_job
from verifier.jobs.stored_report import report_json
from verifier.store import RequestRecord, ResponseRecord


def refused(check: Check) -> Report:
    """The report of an answer refused by one of our own checks."""
    return Report(kind="presentation", format="openid4vp", checks=(check,))


def store_answer(
    inst: Installation, record: RequestRecord | None, report: Report, *, first: bool
) -> ResponseRecord:
    """Store the answer's report; the ``first`` answer to a request is also its result."""
    result = report_json(report)
    with inst.db.transaction() as tx:
        response = store.add_response(
            tx, request_id=record.id if record else None,
            job_id=record.job_id if record else None, received=inst.stamp(),
            verdict=report.verdict, report=result,
        )  # fmt: skip
        if record is not None and first:
            store.set_result(tx, record.id, {"response": response.id, **result})
    return response


def use_nonce(inst: Installation, record: RequestRecord) -> Check:
    """Single use and freshness of the request's nonce (OpenID4VP §14.1: replay)."""
    now = inst.clock()
    with inst.db.transaction() as tx:
        first = store.mark_used(tx, record.id, at=now.isoformat())
        current = store.get_request(tx, record.id)
    if not first:
        used = current.used_at if current else "an earlier time"
        return Check("nonce", FAIL, f"replayed: this request's nonce was used already ({used})")
    if now >= datetime.fromisoformat(record.expires_at):
        return Check("nonce", FAIL, f"expired: the request expired at {record.expires_at}")
    return Check("nonce", PASS, "fresh and used once")


def spend_nonce(inst: Installation, record: RequestRecord) -> None:
    """:func:`use_nonce`; a replayed or expired answer is stored, then refused
    (:class:`~verifier.errors.InvalidRequestError`). An expired one is the request's result."""
    nonce = use_nonce(inst, record)
    if nonce.status != PASS:
        replay = nonce.detail.startswith("replayed")
        response = store_answer(inst, record, refused(nonce), first=not replay)
        raise InvalidRequestError(nonce.detail, response)


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


def receive_direct_post(inst: Installation, form: Mapping[str, str]) -> ResponseRecord:
    """OpenID4VP §8.2: the wallet's POST to the response URI (see the module docstring)."""
    token, state = form.get("vp_token"), form.get("state")
    if "error" in form and token is None:
        raise InvalidRequestError("an Authorization Error Response is not handled by this verifier")
    if not token:
        raise InvalidRequestError("the response has no vp_token")
    if not state:
        raise InvalidRequestError("the response has no state")
    with inst.db.transaction() as tx:
        record = store.get_request(tx, state)
    if record is None or record.kind != OID4VP:
        check = Check("state", FAIL, "unknown state: this verifier issued no such request")
        response = store_answer(inst, None, refused(check), first=False)
        raise InvalidRequestError(check.detail, response)
    try:  # read before the nonce is used: a malformed post must not spend the request
        presentations = parse_vp_token(token)
        dcql_request.check_answer(presentations)
    except InputError as exc:
        check = Check("vp-token", FAIL, f"malformed vp_token: {exc}")
        response = store_answer(inst, record, refused(check), first=False)
        raise InvalidRequestError(check.detail, response) from None
    spend_nonce(inst, record)
    items = [p for found in presentations.values() for p in found]
    answered = ", ".join(f"{q!r}" for q in presentations)
    return store_answer(inst, record, verify_answer(inst, record, items, answered), first=True)


def _holder_signed(report: Report) -> Report:
    """An answer must be a presentation its holder signed over the request's nonce: a bare
    credential (anyone may have a copy) fails ``holder-binding``, its own checks kept inside."""
    if report.kind == "presentation":
        return report
    check = Check(
        "holder-binding", FAIL,
        "not a presentation signed by its holder: a bare credential proves nothing about "
        "who sent it, and answers no nonce",
    )  # fmt: skip
    return Report(kind="presentation", format=report.format, checks=(check,), credentials=(report,))


def verify_answer(
    inst: Installation, record: RequestRecord, presentations: Sequence[Any], answered: str = ""
) -> Report:
    """Verify each presentation bound to the request (an SD-JWT through its KB-JWT's nonce
    and aud), check they come from one holder, then add the employer's checks
    (trusted-issuer per credential, requirements-met for the job)."""
    now = inst.clock()
    job = get_job(inst, record.job_id)
    reports = []
    for item in presentations:
        try:
            reports.append(
                inst.verification.verify(
                    item, challenge=record.nonce, domain=record.client_id, now=now
                )
            )
        except InputError as exc:
            reports.append(refused(Check("format", FAIL, f"unreadable presentation: {exc}")))
    reports = [_holder_signed(r) for r in reports]
    count = f"{len(presentations)} presentation{'s' if len(presentations) != 1 else ''}"
    own = [
        Check("state", PASS, "a request this verifier issued"),
        Check("nonce", PASS, "fresh and used once"),
        Check("vp-token", PASS, f"answers {answered or repr(QUERY_ID)} with {count}"),
    ]
    resolver = inst.verification.options(now).resolver
    holder = holders.same_holder(presentations, resolver)
    if holder is not None:
        own.append(holder)
    report = merge(reports, own)
    requirements = policy.Requirements.from_json(job.requirements)
    registry = inst.verification.registry
    return policy.evaluate(report, requirements, registry, now)
