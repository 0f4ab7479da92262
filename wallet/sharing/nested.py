"""The credentials a held CLR holds, as credentials the learner can share one by one.

A CLR 2.0 ``ClrSubject`` holds credentials each signed by its issuer, so each verifies on its
own (CLR 2.0 §B ``verifiableCredential``). The wallet offers each of them as a candidate of a
verifier's request (:func:`wallet.sharing.present.holdings`, DCQL matching in
:mod:`wallet.answering.match`) without the learner first keeping it as a credential of its own
(:mod:`wallet.receiving.from_clr`): the presentation then carries that credential alone, as
its issuer signed it — nothing of the rest of the record.

A nested credential is addressed as ``<CLR record id>.<index>`` (:func:`nested_id`); its
record is a view of the CLR's (:func:`nested_records`): same account, the nested credential
as its document, the CLR report's part for it as its report (its own proof, status and
trusted-issuer checks, from when the CLR was last checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vckit.credential import types_of
from wallet import store
from wallet.errors import NotFoundError
from wallet.installation import Installation
from wallet.receiving import kept
from wallet.sharing.disclose import credential_view
from wallet.store import CredentialRecord

SEPARATOR = "."
WHERE = "/credentialSubject/verifiableCredential/"
"""Where a nested credential's part sits in the CLR's report (vckit.verification.embedded)."""
_VERDICTS = {"pass": "verified", "fail": "failed"}


def nested_id(clr_id: str, index: int) -> str:
    return f"{clr_id}{SEPARATOR}{index}"


def split_id(credential_id: str) -> tuple[str, int] | None:
    """(CLR record id, index) of a nested credential's id; None for any other id."""
    clr_id, dot, index = credential_id.rpartition(SEPARATOR)
    if not dot or not clr_id or not index.isdigit() or len(index) > 4:
        return None
    return clr_id, int(index)


def held_in(document: Mapping[str, Any] | str) -> list[object]:
    """The ``verifiableCredential`` items of a CLR ([] for anything else)."""
    credential = credential_view(document)
    if credential is None or "ClrCredential" not in types_of(credential):
        return []
    subject = credential.get("credentialSubject")
    held = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    return held if isinstance(held, list) else [held]


def _part_reports(report: Mapping[str, Any] | None) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    parts = (report or {}).get("parts")
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, dict) or part.get("role") != "nested":
            continue
        where, inner = part.get("where"), part.get("report")
        index = str(where).removeprefix(WHERE)
        if str(where).startswith(WHERE) and index.isdigit() and isinstance(inner, dict):
            found[int(index)] = inner
    return found


def nested_records(record: CredentialRecord) -> list[CredentialRecord]:
    """A record of each JSON-LD credential the CLR ``record`` holds ([] if not a CLR)."""
    reports = _part_reports(record.report)
    out: list[CredentialRecord] = []
    for index, item in enumerate(held_in(record.document)):
        if not isinstance(item, dict):
            continue
        report = reports.get(index)
        verdict = (report or {}).get("verdict")
        out.append(
            replace(
                record,
                id=nested_id(record.id, index),
                content_hash=store.credential_hash(item),
                document=dict(item),
                format="ldp_vc",
                report=report,
                verdict=_VERDICTS.get(str(verdict), "unchecked") if report else None,
            )
        )
    return out


def get(inst: Installation, account_id: str, credential_id: str) -> CredentialRecord:
    """The nested credential of this id in one of the learner's CLRs; NotFoundError else."""
    found = split_id(credential_id)
    if found is None:
        raise NotFoundError(kept.NOT_HELD)
    clr_id, index = found
    for record in nested_records(kept.get(inst, account_id, clr_id)):
        if record.id == credential_id:
            return record
    raise NotFoundError(kept.NOT_HELD)
