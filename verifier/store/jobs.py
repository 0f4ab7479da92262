"""The ``jobs`` table: an employer's job, its title and requirements (JSON), and the
organisation it belongs to."""

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
    organisation_id: str | None = None


def _job(row: dict[str, Any]) -> JobRecord:
    return JobRecord(
        row["id"], row["title"], load(row["requirements_json"]), row["created"],
        row.get("organisation_id"),
    )  # fmt: skip


def add_job(
    tx: Tx,
    title: str,
    requirements: dict[str, Any],
    *,
    created: str,
    organisation_id: str | None = None,
) -> JobRecord:
    """A job of ``organisation_id`` (None: of no organisation, so no caller can see it)."""
    job = JobRecord(new_id(), title, requirements, created, organisation_id)
    tx.execute(
        "INSERT INTO jobs (id, title, requirements_json, created, organisation_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (job.id, title, dump(requirements), created, organisation_id),
    )
    return job


def get_job(tx: Tx, job_id: str) -> JobRecord | None:
    row = tx.one("SELECT * FROM jobs WHERE id = ?", (job_id,))
    return None if row is None else _job(row)


def list_jobs(tx: Tx, organisation_id: str | None = None) -> list[JobRecord]:
    """Newest first; of one organisation when given."""
    if organisation_id is None:
        return [_job(r) for r in tx.all("SELECT * FROM jobs ORDER BY created DESC, id")]
    rows = tx.all(
        "SELECT * FROM jobs WHERE organisation_id = ? ORDER BY created DESC, id",
        (organisation_id,),
    )
    return [_job(r) for r in rows]


def count_jobs(tx: Tx) -> int:
    row = tx.one("SELECT COUNT(*) AS n FROM jobs") or {}
    return int(row.get("n") or 0)
