"""The batch CSV file: its columns, its limits, and the check of every row before any issue.

The CSV file (UTF-8, with or without a byte-order mark; comma-separated, RFC 4180 quoting)
starts with a header row naming its columns; names are case-insensitive, order is free::

    recipient_did,email,name,valid_until,suspension
    did:key:z6MkhaXgBZD...,,Ada Lovelace,,
    ,grace@example.org,Grace Hopper,2027-06-30T00:00:00Z,true

===============  ==========================================================================
``recipient_did`` the learner's DID: the credential's ``credentialSubject.id``
``email``        the learner's email: a hashed, salted IdentityObject (OB 3.0 §B.1.16)
                 — every row gives exactly one of the two
``name``         optional: a label for the issuer's own lists; NOT put in the credential
``valid_until``  optional: ISO 8601 date-time with a zone offset, in the future
``suspension``   optional: ``true``/``false`` (``yes``/``no``, ``1``/``0``): the credential
                 can be suspended (its status entry is then a suspension one; see
                 :func:`issuer.status.lists.purposes_for`)
``recipient_name`` optional: the learner's name, put IN the credential (an IdentityObject)
``date_of_birth`` optional: ``YYYY-MM-DD``, not in the future (an IdentityObject)
``grade``        optional: one of the achievement's allowed result values (a Result)
===============  ==========================================================================

The last three are learner data (:mod:`issuer.issuing.learner_data`): in an ``ecdsa-sd-2023`` or
``sd-jwt-vc`` batch the learner can later hide those the catalogue makes disclosable.

Any other column is refused (a column we silently dropped would look like data in the
credential). The achievement and the proof format are chosen once for the whole batch.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first learner row 2.
Blank lines are skipped. Limits (:class:`Limits`): the file's bytes and rows (over either:
:class:`BatchTooLarge`, HTTP 413) and one field's characters.

:func:`parse_csv` checks every row: a missing or malformed field, a recipient given twice in
the file. Every problem is collected with its row number, and one :class:`BatchRejected`
lists them all (the first :data:`MAX_REPORTED`, and how many in all): nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer.errors import InvalidRequestError
from issuer.installation import Installation
from issuer.issuing import issuance, learner_data

COLUMNS = (
    "recipient_did",
    "email",
    "name",
    "valid_until",
    "suspension",
    "recipient_name",
    "date_of_birth",
    "grade",
)
LEARNER_COLUMNS = ("recipient_name", "date_of_birth", "grade")
RECIPIENT_COLUMNS = ("recipient_did", "email")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}
MAX_REPORTED = 100  # problems listed in one rejection; the count says how many in all


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 10_000
    max_field: int = 512  # characters


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row: the header is row 1
    column: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class BatchTooLarge(InvalidRequestError):
    """The file is over a limit (bytes or rows): HTTP 413."""

    code = "too-large"


class BatchRejected(InvalidRequestError):
    """Rows that cannot be issued; ``problems`` lists every one (HTTP 422)."""

    code = "invalid-rows"

    def __init__(self, problems: list[RowProblem], total: int | None = None) -> None:
        count = len(problems) if total is None else total
        rows = sorted({p.row for p in problems})
        shown = ", ".join(str(r) for r in rows[:20]) + (", ..." if len(rows) > 20 else "")
        super().__init__(f"{count} problem(s) in the CSV (rows {shown}); nothing was issued")
        self.problems = problems
        self.total = count


@dataclass(frozen=True)
class BatchRow:
    """One checked learner row, as stored in ``batch_rows.row_json``."""

    row: int
    recipient_did: str | None
    email: str | None
    name: str | None
    valid_until: datetime | None
    suspension: bool
    recipient_name: str | None = None
    date_of_birth: str | None = None
    grade: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "recipient_did": self.recipient_did,
            "email": self.email,
            "name": self.name,
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            "suspension": self.suspension,
            "recipient_name": self.recipient_name,
            "date_of_birth": self.date_of_birth,
            "grade": self.grade,
        }


def decode(data: bytes, limits: Limits) -> str:
    """UTF-8 text (a leading byte-order mark dropped), within the byte limit."""
    if len(data) > limits.max_bytes:
        raise BatchTooLarge(f"the CSV is {len(data)} bytes; the limit is {limits.max_bytes}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BatchRejected([RowProblem(line, None, "the file is not UTF-8 text")]) from exc


def read_header(names: list[str]) -> list[str]:
    """The header row: known, distinct column names, naming at least one recipient column."""
    columns = [name.strip().lower() for name in names]
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown or not set(columns) & set(RECIPIENT_COLUMNS):
        named = ", ".join(repr(u[:40]) for u in unknown[:5])
        what = f"unknown column(s) {named}; " if unknown else ""
        raise BatchRejected(
            [
                RowProblem(
                    1,
                    None,
                    f"{what}the first row must be a header naming the columns "
                    f"({', '.join(COLUMNS)}) with recipient_did or email",
                )
            ]
        )
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise BatchRejected([RowProblem(1, repeated[0], "a column is named twice")])
    return columns


def check_row(
    inst: Installation,
    number: int,
    values: dict[str, str],
    *,
    achievement: str,
    format: str,
    achievement_document: dict[str, Any] | None = None,
) -> BatchRow | list[RowProblem]:
    """One learner row: the fields parsed, then everything ``issuance.check_request``
    checks (recipient DID or email, format, a future ``valid_until``, the learner data), and
    the grade against ``achievement_document``'s allowed values when given. A bad row gets
    every one of its problems, not only the first."""
    problems: list[RowProblem] = []
    did = values.get("recipient_did") or None
    email = values.get("email") or None
    if (did is None) == (email is None):
        problems.append(RowProblem(number, None, "give exactly one of recipient_did or email"))
    until: datetime | None = None
    if values.get("valid_until"):
        try:
            until = datetime.fromisoformat(values["valid_until"])
        except ValueError:
            problems.append(RowProblem(number, "valid_until", "not an ISO 8601 date-time"))
    suspension = values.get("suspension", "").lower()
    if suspension not in _TRUE | _FALSE:
        problems.append(RowProblem(number, "suspension", "use true or false"))
    learner = {name: values.get(name) or None for name in LEARNER_COLUMNS}
    # every learner-data field on its own, so a row names all its problems at once
    if learner["grade"] is not None and achievement_document is not None:
        try:
            learner_data.grade_result(achievement_document, learner["grade"])
        except InvalidRequestError as exc:
            problems.append(RowProblem(number, "grade", str(exc)))
    if learner["recipient_name"] is not None:
        try:
            learner_data.check_name(learner["recipient_name"])
        except InvalidRequestError as exc:
            problems.append(RowProblem(number, "recipient_name", str(exc)))
    if learner["date_of_birth"] is not None:
        try:
            learner_data.check_date_of_birth(learner["date_of_birth"], inst.now().date())
        except InvalidRequestError as exc:
            problems.append(RowProblem(number, "date_of_birth", str(exc)))
    recipient_given = (did is None) != (email is None)
    if recipient_given and not any(p.column == "valid_until" for p in problems):
        try:  # the recipient, the format and valid_until (the learner data checked above)
            issuance.check_request(
                inst,
                issuance.IssueRequest(
                    issuer="",
                    achievement=achievement,
                    recipient_did=did,
                    recipient_email=email,
                    format=format,
                    suspension=suspension in _TRUE,
                    valid_until=until,
                ),
            )
        except InvalidRequestError as exc:
            named = "valid_until" if "valid_until" in str(exc) else None
            problems.append(RowProblem(number, named, str(exc)))
    if problems:
        return problems
    return BatchRow(
        number,
        did,
        email,
        values.get("name") or None,
        until,
        suspension in _TRUE,
        learner["recipient_name"],
        learner["date_of_birth"],
        learner["grade"],
    )


def recipient_key(row: BatchRow) -> str:
    """Who the row is for: the DID, or the email as issuance hashes it (trimmed, lower case)."""
    if row.recipient_did is not None:
        return row.recipient_did
    return "mailto:" + (row.email or "").strip().lower()


def parse_csv(
    inst: Installation,
    data: bytes,
    *,
    achievement: str,
    format: str,
    limits: Limits | None = None,
    achievement_document: dict[str, Any] | None = None,
) -> list[BatchRow]:
    """Every row checked, or :class:`BatchRejected` listing every problem (nothing issued).
    ``achievement_document`` (the OB 3.0 Achievement) lets grades be checked up front."""
    limits = limits or Limits()
    reader = csv.reader(io.StringIO(decode(data, limits), newline=""), strict=True)
    problems: list[RowProblem] = []
    rows: list[BatchRow] = []
    first_row_of: dict[str, int] = {}
    columns: list[str] | None = None
    seen = 0  # learner rows read
    try:
        while True:
            number = reader.line_num + 1  # the line the record starts on
            record = next(reader, None)
            if record is None:
                break
            if not any(field.strip() for field in record):
                continue
            if columns is None:
                columns = read_header(record)
                continue
            seen += 1
            if seen > limits.max_rows:
                raise BatchTooLarge(f"the CSV has more than {limits.max_rows} learner rows")
            found = _fields(number, record, columns, limits, problems)
            if found is None:
                continue
            checked = check_row(
                inst,
                number,
                found,
                achievement=achievement,
                format=format,
                achievement_document=achievement_document,
            )
            if isinstance(checked, list):
                problems.extend(checked)
                continue
            key = recipient_key(checked)
            if key in first_row_of:
                message = f"the same recipient as row {first_row_of[key]}"
                problems.append(RowProblem(number, None, message))
                continue
            first_row_of[key] = number
            rows.append(checked)
    except csv.Error as exc:
        problems.append(RowProblem(number, None, f"not valid CSV: {exc}"))
    if columns is None and not problems:
        problems.append(RowProblem(1, None, "the file is empty; a header row is required"))
    elif not rows and not problems:
        problems.append(RowProblem(2, None, "the file has a header but no learner rows"))
    if problems:
        raise BatchRejected(problems[:MAX_REPORTED], len(problems))
    return rows


def _fields(
    number: int,
    record: list[str],
    columns: list[str],
    limits: Limits,
    problems: list[RowProblem],
) -> dict[str, str] | None:
    """The row's fields by column name, stripped; None (and problems) when malformed."""
    if len(record) != len(columns):
        message = f"{len(record)} fields; the header has {len(columns)}"
        problems.append(RowProblem(number, None, message))
        return None
    found: dict[str, str] = {}
    bad = False
    for column, value in zip(columns, record, strict=True):
        if len(value) > limits.max_field:
            problems.append(RowProblem(number, column, f"over {limits.max_field} characters"))
            bad = True
        elif "\n" in value or "\r" in value:
            problems.append(RowProblem(number, column, "a line break inside a field"))
            bad = True
        found[column] = value.strip()
    return None if bad else found
