"""Use case: ask a candidate for credentials, and receive what their wallet sends.

A **job** holds what an employer requires (:class:`verifier.policy.Requirements` as JSON).
For a job, :func:`new_request` issues a presentation request with a fresh, single-use
nonce that expires (``Settings.request_lifetime_seconds``), in two protocols:

* **OpenID for Verifiable Presentations 1.0** (:func:`authorization_request`):
  ``response_type=vp_token``, ``response_mode=direct_post`` (§8.2), client identifier
  ``redirect_uri:<response URI>`` (§5.9.3), ``state`` = the request id, and a DCQL query
  (§6, :mod:`verifier.dcql_request`) asking for ``ldp_vc`` credentials with the job's
  required types (Appendix B.1.1: ``type_values`` are the expanded type IRIs) and/or
  ``dc+sd-jwt`` SD-JWT VCs of the OB 3.0 AchievementCredential ``vct``. The request
  travels by reference (``request_uri``, an unsigned Request Object, RFC 9101) or by value, as an
  ``openid4vp://`` link (shown as a QR code by the pages).
* **W3C VC-API** (:func:`vc_api_request`): a Verifiable Presentation Request with a
  ``QueryByExample`` for the same types, ``challenge`` = the nonce, ``domain`` = the
  verifier's client id.

:func:`receive_direct_post` handles the wallet's answer (§8.2): finds the request by
``state``, uses its nonce once, verifies every presentation of the ``vp_token`` with
``challenge`` = nonce and ``domain`` = client_id (Appendix B.1.3.2.5, §14.1.2; for an
SD-JWT the Key Binding JWT's ``nonce`` and ``aud``), checks that they all come from one
holder (``same-holder``, :mod:`verifier.holders`, when there are several), adds the
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
:class:`InvalidRequest` (OpenID4VP §8.2 / RFC 6749 §5.2 ``invalid_request``) and not stored;
the answers refused by ``state`` / ``nonce`` / ``vp-token`` raise it too, after storing. The
``vp_token`` is read (depth-limited JSON) *before* the nonce is used, so a malformed post
leaves the request open for the real answer. Every answer must be a presentation: a bare
credential fails ``holder-binding`` (nobody signed it over the nonce).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import segno

from servicekit.db import ConflictError, Database
from vckit.document import parse_json
from vckit.errors import InputError
from vckit.oid4vp import (
    redirect_uri_client_id,
    request_link,
    unsigned_request_object,
)
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckStatus, Disclosure, Report
from verifier import dcql_request, holders, policy, store
from verifier.dcql_request import LDP_QUERY as QUERY_ID
from verifier.disclosure_view import disclosure_json
from verifier.store import JobRecord, RequestRecord, ResponseRecord
from verifier.verification import Verifier

OID4VP = "openid4vp"
VC_API = "vc-api"
RESPONSE_PATH = "/oid4vp/response"
VC_V2 = dcql_request.VC_V2
OB_V3 = dcql_request.OB_V3
DEFAULT_TYPES = ("VerifiableCredential",)


class InvalidRequest(Exception):
    """OpenID4VP §8.2 / RFC 6749 §5.2 ``invalid_request``: the post is refused (HTTP 400)."""

    def __init__(self, description: str, response: ResponseRecord | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.response = response


class NotFound(Exception):
    """No such job or request."""


@dataclass(frozen=True)
class Requests:
    """What the use case needs, wired by ``verifier.app``: the database, the public base
    URL, how long a request stays fresh, the clock, and the verification (fetch, registry)."""

    db: Database
    base_url: str
    lifetime: timedelta
    verification: Verifier
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def stamp(self) -> str:
        return self.clock().isoformat()

    @property
    def response_uri(self) -> str:
        return self.base_url.rstrip("/") + RESPONSE_PATH

    @property
    def client_id(self) -> str:
        return redirect_uri_client_id(self.response_uri)


# --- jobs and requests ------------------------------------------------------------------------


def create_job(ctx: Requests, title: str, requirements: Mapping[str, Any]) -> JobRecord:
    """A job; its requirements are read (and written back) as :class:`policy.Requirements`
    (``RequirementsError``, an InputError, names a bad field)."""
    title = title.strip()
    if not title:
        raise InputError("a job needs a title")
    clean = policy.Requirements.from_json(requirements).to_json()
    with ctx.db.transaction() as tx:
        return store.add_job(tx, title, clean, created=ctx.stamp())


def get_job(ctx: Requests, job_id: str) -> JobRecord:
    with ctx.db.transaction() as tx:
        job = store.get_job(tx, job_id)
    if job is None:
        raise NotFound("no such job")
    return job


def new_request(ctx: Requests, job_id: str, kind: str = OID4VP) -> RequestRecord:
    """A request for the job with a fresh nonce (128 bits, URL-safe: §5.2, §14.1)."""
    get_job(ctx, job_id)
    now = ctx.clock()
    for _ in range(3):  # a nonce collision is astronomically unlikely; never reuse one
        try:
            with ctx.db.transaction() as tx:
                return store.add_request(
                    tx, job_id, kind=kind, nonce=secrets.token_urlsafe(16),
                    client_id=ctx.client_id, created=now.isoformat(),
                    expires_at=(now + ctx.lifetime).isoformat(),
                    request_id=secrets.token_urlsafe(16),
                )  # fmt: skip
        except ConflictError:
            continue
    raise RuntimeError("could not draw a fresh nonce")


def get_request(ctx: Requests, request_id: str) -> RequestRecord:
    with ctx.db.transaction() as tx:
        record = store.get_request(tx, request_id)
    if record is None:
        raise NotFound("no such request")
    return record


def required_types(job: JobRecord) -> tuple[str, ...]:
    types = job.requirements.get("types")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        return tuple(dict.fromkeys(["VerifiableCredential", *types]))
    return DEFAULT_TYPES


def dcql_query(job: JobRecord) -> dict[str, Any]:
    """§6: ``ldp_vc`` credentials of the required types and/or OB 3.0 SD-JWT VCs
    (:func:`verifier.dcql_request.dcql_query`)."""
    return dcql_request.dcql_query(required_types(job))


def authorization_request(ctx: Requests, record: RequestRecord) -> dict[str, Any]:
    """§5.1 parameters of the request (also the claims of its Request Object)."""
    job = get_job(ctx, record.job_id)
    return {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": record.client_id,
        "response_uri": ctx.response_uri,
        "nonce": record.nonce,
        "state": record.id,
        "dcql_query": dcql_query(job),
        "client_metadata": {
            "client_name": f"LER verifier — {job.title}",
            "vp_formats_supported": dcql_request.vp_formats_supported(),
        },
    }


def request_object(ctx: Requests, record: RequestRecord) -> str:
    """RFC 9101 §4: the unsigned Request Object served at ``request_uri`` (§5.9.3)."""
    claims = {**authorization_request(ctx, record), "aud": "https://self-issued.me/v2"}
    return unsigned_request_object(claims)


def request_uri(ctx: Requests, record: RequestRecord) -> str:
    return f"{ctx.base_url.rstrip('/')}/oid4vp/requests/{record.id}"


def links(ctx: Requests, record: RequestRecord) -> dict[str, str]:
    """The request as ``openid4vp://`` links: by reference (short: for the QR code) and by
    value (every parameter on the link)."""
    return {
        "by_reference": request_link(
            {"client_id": record.client_id, "request_uri": request_uri(ctx, record)}
        ),
        "by_value": request_link(authorization_request(ctx, record)),
    }


def vc_api_request(ctx: Requests, record: RequestRecord) -> dict[str, Any]:
    """W3C CCG Verifiable Presentation Request: QueryByExample for the job's types."""
    job = get_job(ctx, record.job_id)
    return {
        "verifiablePresentationRequest": {
            "query": [
                {
                    "type": "QueryByExample",
                    "credentialQuery": [
                        {
                            "reason": f"{job.title}: show the credentials the job asks for.",
                            "example": {
                                "@context": [VC_V2, OB_V3],
                                "type": list(required_types(job)),
                            },
                        }
                    ],
                }
            ],
            "challenge": record.nonce,
            "domain": record.client_id,
        }
    }


