"""The ``responses`` table: every answer received, with its report, the refused ones too
(unknown state, replayed or expired nonce); and the counts ``/stats`` reads from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from verifier.store.columns import dump, load, new_id


@dataclass(frozen=True)
class ResponseRecord:
    id: str
    request_id: str | None
    job_id: str | None
    received: str
    verdict: str
    report: dict[str, Any]
    applicant_ref: str | None = None  # copied from the request it answers


def response_of(row: dict[str, Any]) -> ResponseRecord:
    """A ``responses`` row (its ``report_json`` decoded) as a record."""
    return ResponseRecord(
        row["id"], row["request_id"], row["job_id"], row["received"], row["verdict"],
        load(row["report_json"]), row.get("applicant_ref"),
    )  # fmt: skip


def add_response(
    tx: Tx, *, request_id: str | None, job_id: str | None, received: str,
    verdict: str, report: dict[str, Any], applicant_ref: str | None = None,
) -> ResponseRecord:  # fmt: skip
    record = ResponseRecord(new_id(), request_id, job_id, received, verdict, report, applicant_ref)
    tx.execute(
        "INSERT INTO responses (id, request_id, job_id, received, verdict, report_json, "
        "applicant_ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (record.id, request_id, job_id, received, verdict, dump(report), applicant_ref),
    )
    return record


def get_response(tx: Tx, response_id: str) -> ResponseRecord | None:
    row = tx.one("SELECT * FROM responses WHERE id = ?", (response_id,))
    return None if row is None else response_of(row)


def list_responses(
    tx: Tx, job_id: str | None = None, *, limit: int | None = None, offset: int = 0
) -> list[ResponseRecord]:
    """A job's responses (every response when ``job_id`` is None), newest first; ``limit``
    of them after ``offset`` when given."""
    params: list[str | int] = [] if job_id is None else [job_id]
    where = "" if job_id is None else "WHERE job_id = ? "
    page = ""
    if limit is not None:
        page, params = " LIMIT ? OFFSET ?", [*params, limit, offset]
    rows = tx.all(f"SELECT * FROM responses {where}ORDER BY received DESC, id{page}", params)
    return [response_of(r) for r in rows]


def verdict_counts(tx: Tx) -> dict[str, int]:
    """How many responses have each verdict."""
    rows = tx.all("SELECT verdict, COUNT(*) AS n FROM responses GROUP BY verdict")
    return {row["verdict"]: int(row["n"]) for row in rows}


def latest_reports(tx: Tx, limit: int) -> list[Any]:
    """The reports of the latest ``limit`` responses (decoded JSON), newest first."""
    rows = tx.all(
        f"SELECT report_json FROM responses ORDER BY received DESC, id LIMIT {int(limit)}"
    )
    return [load(row["report_json"]) for row in rows]
