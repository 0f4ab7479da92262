"""Keep one credential of a CLR as a credential of its own, to share it alone.

A CLR 2.0 ``ClrSubject`` holds credentials each signed by its issuer, so each one verifies
without the CLR: taking one out reveals nothing of the others or of the record. The learner
picks one on the transcript (:mod:`wallet.views.transcript`); it is received like any other
credential (:func:`wallet.receiving.keeping.keep`: whose it is, verified, kept with its report,
source ``clr``), and shared like any other from then on. The CLR itself stays as it was.
"""

from __future__ import annotations

from typing import Any

from vckit.credential import types_of
from wallet.errors import InvalidInputError, NotFoundError
from wallet.installation import Installation
from wallet.receiving import kept
from wallet.receiving.keeping import Received, keep
from wallet.sharing.disclose import credential_view
from wallet.store import AccountRecord

SOURCE = "clr"


def nested_credential(
    inst: Installation, account: AccountRecord, credential_id: str, index: int
) -> dict[str, Any]:
    """The ``index``-th credential of the learner's CLR ``credential_id``."""
    document = credential_view(kept.get(inst, account.id, credential_id).document)
    if document is None or "ClrCredential" not in types_of(document):
        raise InvalidInputError("this credential is not a CLR: it holds no credentials")
    subject = document.get("credentialSubject")
    held = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    held = held if isinstance(held, list) else [held]
    if not 0 <= index < len(held) or not isinstance(held[index], dict):
        raise NotFoundError(f"the CLR holds no credential number {index + 1}")
    found: dict[str, Any] = held[index]
    return found


def keep_nested(
    inst: Installation, account: AccountRecord, credential_id: str, index: int
) -> Received:
    """Receive the CLR's ``index``-th credential as the learner's own (AlreadyHeld if kept)."""
    return keep(
        inst, account, nested_credential(inst, account, credential_id, index), source=SOURCE
    )
