"""All of the verifier's SQL. Every function takes an open transaction
(:class:`servicekit.db.Tx`); records are frozen dataclasses with JSON columns decoded.

API note for the other verifier modules (requests, webhook, pages)::

    from verifier import store
    with db.transaction() as tx:
        job = store.add_job(tx, "Care assistant", {"types": [...]}, created=stamp)
        request = store.add_request(tx, job.id, kind="openid4vp", nonce=n,
                                    client_id=c, created=stamp, expires_at=later)
        first = store.mark_used(tx, request.id, at=stamp)   # False: used already (replay)

* jobs:       add_job, get_job, list_jobs
* requests:   add_request, get_request, find_request_by_nonce, mark_used, set_result
* responses:  add_response, list_responses (of a job, or every one), get_response
* webhooks:   set_webhook, get_webhook, add_delivery, list_deliveries
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def new_id() -> str:
    return uuid.uuid4().hex


# --- jobs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRecord:
    id: str
    title: str
    requirements: dict[str, Any]
    created: str


def _job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(row["id"], row["title"], _load(row["requirements_json"]), row["created"])


def add_job(tx: Tx, title: str, requirements: dict[str, Any], *, created: str) -> JobRecord:
    job = JobRecord(new_id(), title, requirements, created)
    tx.execute(
        "INSERT INTO jobs (id, title, requirements_json, created) VALUES (?, ?, ?, ?)",
        (job.id, title, _dump(requirements), created),
    )
    return job


def get_job(tx: Tx, job_id: str) -> JobRecord | None:
    row = tx.one("SELECT * FROM jobs WHERE id = ?", (job_id,))
    return None if row is None else _job(row)


def list_jobs(tx: Tx) -> list[JobRecord]:
    """Newest first."""
    return [_job(r) for r in tx.all("SELECT * FROM jobs ORDER BY created DESC, id")]


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRecord:
    id: str
    job_id: str
    kind: str  # "openid4vp" or "vc-api"
    nonce: str
    client_id: str
    created: str
    expires_at: str
    used_at: str | None
    result: dict[str, Any] | None


def _request(row: dict[str, Any]) -> RequestRecord:
    return RequestRecord(
        row["id"], row["job_id"], row["kind"], row["nonce"], row["client_id"], row["created"],
        row["expires_at"], row["used_at"], _load(row["result_json"]),
    )  # fmt: skip


def add_request(
    tx: Tx, job_id: str, *, kind: str, nonce: str, client_id: str, created: str,
    expires_at: str, request_id: str | None = None,
) -> RequestRecord:  # fmt: skip
    """A new request; a nonce used before raises :class:`servicekit.db.ConflictError`."""
    record = RequestRecord(
        request_id or new_id(), job_id, kind, nonce, client_id, created, expires_at, None, None
    )
    tx.execute(
        "INSERT INTO requests (id, job_id, kind, nonce, client_id, created, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (record.id, job_id, kind, nonce, client_id, created, expires_at),
    )
    return record


def get_request(tx: Tx, request_id: str) -> RequestRecord | None:
    row = tx.one("SELECT * FROM requests WHERE id = ?", (request_id,))
    return None if row is None else _request(row)


def find_request_by_nonce(tx: Tx, nonce: str) -> RequestRecord | None:
    row = tx.one("SELECT * FROM requests WHERE nonce = ?", (nonce,))
    return None if row is None else _request(row)


def mark_used(tx: Tx, request_id: str, *, at: str) -> bool:
    """Use the request's nonce once: True for the first caller, False ever after (the
    conditional UPDATE is what makes a nonce single-use, even between two racing posts)."""
    changed = tx.execute(
        "UPDATE requests SET used_at = ? WHERE id = ? AND used_at IS NULL", (at, request_id)
    )
    return changed == 1


def set_result(tx: Tx, request_id: str, result: dict[str, Any]) -> None:
    tx.execute("UPDATE requests SET result_json = ? WHERE id = ?", (_dump(result), request_id))


# --- responses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRecord:
    id: str
    request_id: str | None
    job_id: str | None
    received: str
    verdict: str
    report: dict[str, Any]


def _response(row: dict[str, Any]) -> ResponseRecord:
    return ResponseRecord(
        row["id"], row["request_id"], row["job_id"], row["received"], row["verdict"],
        _load(row["report_json"]),
    )  # fmt: skip


def add_response(
    tx: Tx, *, request_id: str | None, job_id: str | None, received: str,
    verdict: str, report: dict[str, Any],
) -> ResponseRecord:  # fmt: skip
    record = ResponseRecord(new_id(), request_id, job_id, received, verdict, report)
    tx.execute(
        "INSERT INTO responses (id, request_id, job_id, received, verdict, report_json) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (record.id, request_id, job_id, received, verdict, _dump(report)),
    )
    return record


def get_response(tx: Tx, response_id: str) -> ResponseRecord | None:
    row = tx.one("SELECT * FROM responses WHERE id = ?", (response_id,))
    return None if row is None else _response(row)


def list_responses(tx: Tx, job_id: str | None = None) -> list[ResponseRecord]:
    """A job's responses (every response when ``job_id`` is None), newest first."""
    if job_id is None:
        rows = tx.all("SELECT * FROM responses ORDER BY received DESC, id")
    else:
        rows = tx.all(
            "SELECT * FROM responses WHERE job_id = ? ORDER BY received DESC, id", (job_id,)
        )
    return [_response(r) for r in rows]


