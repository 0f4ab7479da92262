"""The ``organisations``, ``staff`` and ``api_tokens`` tables: who may use the verifier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx
from verifier.store.columns import new_id


@dataclass(frozen=True)
class OrganisationRecord:
    id: str
    name: str
    created: str


@dataclass(frozen=True)
class StaffRecord:
    id: str
    organisation_id: str
    email: str
    password_hash: str
    session_epoch: int
    created: str


@dataclass(frozen=True)
class TokenRecord:
    id: str
    organisation_id: str
    name: str
    scopes: tuple[str, ...]
    created: str
    revoked_at: str | None


def _organisation(row: dict[str, Any]) -> OrganisationRecord:
    return OrganisationRecord(row["id"], row["name"], row["created"])


def _staff(row: dict[str, Any]) -> StaffRecord:
    return StaffRecord(
        row["id"], row["organisation_id"], row["email"], row["password_hash"],
        int(row["session_epoch"]), row["created"],
    )  # fmt: skip


def _token(row: dict[str, Any]) -> TokenRecord:
    scopes = tuple(s for s in row["scopes"].split() if s)
    return TokenRecord(
        row["id"], row["organisation_id"], row["name"], scopes, row["created"], row["revoked_at"]
    )


# --- organisations ----------------------------------------------------------------------------


def add_organisation(tx: Tx, name: str, *, created: str) -> OrganisationRecord:
    record = OrganisationRecord(new_id(), name, created)
    tx.execute(
        "INSERT INTO organisations (id, name, created) VALUES (?, ?, ?)", (record.id, name, created)
    )
    return record


def get_organisation(tx: Tx, organisation_id: str) -> OrganisationRecord | None:
    row = tx.one("SELECT * FROM organisations WHERE id = ?", (organisation_id,))
    return None if row is None else _organisation(row)


def find_organisation(tx: Tx, name: str) -> OrganisationRecord | None:
    row = tx.one("SELECT * FROM organisations WHERE name = ?", (name,))
    return None if row is None else _organisation(row)


def list_organisations(tx: Tx) -> list[OrganisationRecord]:
    return [_organisation(r) for r in tx.all("SELECT * FROM organisations ORDER BY created, id")]


# --- staff ------------------------------------------------------------------------------------


def add_staff(
    tx: Tx, organisation_id: str, email: str, password_hash: str, *, created: str
) -> StaffRecord:
    record = StaffRecord(new_id(), organisation_id, email, password_hash, 0, created)
    tx.execute(
        "INSERT INTO staff (id, organisation_id, email, password_hash, session_epoch, created)"
        " VALUES (?, ?, ?, ?, 0, ?)",
        (record.id, organisation_id, email, password_hash, created),
    )
    return record


def get_staff(tx: Tx, staff_id: str) -> StaffRecord | None:
    row = tx.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
    return None if row is None else _staff(row)


def get_staff_by_email(tx: Tx, email: str) -> StaffRecord | None:
    row = tx.one("SELECT * FROM staff WHERE email = ?", (email,))
    return None if row is None else _staff(row)


def set_staff_password(tx: Tx, staff_id: str, password_hash: str, *, end_sessions: bool) -> None:
    bump = ", session_epoch = session_epoch + 1" if end_sessions else ""
    tx.execute(f"UPDATE staff SET password_hash = ?{bump} WHERE id = ?", (password_hash, staff_id))


def bump_staff_epoch(tx: Tx, staff_id: str) -> None:
    tx.execute("UPDATE staff SET session_epoch = session_epoch + 1 WHERE id = ?", (staff_id,))


# --- API tokens -------------------------------------------------------------------------------


def add_token(
    tx: Tx, organisation_id: str, name: str, token_hash: str, scopes: tuple[str, ...],
    *, created: str,
) -> TokenRecord:  # fmt: skip
    record = TokenRecord(new_id(), organisation_id, name, scopes, created, None)
    tx.execute(
        "INSERT INTO api_tokens (id, organisation_id, name, token_hash, scopes, created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (record.id, organisation_id, name, token_hash, " ".join(scopes), created),
    )
    return record


def find_token(tx: Tx, token_hash: str) -> TokenRecord | None:
    """The live (not revoked) token with this hash."""
    row = tx.one(
        "SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,)
    )
    return None if row is None else _token(row)


def list_tokens(tx: Tx, organisation_id: str) -> list[TokenRecord]:
    rows = tx.all(
        "SELECT * FROM api_tokens WHERE organisation_id = ? ORDER BY created, id",
        (organisation_id,),
    )
    return [_token(r) for r in rows]


def revoke_token(tx: Tx, organisation_id: str, token_id: str, *, at: str) -> bool:
    """Revoke the organisation's token; False when it has no such live token."""
    count = tx.execute(
        "UPDATE api_tokens SET revoked_at = ? "
        "WHERE id = ? AND organisation_id = ? AND revoked_at IS NULL",
        (at, token_id, organisation_id),
    )
    return bool(count)
