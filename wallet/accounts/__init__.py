"""Learner accounts: sign up, sign in, the holder key, export and deletion.

API note for the other wallet modules::

    from wallet import accounts
    account = accounts.sign_up(inst, "ada@example.org", "correct horse battery")  # AccountRecord
    account = accounts.sign_in(inst, "ADA@example.org", "correct horse battery")  # SignInRefused
    pair = accounts.holder_key(inst, account)      # vckit KeyPair (Ed25519) of the learner
    vm = accounts.holder_method(account)           # "did:key:z6Mk...#z6Mk..." (the proof's
                                                   # verificationMethod)
    accounts.get(inst, account_id)                 # AccountRecord or NotFoundError
    accounts.session_account(inst, account_id, epoch)  # AccountRecord, or None: gone / ended
    accounts.end_sessions(inst, account_id)        # every open session of the account ends
    accounts.reset_password(inst, email, password)  # the operator's reset (the demo seed)
    data = accounts.export(inst, account_id)       # everything, as one JSON-ready dict
    accounts.counts(inst, account_id)              # rows per table: what deleting would delete
    accounts.delete_account(inst, account_id)      # the account and every row naming it

Passwords are hashed with argon2id (:mod:`servicekit.passwords`, shared with the verifier's
staff: RFC 9106, argon2-cffi's "low memory" profile) and re-hashed on sign-in when those
parameters change. Emails are normalised (trimmed, NFKC, lower case) before they are stored
or looked up. Each learner gets an Ed25519 holder key at sign up; its DID is did:key (did:key v0.7
§2: ``did:key:`` + the Multikey value), so verifiers resolve it without any network.
"""

from __future__ import annotations

from typing import Any

from servicekit import passwords
from servicekit.db import ConflictError as DuplicateKey
from vckit.did.resolver import did_key
from vckit.keys.keypair import KeyPair
from wallet import store
from wallet.errors import ConflictError, InvalidInputError, NotFoundError, SignInRefused
from wallet.installation import Installation
from wallet.store import AccountRecord
from wallet.store.sealed import SEALED

__all__ = [
    "MAX_EMAIL",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "AccountRecord",
    "check_password",
    "counts",
    "delete_account",
    "end_sessions",
    "export",
    "get",
    "holder_key",
    "holder_method",
    "normalise_email",
    "reset_password",
    "session_account",
    "sign_in",
    "sign_up",
]

MIN_PASSWORD = passwords.MIN_PASSWORD
MAX_PASSWORD = passwords.MAX_PASSWORD
MAX_EMAIL = passwords.MAX_EMAIL


def normalise_email(email: str) -> str:
    """Trimmed, NFKC-normalised, lower case; InvalidInputError unless it looks like an
    address (one ``@``, a dot in the domain, no spaces, at most 254 characters)."""
    value = passwords.normalise_email(email)
    if value is None:
        raise InvalidInputError("enter an email address, like ada@example.org")
    return value


def check_password(password: str) -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInputError(problem)


def sign_up(inst: Installation, email: str, password: str) -> AccountRecord:
    """A new account with its holder key and did:key; ConflictError when the email is taken."""
    address = normalise_email(email)
    check_password(password)
    pair = inst.new_key("Ed25519")
    password_hash = passwords.hash_password(password)
    try:
        with inst.db.transaction() as tx:
            if store.get_account_by_email(tx, address) is not None:
                raise ConflictError("an account with this email exists already")
            return store.add_account(
                tx,
                email=address,
                password_hash=password_hash,
                did=did_key(pair.public),
                holder_jwk=pair.to_private_jwk(),
                created=inst.stamp(),
            )
    except DuplicateKey:  # signed up twice at once: the UNIQUE email decided
        raise ConflictError("an account with this email exists already") from None


def sign_in(inst: Installation, email: str, password: str) -> AccountRecord:
    """The account whose email and password these are; SignInRefused otherwise (the same
    message whether the email is unknown or the password wrong)."""
    refused = SignInRefused("that email and password do not match an account")
    try:
        address = normalise_email(email)
    except InvalidInputError:
        address = ""
    with inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, address) if address else None
    if not passwords.verify(None if account is None else account.password_hash, password):
        raise refused  # an unknown email costs what a wrong password does
    if account is None:
        raise refused
    if passwords.needs_rehash(account.password_hash):
        with inst.db.transaction() as tx:
            store.set_password_hash(tx, account.id, passwords.hash_password(password))
    return account


