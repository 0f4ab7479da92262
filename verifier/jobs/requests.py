"""Use case: the jobs an employer posts, and the presentation requests made for them.

A **job** holds what an employer requires (:class:`verifier.checking.policy.Requirements` as
JSON). For a job, :func:`new_request` issues a presentation request with a fresh, single-use
nonce that expires (``Settings.request_lifetime_seconds``), in one of two protocols:

* **OpenID for Verifiable Presentations 1.0** (``kind`` = :data:`OID4VP`): the request's
  parameters, Request Object and links are built by :mod:`verifier.jobs.oid4vp_request`.
* **W3C VC-API** (``kind`` = :data:`VC_API`): the Verifiable Presentation Request, and the
  answer to it, are :mod:`verifier.jobs.vc_api_request`.

The wallet's answers are verified and stored by :mod:`verifier.jobs.answers`; this module
reads them back (:func:`list_responses`, :func:`get_response`). Whatever is asked for and not
there raises :class:`~verifier.errors.NotFoundError` (the one get-or-404 of the verifier).

Every job belongs to an organisation (an employer). The functions that take an
``organisation`` treat another organisation's job exactly as a missing one (NotFoundError,
so a 404 that does not reveal it exists); ``None`` is for the verifier's own use (answers,
request objects), never for a route that a caller names a job in.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from servicekit.db import ConflictError
from servicekit.text import PRINTABLE_RULE, is_printable
from vckit.errors import InputError
from verifier import store
from verifier.checking import policy
from verifier.errors import InvalidRequestError, NotFoundError
from verifier.installation import Installation
from verifier.store import JobRecord, RequestRecord, ResponseRecord

OID4VP = "openid4vp"
VC_API = "vc-api"
KINDS = (OID4VP, VC_API)
DEFAULT_TYPES = ("VerifiableCredential",)
MAX_TITLE = 200
MAX_REFERENCE = 200


# --- jobs -------------------------------------------------------------------------------------


def create_job(
    inst: Installation, title: str, requirements: Mapping[str, Any], *, organisation: str
) -> JobRecord:
    """A job; its requirements are read (and written back) as :class:`policy.Requirements`
    (``RequirementsError``, an InputError, names a bad field)."""
    title = title.strip()
    if not title:
        raise InputError("a job needs a title")
    if len(title) > MAX_TITLE:
        raise InputError(f"a job's title has at most {MAX_TITLE} characters")
    if not is_printable(title):  # the learner's wallet shows it with the request
        raise InputError(f"a job's title {PRINTABLE_RULE}")
    clean = policy.Requirements.from_json(requirements).to_json()
    with inst.db.transaction() as tx:
        return store.add_job(tx, title, clean, created=inst.stamp(), organisation_id=organisation)


def get_job(inst: Installation, job_id: str, organisation: str | None = None) -> JobRecord:
    """The job (of that organisation, when given: another one's is not found)."""
    with inst.db.transaction() as tx:
        job = store.get_job(tx, job_id)
    if job is None or (organisation is not None and job.organisation_id != organisation):
        raise NotFoundError("no such job")
    return job


def list_jobs(inst: Installation, organisation: str | None = None) -> list[JobRecord]:
    with inst.db.transaction() as tx:
        return store.list_jobs(tx, organisation)


# --- requests ---------------------------------------------------------------------------------


def applicant_reference(text: str | None) -> str | None:
    """The ATS's applicant reference as kept: spaces folded, at most ``MAX_REFERENCE``
    printable characters; None for none. Anything else is an :class:`InvalidRequestError`."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_REFERENCE or not is_printable(cleaned):
        raise InvalidRequestError(
            f"the applicant reference must be 1 to {MAX_REFERENCE} printable characters"
        )
    return cleaned


def new_request(
    inst: Installation,
    job_id: str,
    kind: str = OID4VP,
    *,
    organisation: str,
    applicant_ref: str | None = None,
) -> RequestRecord:
    """A request for the organisation's job with a fresh nonce (128 bits, URL-safe: §5.2,
    §14.1), carrying the ATS's applicant reference when given (returned with the answer,
    in the results and the webhook)."""
    get_job(inst, job_id, organisation)
    applicant_ref = applicant_reference(applicant_ref)
    now = inst.now()
    for _ in range(3):  # a nonce collision is astronomically unlikely; never reuse one
        try:
            with inst.db.transaction() as tx:
                return store.add_request(
                    tx, job_id, kind=kind, nonce=secrets.token_urlsafe(16),
                    client_id=inst.client_id, created=now.isoformat(),
                    expires_at=(now + inst.lifetime).isoformat(),
                    request_id=secrets.token_urlsafe(16), applicant_ref=applicant_ref,
                )  # fmt: skip
        except ConflictError:
            continue
    raise RuntimeError("could not draw a fresh nonce")


def get_request(inst: Installation, request_id: str, kind: str | None = None) -> RequestRecord:
    """The request (of that ``kind``, when given)."""
    with inst.db.transaction() as tx:
        record = store.get_request(tx, request_id)
    if record is None:
        raise NotFoundError("no such request")
    if kind is not None and record.kind != kind:
        raise NotFoundError(f"no such {'OpenID4VP' if kind == OID4VP else 'VC-API'} request")
    return record


def request_of_job(
    inst: Installation, job_id: str, request_id: str, organisation: str
) -> tuple[JobRecord, RequestRecord]:
    """The organisation's job and one of its requests (a request of another job is not
    found)."""
    job = get_job(inst, job_id, organisation)
    record = get_request(inst, request_id)
    if record.job_id != job_id:
        raise NotFoundError("no such request")
    return job, record


def required_types(job: JobRecord) -> tuple[str, ...]:
    types = job.requirements.get("types")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        return tuple(dict.fromkeys(["VerifiableCredential", *types]))
    return DEFAULT_TYPES


# --- answers, as listed -----------------------------------------------------------------------


def list_responses(
    inst: Installation, job_id: str | None = None, *, limit: int | None = None, offset: int = 0
) -> list[ResponseRecord]:
    with inst.db.transaction() as tx:
        return store.list_responses(tx, job_id, limit=limit, offset=offset)


def responses_of_job(
    inst: Installation,
    job_id: str,
    organisation: str,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[ResponseRecord]:
    """The answers received for the organisation's job, newest first (``limit`` after
    ``offset``, when given; an unknown job, or another organisation's, is not found)."""
    get_job(inst, job_id, organisation)
    return list_responses(inst, job_id, limit=limit, offset=offset)


def get_response(inst: Installation, response_id: str, job_id: str | None = None) -> ResponseRecord:
    """One answer (of that job, when given)."""
    with inst.db.transaction() as tx:
        found = store.get_response(tx, response_id)
    if found is None or (job_id is not None and found.job_id != job_id):
        raise NotFoundError("no such result")
    return found
