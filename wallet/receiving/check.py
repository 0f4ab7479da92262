"""Verifying a held credential: on arrival (:func:`check`) and again later (:func:`recheck`,
:func:`recheck_all`, and :func:`recheck_due` for the background job), since its status may
change. :func:`vckit.verification.verify` does the work, did:web documents and status lists fetched
through the wallet's one outbound client; the report is kept with the credential and its
verdict is one of :data:`VERDICTS` -- a credential that fails is shown as failed, never as good.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from vckit.credential import types_of
from vckit.did.resolver import DidResolver
from vckit.errors import VckitError
from vckit.report import FAIL, PASS, Report
from vckit.verification import VerifyOptions, verify
from wallet import store
from wallet.errors import InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receiving import kept
from wallet.store import CredentialRecord

VERIFIED, FAILED, REVOKED, SUSPENDED, UNCHECKED = (
    "verified",
    "failed",
    "revoked",
    "suspended",
    "unchecked",
)
VERDICTS = (VERIFIED, FAILED, REVOKED, SUSPENDED, UNCHECKED)
"""``verified``: every check passed. ``revoked`` / ``suspended``: only the status check
failed, with that purpose. ``failed``: any other failing check. ``unchecked``: nothing failed
but some check could not run (e.g. the issuer's DID document could not be fetched)."""
RECHECK_AFTER = timedelta(hours=24)


def verify_options(inst: Installation) -> VerifyOptions:
    """did:web documents and status lists through the wallet's outbound client; now. The
    wallet is the holder: it checks an ecdsa-sd-2023 base proof it received (a verifier
    would refuse one)."""
    return VerifyOptions(
        resolver=DidResolver(inst.http.fetch),
        fetch_status_list=inst.http.fetch,
        now=inst.now(),
        accept_base_proofs=True,
    )


def verdict_of(report: Report) -> str:
    """One of :data:`VERDICTS` (a revoked credential is not merely "failed")."""
    if report.verdict == PASS:
        return VERIFIED
    if report.verdict != FAIL:
        return UNCHECKED
    failed = [c for c in report.all_checks() if c.status == FAIL]
    if len(failed) == 1 and failed[0].id == "status":
        if failed[0].detail.startswith("revocation:"):
            return REVOKED
        if failed[0].detail.startswith("suspension:"):
            return SUSPENDED
    return FAILED


def check(inst: Installation, document: dict[str, Any] | str) -> tuple[dict[str, Any], str]:
    """Verify a credential: (the report as JSON, its verdict). InvalidInputError when it is
    not a credential at all (a presentation, not a VC)."""
    if isinstance(document, dict) and "VerifiablePresentation" in types_of(document):
        raise InvalidInputError("this is a presentation, not a credential")
    try:
        report = verify(document, verify_options(inst))
    except VckitError as exc:
        raise InvalidInputError(f"this is not a credential the wallet can check: {exc}") from None
    return report.to_json(), verdict_of(report)


def check_again(inst: Installation, record: CredentialRecord) -> tuple[dict[str, Any], str]:
    """A held credential's new report and verdict (nothing stored): its recipient note is
    kept; one that can no longer be checked is failed, never "good"."""
    try:
        report, verdict = check(inst, record.document)
    except InvalidInputError as exc:  # held, yet no longer checkable: say so, never "good"
        report, verdict = {"verdict": FAIL, "checks": [], "error": str(exc)}, FAILED
    previous = record.report or {}
    if "recipient" in previous:
        report["recipient"] = previous["recipient"]
    return report, verdict


def _recheck_record(inst: Installation, record: CredentialRecord) -> CredentialRecord:
    """Verify a held credential again (its status may have changed); keep the new report."""
    report, verdict = check_again(inst, record)
    with inst.db.transaction() as tx:
        store.update_check(
            tx,
            record.account_id,
            record.id,
            report=report,
            verdict=verdict,
            checked_at=inst.stamp(),
        )
        fresh = store.get_credential(tx, record.account_id, record.id)
    if fresh is None:  # deleted meanwhile
        raise NotFoundError(kept.NOT_HELD)
    return fresh


def recheck(inst: Installation, account_id: str, credential_id: str) -> CredentialRecord:
    """Re-verify one of the learner's credentials (NotFoundError for anyone else's)."""
    return _recheck_record(inst, kept.get(inst, account_id, credential_id))


def recheck_all(inst: Installation, account_id: str) -> list[CredentialRecord]:
    """Re-verify every credential of the learner."""
    return [_recheck_record(inst, record) for record in kept.all_of(inst, account_id)]


def recheck_due(inst: Installation, *, every: timedelta = RECHECK_AFTER, limit: int = 100) -> int:
    """The background job's step, across accounts: re-verify up to ``limit`` credentials
    last checked more than ``every`` ago. Returns how many were checked."""
    before = (inst.now() - every).astimezone(UTC).isoformat()
    with inst.db.transaction() as tx:
        due = store.credentials_to_recheck(tx, before, limit)
    done = 0
    for record in due:
        try:
            _recheck_record(inst, record)
        except NotFoundError:
            continue
        done += 1
    return done