# --- receiving an answer ----------------------------------------------------------------------


def _refused(check: Check) -> Report:
    return Report(kind="presentation", format="openid4vp", checks=(check,))


def _store(
    ctx: Requests, record: RequestRecord | None, report: Report, *, first: bool
) -> ResponseRecord:
    result = report_json(report)
    with ctx.db.transaction() as tx:
        response = store.add_response(
            tx, request_id=record.id if record else None,
            job_id=record.job_id if record else None, received=ctx.stamp(),
            verdict=report.verdict, report=result,
        )  # fmt: skip
        if record is not None and first:
            store.set_result(tx, record.id, {"response": response.id, **result})
    return response


def use_nonce(ctx: Requests, record: RequestRecord) -> Check:
    """Single use and freshness of the request's nonce (OpenID4VP §14.1: replay)."""
    now = ctx.clock()
    with ctx.db.transaction() as tx:
        first = store.mark_used(tx, record.id, at=now.isoformat())
        current = store.get_request(tx, record.id)
    if not first:
        used = current.used_at if current else "an earlier time"
        return Check("nonce", FAIL, f"replayed: this request's nonce was used already ({used})")
    if now >= datetime.fromisoformat(record.expires_at):
        return Check("nonce", FAIL, f"expired: the request expired at {record.expires_at}")
    return Check("nonce", PASS, "fresh and used once")


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


