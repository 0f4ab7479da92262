"""The credentials the wallet keeps for a learner: one (the one get-or-404 of a held
credential), all of them, and deleting one. Another learner's credential id is simply
not found (:class:`wallet.errors.NotFoundError`), whatever asks for it.

::

    from wallet.receiving import kept
    record = kept.get(inst, account.id, credential_id)   # CredentialRecord or NotFoundError
    records = kept.all_of(inst, account.id)               # newest first
    kept.delete(inst, account.id, credential_id)          # NotFoundError when not held
"""

from __future__ import annotations

from wallet import store
from wallet.errors import NotFoundError
from wallet.installation import Installation
from wallet.store import CredentialRecord

__all__ = ["NOT_HELD", "CredentialRecord", "all_of", "delete", "get"]

NOT_HELD = "no such credential in your wallet"


def get(inst: Installation, account_id: str, credential_id: str) -> CredentialRecord:
    """The learner's credential of this id; NotFoundError when the learner holds none."""
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, account_id, credential_id)
    if record is None:
        raise NotFoundError(NOT_HELD)
    return record


def all_of(inst: Installation, account_id: str) -> list[CredentialRecord]:
    """Every credential of the learner, newest first."""
    with inst.db.transaction() as tx:
        return store.list_credentials(tx, account_id)


def delete(inst: Installation, account_id: str, credential_id: str) -> None:
    """Delete the credential from the wallet (the issuer's records are not touched);
    NotFoundError when the learner holds none of this id."""
    with inst.db.transaction() as tx:
        deleted = store.delete_credential(tx, account_id, credential_id)
    if not deleted:
        raise NotFoundError(NOT_HELD)
