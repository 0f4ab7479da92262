"""The ``webhook_deliveries`` table: every attempt to deliver a result to a job's webhook;
and the delivery queue read from it (:func:`undelivered`, for :mod:`verifier.delivery`)."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.db import Tx
from verifier.store.columns import new_id
from verifier.store.responses import ResponseRecord, response_of
from verifier.store.webhooks import WebhookRecord, webhook_of_row


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


@dataclass(frozen=True)
class PendingDelivery:
    """A stored result still to be sent: its job's webhook, and the attempts made so far."""

    response: ResponseRecord
    webhook: WebhookRecord
    tries: int


def undelivered(tx: Tx, max_tries: int, *, response_id: str | None = None) -> list[PendingDelivery]:
    """Results of jobs with a webhook that no attempt has delivered (no 2xx answer) and that
    have had fewer than ``max_tries`` attempts, oldest first (only ``response_id`` when
    given: what a deliverer checks again once it holds the result's lease)."""
    only, params = ("AND r.id = ? ", (response_id,)) if response_id is not None else ("", ())
    rows = tx.all(
        "SELECT r.*, w.url AS w_url, w.secret AS w_secret, w.created AS w_created, "
        "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.response_id = r.id) AS tries "
        "FROM responses r JOIN job_webhooks w ON w.job_id = r.job_id "
        "WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.response_id = r.id "
        f"AND d.status >= 200 AND d.status < 300) {only}"
        "ORDER BY r.received, r.id",
        params,
    )
    return [
        PendingDelivery(
            response_of(r),
            webhook_of_row(tx, r["job_id"], r["w_url"], r["w_secret"], r["w_created"]),
            int(r["tries"]),
        )  # fmt: skip
        for r in rows
        if int(r["tries"]) < max_tries
    ]