def receive_direct_post(ctx: Requests, form: Mapping[str, str]) -> ResponseRecord:
    """OpenID4VP §8.2: the wallet's POST to the response URI (see the module docstring)."""
    token, state = form.get("vp_token"), form.get("state")
    if "error" in form and token is None:
        raise InvalidRequest("an Authorization Error Response is not handled by this verifier")
    if not token:
        raise InvalidRequest("the response has no vp_token")
    if not state:
        raise InvalidRequest("the response has no state")
    with ctx.db.transaction() as tx:
        record = store.get_request(tx, state)
    if record is None or record.kind != OID4VP:
        check = Check("state", FAIL, "unknown state: this verifier issued no such request")
        raise InvalidRequest(check.detail, _store(ctx, None, _refused(check), first=False))
    try:  # read before the nonce is used: a malformed post must not spend the request
        presentations = parse_vp_token(token)
        dcql_request.check_answer(presentations)
    except InputError as exc:
        check = Check("vp-token", FAIL, f"malformed vp_token: {exc}")
        response = _store(ctx, record, _refused(check), first=False)
        raise InvalidRequest(check.detail, response) from None
    nonce = use_nonce(ctx, record)
    if nonce.status != PASS:
        replay = nonce.detail.startswith("replayed")
        response = _store(ctx, record, _refused(nonce), first=not replay)
        raise InvalidRequest(nonce.detail, response)
    items = [p for found in presentations.values() for p in found]
    answered = ", ".join(f"{q!r}" for q in presentations)
    return _store(ctx, record, verify_answer(ctx, record, items, answered), first=True)


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
    ctx: Requests, record: RequestRecord, presentations: Sequence[Any], answered: str = ""
) -> Report:
    """Verify each presentation bound to the request (an SD-JWT through its KB-JWT's nonce
    and aud), check they come from one holder, then add the employer's checks
    (trusted-issuer per credential, requirements-met for the job)."""
    now = ctx.clock()
    job = get_job(ctx, record.job_id)
    reports = []
    for item in presentations:
        try:
            reports.append(
                ctx.verification.verify(
                    item, challenge=record.nonce, domain=record.client_id, now=now
                )
            )
        except InputError as exc:
            reports.append(_refused(Check("format", FAIL, f"unreadable presentation: {exc}")))
    reports = [_holder_signed(r) for r in reports]
    count = f"{len(presentations)} presentation{'s' if len(presentations) != 1 else ''}"
    own = [
        Check("state", PASS, "a request this verifier issued"),
        Check("nonce", PASS, "fresh and used once"),
        Check("vp-token", PASS, f"answers {answered or repr(QUERY_ID)} with {count}"),
    ]
    resolver = ctx.verification.options(now).resolver
    holder = holders.same_holder(presentations, resolver)
    if holder is not None:
        own.append(holder)
    report = merge(reports, own)
    requirements = policy.Requirements.from_json(job.requirements)
    registry = ctx.verification.registry
    return policy.evaluate(report, requirements, registry, now)