def reset_password(inst: Installation, email: str, password: str) -> AccountRecord:
    """Give the account of ``email`` a new password (argon2id) and end its open sessions;
    NotFoundError when there is none. For the operator (the demo seed), not for a route."""
    check_password(password)
    password_hash = passwords.hash_password(password)
    with inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, normalise_email(email))
        if account is None:
            raise NotFoundError("no such account")
        store.set_password_hash(tx, account.id, password_hash)
        store.bump_session_epoch(tx, account.id)
    return get(inst, account.id)


def get(inst: Installation, account_id: str) -> AccountRecord:
    with inst.db.transaction() as tx:
        account = store.get_account(tx, account_id)
    if account is None:
        raise NotFoundError("no such account")
    return account


def session_account(inst: Installation, account_id: str, epoch: int) -> AccountRecord | None:
    """The account a session names, if it is still there and the session is of its current
    epoch (a sign-out counts the epoch up, ending every older session); else None."""
    with inst.db.transaction() as tx:
        account = store.get_account(tx, account_id)
    if account is None or account.session_epoch != epoch:
        return None
    return account


def holder_key(inst: Installation, account: AccountRecord) -> KeyPair:
    """The learner's Ed25519 holder key pair (signs their presentations)."""
    return KeyPair.from_private_jwk(account.holder_jwk)


def holder_method(account: AccountRecord) -> str:
    """The verification method of the holder key: ``<did:key>#<multibase>`` (did:key §3.1)."""
    return f"{account.did}#{account.did.removeprefix('did:key:')}"


def end_sessions(inst: Installation, account_id: str) -> None:
    """End every session of the account, in every browser (sign-out)."""
    with inst.db.transaction() as tx:
        store.bump_session_epoch(tx, account_id)


def delete_account(inst: Installation, account_id: str) -> dict[str, int]:
    """Delete the account and everything it holds, in one transaction; the rows deleted
    per table. NotFoundError when there is no such account."""
    with inst.db.transaction() as tx:
        deleted = store.delete_account(tx, account_id)
    if deleted["accounts"] != 1:
        raise NotFoundError("no such account")
    return deleted


def counts(inst: Installation, account_id: str) -> dict[str, int]:
    """How many rows of each table are the learner's: what deleting the account deletes."""
    with inst.db.transaction() as tx:
        rows = store.rows_of_account(tx, account_id)
    return {table: len(table_rows) for table, table_rows in rows.items()}


def export(inst: Installation, account_id: str) -> dict[str, Any]:
    """Everything the wallet keeps about the learner, as one JSON-ready dict: the account
    (email, DID, public holder key, created), every credential with its verification
    report, presentations, share links, the share log, offers and requests.

    Left out: the password hash, the holder key's private part (a downloaded file is no
    place for a signing key) and every sealed column (an offer's access token)."""
    with inst.db.transaction() as tx:
        account = store.get_account(tx, account_id)
        if account is None:
            raise NotFoundError("no such account")
        rows = store.rows_of_account(tx, account_id)
    public_jwk = {k: v for k, v in account.holder_jwk.items() if k != "d"}
    return {
        "exported": inst.stamp(),
        "account": {
            "id": account.id,
            "email": account.email,
            "did": account.did,
            "holderPublicKeyJwk": public_jwk,
            "created": account.created,
        },
        **{
            table: [_decoded(_unsealed_only(table, row)) for row in table_rows]
            for table, table_rows in rows.items()
        },
    }


def _unsealed_only(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without the columns the wallet seals (:data:`wallet.store.sealed.SEALED`)."""
    secret = {column.column for column in SEALED if column.table == table}
    return {name: value for name, value in row.items() if name not in secret}


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its JSON columns (``*_json``, ``document``) decoded, ``account_id`` left
    out (it is the export's own)."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column == "account_id":
            continue
        if column.endswith("_json"):
            out[column.removesuffix("_json")] = store.load_json(value)
        elif column == "document" and isinstance(value, str):
            out[column] = store.decode_document(value)
        else:
            out[column] = value
    return out
