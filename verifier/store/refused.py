"""The ``refused_answers`` table and ``requests.refused_count``: answers a request refused.

A refused answer (malformed, not bound to the request's nonce, replayed, expired) is not a
result: it is counted on its request and logged with its reason, and only the latest
:data:`KEEP` of each request are kept (the oldest dropped), so no number of posts grows the
database without bound. ``number`` is the request's count when the answer came: it orders
the log even under a frozen clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.db import Tx

KEEP = 50
"""How many refused answers are kept per request."""
MAX_REASON = 500
"""A reason longer than this is cut (it may quote what was sent)."""


@dataclass(frozen=True)
class RefusedRecord:
    request_id: str
    number: int
    job_id: str
    received: str
    reason: str


def _printable(reason: str) -> str:
    """The reason as storable text: cut, and any lone surrogate escaped."""
    cut = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def add_refused(
    tx: Tx, request_id: str, job_id: str, *, received: str, reason: str, keep: int = KEEP
) -> int:
    """Count one refused answer on the request, log it, drop the oldest past ``keep``;
    returns the request's count."""
    tx.execute("UPDATE requests SET refused_count = refused_count + 1 WHERE id = ?", (request_id,))
    row = tx.one("SELECT refused_count FROM requests WHERE id = ?", (request_id,))
    number = int(row["refused_count"]) if row else 0
    tx.execute(
        "INSERT INTO refused_answers (request_id, number, job_id, received, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        (request_id, number, job_id, received, _printable(reason)),
    )
    tx.execute(
        "DELETE FROM refused_answers WHERE request_id = ? AND number <= ?",
        (request_id, number - keep),
    )
    return number


def refused_count(tx: Tx, job_id: str) -> int:
    """How many answers the job's requests refused, in all."""
    row = tx.one(
        "SELECT COALESCE(SUM(refused_count), 0) AS n FROM requests WHERE job_id = ?", (job_id,)
    )
    return int(row["n"]) if row else 0


def latest_refused(tx: Tx, job_id: str, *, limit: int, offset: int = 0) -> list[RefusedRecord]:
    """The job's logged refused answers, newest first."""
    rows = tx.all(
        "SELECT * FROM refused_answers WHERE job_id = ? "
        "ORDER BY received DESC, number DESC, request_id LIMIT ? OFFSET ?",
        (job_id, limit, offset),
    )
    return [
        RefusedRecord(r["request_id"], int(r["number"]), r["job_id"], r["received"], r["reason"])
        for r in rows
    ]
