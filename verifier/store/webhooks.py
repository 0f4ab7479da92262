"""The ``job_webhooks`` table: a job's applicant-tracking webhook (URL and HMAC secret, the
secret sealed under the verifier's key-encryption key: :mod:`verifier.store.sealed`)."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.db import Tx
from verifier.store.sealed import WEBHOOK_SECRETS


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
        (job_id, url, WEBHOOK_SECRETS.seal(tx.keyring, job_id, secret), created),
    )
    return WebhookRecord(job_id, url, secret, created)


def get_webhook(tx: Tx, job_id: str) -> WebhookRecord | None:
    row = tx.one("SELECT * FROM job_webhooks WHERE job_id = ?", (job_id,))
    if row is None:
        return None
    return webhook_of_row(tx, row["job_id"], row["url"], row["secret"], row["created"])


def webhook_of_row(
    tx: Tx, job_id: str, url: str, sealed_secret: str, created: str
) -> WebhookRecord:
    """The record of a stored row, its secret opened."""
    return WebhookRecord(
        job_id, url, WEBHOOK_SECRETS.open(tx.keyring, job_id, sealed_secret), created
    )


def delete_webhook(tx: Tx, job_id: str) -> bool:
    """Remove the job's webhook (its delivery log stays); False when there was none."""
    return tx.execute("DELETE FROM job_webhooks WHERE job_id = ?", (job_id,)) == 1