# --- webhooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookRecord:
    job_id: str
    url: str
    secret: str
    created: str


def set_webhook(tx: Tx, job_id: str, url: str, secret: str, *, created: str) -> WebhookRecord:
    tx.execute("DELETE FROM job_webhooks WHERE job_id = ?", (job_id,))
    tx.execute(
        "INSERT INTO job_webhooks (job_id, url, secret, created) VALUES (?, ?, ?, ?)",
        (job_id, url, secret, created),
    )
    return WebhookRecord(job_id, url, secret, created)


def get_webhook(tx: Tx, job_id: str) -> WebhookRecord | None:
    row = tx.one("SELECT * FROM job_webhooks WHERE job_id = ?", (job_id,))
    return None if row is None else WebhookRecord(**row)


@dataclass(frozen=True)
class DeliveryRecord:
    id: str
    job_id: str
    response_id: str | None
    url: str
    attempt: int
    at: str
    status: int | None
    detail: str


def add_delivery(
    tx: Tx, job_id: str, *, response_id: str | None, url: str, attempt: int, at: str,
    status: int | None, detail: str,
) -> DeliveryRecord:  # fmt: skip
    record = DeliveryRecord(new_id(), job_id, response_id, url, attempt, at, status, detail)
    tx.execute(
        "INSERT INTO webhook_deliveries (id, job_id, response_id, url, attempt, at, status, "
        "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record.id, job_id, response_id, url, attempt, at, status, detail),
    )
    return record


def list_deliveries(tx: Tx, job_id: str) -> list[DeliveryRecord]:
    rows = tx.all(
        "SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY at, attempt", (job_id,)
    )
    return [DeliveryRecord(**r) for r in rows]


# --- webhooks: removal and the delivery queue (verifier.delivery.webhook) -------------------------------


def delete_webhook(tx: Tx, job_id: str) -> bool:
    """Remove the job's webhook (its delivery log stays); False when there was none."""
    return tx.execute("DELETE FROM job_webhooks WHERE job_id = ?", (job_id,)) == 1


@dataclass(frozen=True)
class PendingDelivery:
    """A stored result still to be sent: its job's webhook, and the attempts made so far."""

    response: ResponseRecord
    webhook: WebhookRecord
    tries: int


def undelivered(tx: Tx, max_tries: int) -> list[PendingDelivery]:
    """Results of jobs with a webhook that no attempt has delivered (no 2xx answer) and that
    have had fewer than ``max_tries`` attempts, oldest first."""
    rows = tx.all(
        "SELECT r.*, w.url AS w_url, w.secret AS w_secret, w.created AS w_created, "
        "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.response_id = r.id) AS tries "
        "FROM responses r JOIN job_webhooks w ON w.job_id = r.job_id "
        "WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.response_id = r.id "
        "AND d.status >= 200 AND d.status < 300) "
        "ORDER BY r.received, r.id"
    )
    return [
        PendingDelivery(
            _response(r),
            WebhookRecord(r["job_id"], r["w_url"], r["w_secret"], r["w_created"]),
            int(r["tries"]),
        )  # fmt: skip
        for r in rows
        if int(r["tries"]) < max_tries
    ]
