"""Keeping what arrives: whose it is, its verification report, and the row, in one step.

:func:`keep` checks that the credential is a verifiable credential about this learner
(:mod:`wallet.receiving.recipient`), verifies it (:mod:`wallet.receiving.check`; a failure is
kept and shown as failed, never as good) and stores it with its report. The same credential
twice is :class:`AlreadyHeld` (409). ``then`` runs in the SAME transaction as the insert:
the offer flow records "redeemed" there (:mod:`wallet.receiving.progress`), so that a crash
leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servicekit.db import ConflictError as DuplicateKey
from servicekit.db import Tx
from vckit.credential import types_of
from vckit.errors import VckitError
from vckit.jose import vc_jwt as jose
from wallet import store
from wallet.errors import ConflictError, InvalidInputError
from wallet.installation import Installation
from wallet.receiving.check import check
from wallet.receiving.recipient import bound_to_holder, recipient_of
from wallet.sharing import disclose
from wallet.store import AccountRecord, CredentialRecord


@dataclass(frozen=True)
class Received:
    record: CredentialRecord
    recipient: dict[str, Any]


class AlreadyHeld(ConflictError):
    """The learner holds this very credential already (``held`` is its id, when known)."""

    def __init__(self, held: str | None = None) -> None:
        super().__init__("this credential is already in your wallet")
        self.held = held


def credential_json(document: dict[str, Any] | str) -> dict[str, Any]:
    """The credential's JSON: the document, or the (unverified) credential in a JWT or an
    SD-JWT (its claims, every disclosure applied, without the JWT claims)."""
    if isinstance(document, dict):
        return document
    if disclose.is_sd_jwt(document):
        view = disclose.sd_jwt_claims(document, view=True)
        if view is None:
            raise InvalidInputError("this SD-JWT cannot be read")
        return view
    try:
        _, payload = jose.peek(document)
        return jose.credential_from_jwt(payload)
    except VckitError as exc:
        raise InvalidInputError(f"this JWT is not a credential: {exc}") from None


def format_of(document: dict[str, Any] | str) -> str:
    """The format a credential is kept as (the OpenID4VCI / DCQL format identifier)."""
    if isinstance(document, dict):
        return "ldp_vc"
    return disclose.SD_JWT if disclose.is_sd_jwt(document) else "jwt_vc_json"


def keep(
    inst: Installation,
    account: AccountRecord,
    document: dict[str, Any] | str,
    *,
    source: str,
    then: Callable[[Tx, CredentialRecord], None] | None = None,
    refuse: Callable[[str, dict[str, Any]], None] | None = None,
    replaces: str | None = None,
) -> Received:
    """Check whose it is, verify, store with the report (and run ``then`` in the same
    transaction). :class:`AlreadyHeld` when the learner holds it already. ``refuse`` sees the
    verdict and report before anything is stored and may raise (the Open Badges host refuses
    a credential that failed); ``replaces`` names a held credential this newer copy takes
    the place of (same record id)."""
    credential = credential_json(document)
    if "VerifiableCredential" not in types_of(credential):
        raise InvalidInputError(
            "this is not a verifiable credential (no VerifiableCredential type)"
        )
    recipient = recipient_of(credential, account)
    if disclose.is_sd_jwt(document):
        recipient = bound_to_holder(inst, account, str(document), recipient)
    content_hash = store.credential_hash(document)
    with inst.db.transaction() as tx:
        held = store.find_credential_by_hash(tx, account.id, content_hash)
    if held is not None:
        raise AlreadyHeld(held.id)
    report, verdict = check(inst, document)
    if refuse is not None:
        refuse(verdict, report)
    report["recipient"] = recipient
    row: dict[str, Any] = {
        "format": format_of(document), "source": source, "received_at": inst.stamp(),
        "report": report, "verdict": verdict, "checked_at": inst.stamp(),
    }  # fmt: skip
    try:
        with inst.db.transaction() as tx:
            found = None
            if replaces is not None:
                found = store.replace_credential(tx, account.id, replaces, document, **row)
            record = found or store.add_credential(tx, account.id, document, **row)
            if then is not None:
                then(tx, record)
    except DuplicateKey:  # the same credential arrived twice at once
        raise AlreadyHeld() from None
    return Received(record, recipient)
