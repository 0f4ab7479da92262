"""Use case: an organisation's own trust in issuers, per achievement.

The installation's governance registry (:mod:`verifier.checking.registry`, a file) says
whom every employer here may rely on. On the registry page, signed-in staff of an
organisation add an issuer they trust for a named achievement (the amber report's "Trust
this issuer for …" leads there) or remove it again; every change is logged with who made it
and when (the ``trust_changes`` table, shown on the page, and the service log). From then
on, :func:`registry_for` is the registry the organisation's answers are judged with: the
file's issuers plus its own. Another organisation's trust never counts.
"""

from __future__ import annotations

import logging

from servicekit.text import is_printable
from verifier import store
from verifier.checking.registry import Registry
from verifier.errors import InvalidRequestError
from verifier.installation import Installation
from verifier.store import TrustChange, TrustRecord

log = logging.getLogger(__name__)
MAX_TEXT = 300
ACCREDITED_BY = "your organisation (trusted on the registry page)"
EMPTY = Registry("Governance registry", "", ())


def _text(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > MAX_TEXT or not is_printable(cleaned):
        raise InvalidRequestError(f"{what} must be 1 to {MAX_TEXT} printable characters")
    return cleaned


def registry_for(inst: Installation, organisation: str | None) -> Registry | None:
    """The registry an organisation's answers are judged with (None: none at all)."""
    base = inst.verification.registry
    if organisation is None:
        return base
    with inst.db.transaction() as tx:
        own = store.list_trust(tx, organisation)
    if not own:
        return base
    trusted = [(t.issuer_did, t.issuer_name, t.achievement_id) for t in own]
    return (base or EMPTY).with_trusted(trusted, ACCREDITED_BY)


def add(
    inst: Installation, organisation: str, staff_email: str, *,
    issuer_did: str, issuer_name: str, achievement_id: str, achievement_name: str,
) -> bool:  # fmt: skip
    """Trust the issuer for the achievement (logged); False when it was trusted already."""
    did = _text(issuer_did, "the issuer's DID")
    if not did.startswith("did:"):
        raise InvalidRequestError("the issuer must be given by its DID (did:…)")
    achievement = _text(achievement_id, "the achievement's id")
    if ":" not in achievement:
        raise InvalidRequestError("the achievement must be given by its id (a URL or URN)")
    name = _text(issuer_name or did, "the issuer's name")
    what = _text(achievement_name or achievement, "the achievement's name")
    record = TrustRecord(organisation, did, name, achievement, what, staff_email, inst.stamp())
    with inst.db.transaction() as tx:
        added = store.add_trust(tx, record)
        if added:
            store.log_change(tx, organisation, _change(record, "added", staff_email, inst))
    if added:
        log.info("trust added", extra={"event": f"{staff_email} trusts {did} for {achievement}"})
    return added


def remove(
    inst: Installation, organisation: str, staff_email: str, issuer_did: str, achievement_id: str
) -> bool:
    """Stop trusting (logged); False when it was not trusted."""
    with inst.db.transaction() as tx:
        removed = store.remove_trust(tx, organisation, issuer_did, achievement_id)
        if removed is not None:
            store.log_change(tx, organisation, _change(removed, "removed", staff_email, inst))
    if removed is not None:
        event = f"{staff_email} no longer trusts {issuer_did} for {achievement_id}"
        log.info("trust removed", extra={"event": event})
    return removed is not None


def trusted(inst: Installation, organisation: str) -> list[TrustRecord]:
    with inst.db.transaction() as tx:
        return store.list_trust(tx, organisation)


def changes(inst: Installation, organisation: str) -> list[TrustChange]:
    with inst.db.transaction() as tx:
        return store.list_changes(tx, organisation)


def _change(record: TrustRecord, change: str, email: str, inst: Installation) -> TrustChange:
    return TrustChange(
        inst.stamp(), email, change, record.issuer_did, record.issuer_name,
        record.achievement_id, record.achievement_name,
    )  # fmt: skip
