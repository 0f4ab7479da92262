"""Whose is a credential: a status list credential (:func:`vckit.status.is_status_list`) is
about other credentials, never the learner's own, and is refused ("this is a status list,
not a credential about you"); a credential about another DID than the learner's is refused
("this credential is about someone else"); one whose subject is named only by an OB 3.0
``IdentityObject`` (an email) is accepted and flagged, with whether the hash matches the
account's email (:func:`recipient_of`). An SD-JWT must be bound (``cnf.jwk``) to the
learner's holder key (:func:`bound_to_holder`), else it is refused the same way. The note
returned is kept with the credential's report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from vckit.status import is_status_list
from wallet import accounts
from wallet.errors import InvalidInputError
from wallet.installation import Installation
from wallet.sharing import disclose
from wallet.store import AccountRecord

ABOUT_SOMEONE_ELSE = "this credential is about someone else: its subject is {}, you are {}"
A_STATUS_LIST = (
    "this is a status list, not a credential about you: an issuer publishes it to say which "
    "of its credentials are revoked or suspended"
)


def _subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = credential.get("credentialSubject")
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _email_hash_matches(identity: Mapping[str, Any], email: str) -> bool:
    """OB 3.0 IdentityObject: ``identityHash`` is the address itself, or when ``hashed``
    ``sha256$`` + hex SHA-256 of the address followed by ``salt``."""
    value = str(identity.get("identityHash", ""))
    if not identity.get("hashed"):
        return value.strip().lower() == email
    salted = (email + str(identity.get("salt") or "")).encode()
    return value.lower() == "sha256$" + hashlib.sha256(salted).hexdigest()


def recipient_of(credential: Mapping[str, Any], account: AccountRecord) -> dict[str, Any]:
    """Who the credential is about, as a note kept with its report. InvalidInputError when a
    subject is another DID and none is the learner's, or when it is a status list."""
    if is_status_list(credential):
        raise InvalidInputError(A_STATUS_LIST)
    subjects = _subjects(credential)
    ids = [str(s["id"]) for s in subjects if isinstance(s.get("id"), str)]
    if account.did in ids:
        return {"kind": "did", "detail": "issued to your DID", "id": account.did}
    other_dids = [value for value in ids if value.startswith("did:")]
    if other_dids:
        raise InvalidInputError(ABOUT_SOMEONE_ELSE.format(other_dids[0][:120], account.did))
    for subject in subjects:
        identifiers = subject.get("identifier")
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(identity, Mapping) and identity.get("identityType") == "emailAddress":
                matches = _email_hash_matches(identity, account.email)
                detail = "issued to an email identity" + (
                    ", which matches your account's email"
                    if matches
                    else ", which is not your account's email"
                )
                return {"kind": "email", "detail": detail, "matches": matches}
    if ids:
        return {"kind": "other", "detail": f"its subject is {ids[0][:120]}, not a DID"}
    return {"kind": "none", "detail": "the credential names no subject"}


def bound_to_holder(
    inst: Installation, account: AccountRecord, token: str, recipient: dict[str, Any]
) -> dict[str, Any]:
    """An SD-JWT is presented with a Key Binding JWT signed by the key in its ``cnf``
    (RFC 9901 §4.1.2): refused unless that key is the learner's holder key."""
    claims = disclose.sd_jwt_claims(token) or {}
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise InvalidInputError(
            "this SD-JWT names no holder key (cnf.jwk): you could not present it as yours"
        )
    mine = accounts.holder_key(inst, account).public.to_jwk()
    if any(jwk.get(name) != mine.get(name) for name in ("kty", "crv", "x", "y")):
        raise InvalidInputError(
            "this credential is about someone else: it is bound to another key (cnf), "
            f"not your holder key ({account.did})"
        )
    return {**recipient, "holder_key": "bound to your holder key (cnf)"}
