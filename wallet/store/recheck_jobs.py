"""The ``recheck_jobs`` table: "verify all my credentials again", run in the background.

A job keeps the ids of the credentials it checks (fixed when it starts), how many it has
checked (``checked``: the position of the next one) and the counts of its results by verdict.
:func:`advance_recheck_job` moves it on by one, and only from the position the caller read:
called in the same transaction as the credential's new report, a step is recorded once or not
at all, whoever else runs the job. A unique index allows one unfinished job per account
(``finished IS NULL``): a second :func:`add_recheck_job` raises ConflictError. Plus the one
query across accounts, :func:`unfinished_recheck_jobs`, for the worker that resumes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from wallet.store.columns import dump_json, load_json, new_id


@dataclass(frozen=True)
class RecheckJobRecord:
    id: str
    account_id: str
    state: str  # queued, running, done, failed
    credential_ids: list[str]
    total: int
    checked: int
    counts: dict[str, int]  # verdict -> how many of the checked credentials have it
    error: str | None
    created: str
    started: str | None
    finished: str | None


def _job(row: dict[str, Any] | None) -> RecheckJobRecord | None:
    if row is None:
        return None
    return RecheckJobRecord(
        row["id"],
        row["account_id"],
        row["state"],
        load_json(row["credential_ids_json"]),
        int(row["total"]),
        int(row["checked"]),
        load_json(row["counts_json"]),
        row["error"],
        row["created"],
        row["started"],
        row["finished"],
    )


def add_recheck_job(
    tx: Tx, account_id: str, credential_ids: list[str], *, state: str, created: str
) -> RecheckJobRecord:
    """A new job over ``credential_ids``; ConflictError when the account has an unfinished one."""
    record = RecheckJobRecord(
        new_id(),
        account_id,
        state,
        list(credential_ids),
        len(credential_ids),
        0,
        {},
        None,
        created,
        None,
        None,
    )
    tx.execute(
        "INSERT INTO recheck_jobs (id, account_id, state, credential_ids_json, total, checked, "
        "counts_json, created) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (
            record.id,
            account_id,
            state,
            dump_json(record.credential_ids),
            record.total,
            "{}",
            created,
        ),
    )
    return record


def get_recheck_job(tx: Tx, account_id: str, job_id: str) -> RecheckJobRecord | None:
    return _job(
        tx.one("SELECT * FROM recheck_jobs WHERE account_id = ? AND id = ?", (account_id, job_id))
    )


def unfinished_recheck_job(tx: Tx, account_id: str) -> RecheckJobRecord | None:
    """The account's job still queued or running, if any (there is at most one)."""
    return _job(
        tx.one(
            "SELECT * FROM recheck_jobs WHERE account_id = ? AND finished IS NULL", (account_id,)
        )
    )


def start_recheck_job(tx: Tx, account_id: str, job_id: str, *, state: str, started: str) -> bool:
    """Mark a queued job running (``started`` is kept from the first start)."""
    changed = tx.execute(
        "UPDATE recheck_jobs SET state = ?, started = COALESCE(started, ?) "
        "WHERE account_id = ? AND id = ? AND finished IS NULL",
        (state, started, account_id, job_id),
    )
    return changed == 1


def advance_recheck_job(
    tx: Tx, account_id: str, job_id: str, *, position: int, verdict: str | None
) -> bool:
    """Record the result of the credential at ``position``: ``checked`` becomes position + 1
    and ``verdict`` is counted (None: the credential was deleted meanwhile, not counted).
    False, changing nothing, when the job is not at ``position`` (another run got there
    first) or is finished."""
    row = tx.one(
        "SELECT counts_json FROM recheck_jobs WHERE account_id = ? AND id = ? AND checked = ? "
        "AND finished IS NULL",
        (account_id, job_id, position),
    )
    if row is None:
        return False
    counts: dict[str, int] = load_json(row["counts_json"])
    if verdict is not None:
        counts[verdict] = counts.get(verdict, 0) + 1
    changed = tx.execute(
        "UPDATE recheck_jobs SET checked = checked + 1, counts_json = ? "
        "WHERE account_id = ? AND id = ? AND checked = ? AND finished IS NULL",
        (dump_json(counts), account_id, job_id, position),
    )
    return changed == 1


def finish_recheck_job(
    tx: Tx, account_id: str, job_id: str, *, state: str, finished: str, error: str | None = None
) -> bool:
    changed = tx.execute(
        "UPDATE recheck_jobs SET state = ?, finished = ?, error = ? "
        "WHERE account_id = ? AND id = ? AND finished IS NULL",
        (state, finished, error, account_id, job_id),
    )
    return changed == 1


def note_recheck_job(tx: Tx, account_id: str, job_id: str, error: str) -> None:
    """Keep why a run stopped (the job stays unfinished, to resume)."""
    tx.execute(
        "UPDATE recheck_jobs SET error = ? WHERE account_id = ? AND id = ?",
        (error, account_id, job_id),
    )


def unfinished_recheck_jobs(tx: Tx) -> list[tuple[str, str]]:
    """ACROSS ACCOUNTS, for the worker only: (account_id, job_id) of every job not finished,
    oldest first."""
    rows = tx.all(
        "SELECT account_id, id FROM recheck_jobs WHERE finished IS NULL ORDER BY created, id"
    )
    return [(str(r["account_id"]), str(r["id"])) for r in rows]
