"""The ``requests`` table: one presentation request per row (OpenID4VP or a VC-API VPR) for a
job, with its single-use nonce, audience, expiry, when it was answered and the first answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from verifier.store.columns import dump, load, new_id


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
    applicant_ref: str | None = None  # the ATS's reference for the applicant, when given


def _request(row: dict[str, Any]) -> RequestRecord:
    return RequestRecord(
        row["id"], row["job_id"], row["kind"], row["nonce"], row["client_id"], row["created"],
        row["expires_at"], row["used_at"], load(row["result_json"]), row.get("applicant_ref"),
    )  # fmt: skip


def add_request(
    tx: Tx, job_id: str, *, kind: str, nonce: str, client_id: str, created: str,
    expires_at: str, request_id: str | None = None, applicant_ref: str | None = None,
) -> RequestRecord:  # fmt: skip
    """A new request; a nonce used before raises :class:`servicekit.db.ConflictError`."""
    record = RequestRecord(
        request_id or new_id(), job_id, kind, nonce, client_id, created, expires_at, None, None,
        applicant_ref,
    )  # fmt: skip
    tx.execute(
        "INSERT INTO requests (id, job_id, kind, nonce, client_id, created, expires_at, "
        "applicant_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record.id, job_id, kind, nonce, client_id, created, expires_at, applicant_ref),
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
    tx.execute("UPDATE requests SET result_json = ? WHERE id = ?", (dump(result), request_id))
