"""An organisation's API tokens (for its HR system): made with scopes, shown once, kept as a
SHA-256 hash (:mod:`servicekit.api_tokens`), listed without the secret, revoked.

::

    from verifier.accounts import tokens
    made, secret = tokens.add_token(inst, org_id, "ATS", ["jobs:read", "results:read"])
    caller = tokens.authenticate(inst, secret)   # Caller, or None (unknown or revoked)
    tokens.list_tokens(inst, org_id)             # TokenRecords, revoked ones too
    tokens.revoke(inst, org_id, made.id)         # NotFoundError for another org's token
"""

from __future__ import annotations

from collections.abc import Iterable

from servicekit.api_tokens import MAX_TOKEN, new_token, token_hash
from vckit.errors import InputError
from verifier import store
from verifier.accounts import SCOPES, Caller
from verifier.errors import NotFoundError
from verifier.installation import Installation
from verifier.store.organisations import TokenRecord as TokenRecord

PREFIX = "lerv"  # a verifier token reads as one in a log or a leak scanner
MAX_NAME = 100


def add_token(
    inst: Installation, organisation_id: str, name: str, scopes: Iterable[str]
) -> tuple[TokenRecord, str]:
    """A new token of the organisation and its secret (shown once: only its hash is kept)."""
    wanted = tuple(dict.fromkeys(s.strip() for s in scopes if s.strip()))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise InputError(f"choose scopes among {', '.join(SCOPES)} (unknown: {unknown})")
    name = " ".join(name.split()) or "API token"
    if len(name) > MAX_NAME:
        raise InputError(f"a token's name has at most {MAX_NAME} characters")
    secret, digest = new_token(PREFIX)
    with inst.db.transaction() as tx:
        if store.get_organisation(tx, organisation_id) is None:
            raise NotFoundError("no such organisation")
        made = store.add_token(tx, organisation_id, name, digest, wanted, created=inst.stamp())
    return made, secret


def authenticate(inst: Installation, secret: str) -> Caller | None:
    """The caller a token secret stands for; None when it is no live token."""
    if not secret or len(secret) > MAX_TOKEN:
        return None
    with inst.db.transaction() as tx:
        found = store.find_token(tx, token_hash(secret))
    if found is None:
        return None
    return Caller(found.organisation_id, frozenset(found.scopes), token_id=found.id)


def list_tokens(inst: Installation, organisation_id: str) -> list[TokenRecord]:
    with inst.db.transaction() as tx:
        return store.list_tokens(tx, organisation_id)


def revoke(inst: Installation, organisation_id: str, token_id: str) -> None:
    """Revoke the organisation's live token; NotFoundError otherwise (another organisation's
    token is not found either)."""
    with inst.db.transaction() as tx:
        if not store.revoke_token(tx, organisation_id, token_id, at=inst.stamp()):
            raise NotFoundError("no such token")
