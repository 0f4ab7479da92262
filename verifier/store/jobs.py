"""The ``jobs`` table: an employer's job, its title and requirements (JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from verifier.store.columns import dump, load, new_id


@dataclass(frozen=True)
class JobRecord:
    id: str
    title: str
    requirements: dict[str, Any]
    created: str


def _job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(row["id"], row["title"], load(row["requirements_json"]), row["created"])


def add_job(tx: Tx, title: str, requirements: dict[str, Any], *, created: str) -> JobRecord:
    job = JobRecord(new_id(), title, requirements, created)
    tx.execute(
        "INSERT INTO jobs (id, title, requirements_json, created) VALUES (?, ?, ?, ?)",
        (job.id, title, dump(requirements), created),
    )
    return job


def get_job(tx: Tx, job_id: str) -> JobRecord | None:
    row = tx.one("SELECT * FROM jobs WHERE id = ?", (job_id,))
    return None if row is None else _job(row)


def list_jobs(tx: Tx) -> list[JobRecord]:
    """Newest first."""
    return [_job(r) for r in tx.all("SELECT * FROM jobs ORDER BY created DESC, id")]


def count_jobs(tx: Tx) -> int:
    row = tx.one("SELECT COUNT(*) AS n FROM jobs") or {}
    return int(row.get("n") or 0)
