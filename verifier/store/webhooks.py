"""The ``job_webhooks`` table: a job's applicant-tracking webhook (URL and HMAC secret)."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.db import Tx


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


def delete_webhook(tx: Tx, job_id: str) -> bool:
    """Remove the job's webhook (its delivery log stays); False when there was none."""
    return tx.execute("DELETE FROM job_webhooks WHERE job_id = ?", (job_id,)) == 1