def receive_vc_api(ctx: Requests, request_id: str, presentation: Any) -> ResponseRecord:
    """A VC-API answer (the presentation the learner's wallet made for the VPR), bound to
    ``challenge`` = nonce and ``domain`` = client_id; the same single-use rules."""
    record = get_request(ctx, request_id)
    if record.kind != VC_API:
        raise NotFound("no such VC-API request")
    nonce = use_nonce(ctx, record)
    if nonce.status != PASS:
        replay = nonce.detail.startswith("replayed")
        response = _store(ctx, record, _refused(nonce), first=not replay)
        raise InvalidRequest(nonce.detail, response)
    report = verify_answer(ctx, record, [presentation])
    own = ("state", "vp-token")
    report = replace(report, checks=tuple(c for c in report.checks if c.id not in own))
    return _store(ctx, record, report, first=True)


def list_responses(ctx: Requests, job_id: str | None = None) -> list[ResponseRecord]:
    with ctx.db.transaction() as tx:
        return store.list_responses(tx, job_id)


def list_jobs(ctx: Requests) -> list[JobRecord]:
    with ctx.db.transaction() as tx:
        return store.list_jobs(tx)


def get_response(ctx: Requests, response_id: str) -> ResponseRecord:
    with ctx.db.transaction() as tx:
        found = store.get_response(tx, response_id)
    if found is None:
        raise NotFound("no such result")
    return found


# --- reports as stored ------------------------------------------------------------------------


def report_json(report: Report) -> dict[str, Any]:
    """A report with its documents (``Report.to_json`` leaves them out), for storage; a
    disclosure also gets each disclosed field's label and value (``disclosure_json``)."""
    out = report.to_json()
    out["document"] = report.document
    disclosed = disclosure_json(report)
    if disclosed is not None:
        out["disclosure"] = disclosed
    if report.credentials:
        out["credentials"] = [report_json(r) for r in report.credentials]
    return out


def report_from_json(data: Mapping[str, Any]) -> Report:
    """The inverse of :func:`report_json`."""
    return Report(
        kind=str(data.get("kind", "presentation")),
        format=str(data.get("format", "")),
        checks=tuple(Check(c["id"], c["status"], c["detail"]) for c in data.get("checks", [])),
        document=data.get("document"),
        credentials=tuple(report_from_json(c) for c in data.get("credentials", [])),
        disclosure=_disclosure_from_json(data.get("disclosure")),
    )


def _disclosure_from_json(data: Any) -> Disclosure | None:
    if not isinstance(data, Mapping):
        return None
    withheld = data.get("withheld")
    return Disclosure(
        disclosed=tuple(str(p) for p in data.get("disclosed", [])),
        withheld=withheld if isinstance(withheld, int) else None,
        absent=tuple(str(a) for a in data.get("absent", [])),
        note=str(data.get("note", "")),
    )


def qr_svg(text: str) -> str:
    """The text as an inline SVG QR code (error correction M), for the request page."""
    qr = segno.make_qr(text, error="m")
    return str(qr.svg_inline(scale=4, title="Presentation request", dark="#000", light="#fff"))
