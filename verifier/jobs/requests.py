"""Use case: the jobs an employer posts, and the presentation requests made for them.

A **job** holds what an employer requires (:class:`verifier.checking.policy.Requirements` as JSON).
For a job, :func:`new_request` issues a presentation request with a fresh, single-use
nonce that expires (``Settings.request_lifetime_seconds``), in one of two protocols:

* **OpenID for Verifiable Presentations 1.0** (``kind`` = :data:`OID4VP`): the request's
  parameters, Request Object and links are built by :mod:`verifier.jobs.oid4vp_request`.
* **W3C VC-API** (``kind`` = :data:`VC_API`): the Verifiable Presentation Request, and the
  answer to it, are :mod:`verifier.jobs.vc_api_request`.

The wallet's answers are verified and stored by :mod:`verifier.jobs.answers`; this module reads
them back (:func:`list_responses`, :func:`get_response`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from servicekit.db import ConflictError, Database
from vckit.errors import InputError
from vckit.protocols.oid4vp import redirect_uri_client_id
from verifier import store
from verifier.checking import policy
from verifier.checking.verification import Verifier
from verifier.store import JobRecord, RequestRecord, ResponseRecord

OID4VP = "openid4vp"
VC_API = "vc-api"
RESPONSE_PATH = "/oid4vp/response"
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


# --- jobs -------------------------------------------------------------------------------------


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


# --- requests ---------------------------------------------------------------------------------


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


# --- jobs and answers, as listed -------------------------------------------------------------


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
