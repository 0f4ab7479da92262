"""Use case: an employer's webhook for a job, and what each delivery to it carries.

Per job, the employer sets a webhook (:func:`configure`): an ATS URL, which must pass the
verifier's fetch policy (:func:`verifier.checking.fetch.check_url`: https; plain http only to
localhost, and only when the operator allows it; no private addresses), and a shared
secret (generated when none is given; shown once). Then every result stored for the job
(a row of ``responses``, written by :mod:`verifier.jobs.answers`) is POSTed to the URL by
:mod:`verifier.delivery.deliverer`:

- the body is the JSON :func:`delivery_body` (job, response id, when, verdict, the
  applicant reference the request was made with, a flat ``summary`` and the full report);
- ``X-LER-Timestamp``: the Unix time of the attempt, in seconds;
- ``X-LER-Signature``: ``sha256=`` and the lower-case hex HMAC-SHA256 (RFC 2104) keyed
  with the secret over ``timestamp + "." + body`` (:func:`sign`). The receiver recomputes
  it over the exact bytes received, compares in constant time, and refuses old timestamps
  (a replayed delivery); :func:`verify_signature` does so.
- ``Idempotency-Key``: the response id, the same on every attempt of one result. A result
  is delivered once when nothing fails; after a lost answer or a crashed verifier process
  it may come again (at least once), so the receiver keeps the keys it has processed and
  answers 2xx to a repeat without acting on it twice.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass

from verifier import store
from verifier.checking.fetch import FetchError, check_url
from verifier.errors import UnknownJobError, WebhookUrlRefusedError
from verifier.installation import Installation
from verifier.jobs.stored_report import report_from_json
from verifier.store import DeliveryRecord, WebhookRecord
from verifier.views.candidate import summary

SIGNATURE_HEADER = "X-LER-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMESTAMP_HEADER = "X-LER-Timestamp"
TOLERANCE_SECONDS = 300
SIGNATURE = f'{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256(secret, {TIMESTAMP_HEADER} + "." + body)>'
"""How a delivery is signed, in words (shown to the employer who sets the webhook)."""


# --- signing ----------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`` (RFC 2104, FIPS 180-4)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None
) -> bool:
    """What a receiver does: the signature matches (constant-time compare) and the timestamp
    is within ``TOLERANCE_SECONDS`` of ``now``."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def delivery_body(response: store.ResponseRecord) -> bytes:
    """The JSON POSTed for one stored result: the applicant reference, a flat summary an ATS
    reads without parsing the report (candidate, verdict, requirements met, skills) and the
    full report beside it."""
    payload = {
        "job": response.job_id,
        "response": response.id,
        "received": response.received,
        "verdict": response.verdict,
        "applicantReference": response.applicant_ref,
        "summary": summary(report_from_json(response.report), response.applicant_ref),
        "report": response.report,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Configured:
    webhook: WebhookRecord
    secret: str  # shown once, in the answer to the employer who set it


def configure(
    inst: Installation, job_id: str, url: str, *, secret: str | None = None
) -> Configured:
    """Set (or replace) the job's webhook. Raises :class:`~verifier.errors.UnknownJobError`,
    or :class:`~verifier.errors.WebhookUrlRefusedError` when ``url`` does not pass the fetch
    policy (or the secret given is too short)."""
    url = url.strip()
    try:
        check_url(url, inst.fetch_policy)
    except FetchError as exc:  # refused by the policy, or a host name that does not resolve
        raise WebhookUrlRefusedError(str(exc)) from None
    if secret is not None and len(secret) < 16:
        raise WebhookUrlRefusedError("the secret must be at least 16 characters")
    secret = secret or secrets.token_urlsafe(32)
    with inst.db.transaction() as tx:
        if store.get_job(tx, job_id) is None:
            raise UnknownJobError(f"no job {job_id!r}")
        record = store.set_webhook(tx, job_id, url, secret, created=inst.stamp())
    return Configured(record, secret)


def webhook_of(
    inst: Installation, job_id: str
) -> tuple[WebhookRecord | None, list[DeliveryRecord]]:
    """The job's webhook (None when not set) and every delivery attempt, oldest first."""
    with inst.db.transaction() as tx:
        if store.get_job(tx, job_id) is None:
            raise UnknownJobError(f"no job {job_id!r}")
        return store.get_webhook(tx, job_id), store.list_deliveries(tx, job_id)


def remove(inst: Installation, job_id: str) -> bool:
    """Stop delivering the job's results (the log stays); False when it had no webhook."""
    with inst.db.transaction() as tx:
        return store.delete_webhook(tx, job_id)
