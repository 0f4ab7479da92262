"""The presentations that answer a request, with the fields the learner chose.

* ``ldp_vc`` (OpenID4VP Appendix B.1, and VC-API answers): a VC 2.0 presentation signed by
  the learner's holder key, ``challenge`` = nonce, ``domain`` = client_id; inside, each
  credential as it goes: an ecdsa-sd-2023 credential *derived* to the chosen fields, any
  other credential whole (:func:`signed_ldp`).
* VC-API answers that ask for ``application/vp+jwt`` (:mod:`wallet.answering.vpr`): the same
  presentation as a VC-JOSE-COSE ``vp+jwt``, ``nonce`` = challenge, ``aud`` = domain
  (:func:`signed_vp_jwt`).
* ``dc+sd-jwt`` (OpenID4VP Appendix B.3): the SD-JWT with only the chosen disclosures and a
  Key Binding JWT (RFC 9901 §4.3) over ``nonce``, ``aud`` = client_id and ``iat`` = now
  (B.3.6), signed by the holder key its ``cnf`` names (:func:`sd_jwt_kb`).

``shown`` maps a credential id to the JSON pointers of the fields that go; a credential
not named there goes with every field (the default: the learner switches off what to hide).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vckit.errors import VckitError
from vckit.jose.vc_jwt import peek
from wallet import accounts, store
from wallet.errors import InvalidInputError
from wallet.installation import Installation
from wallet.sharing import disclose, present
from wallet.sharing.disclose import Choice
from wallet.store import AccountRecord, PresentationRecord

Shown = Mapping[str, Sequence[str]]


def choice_for(
    inst: Installation, account: AccountRecord, credential_id: str, shown: Shown
) -> Choice:
    """The learner's credential (NotFoundError for anyone else's) with its chosen fields."""
    [record] = present.chosen_records(inst, account, [credential_id])
    pointers = shown.get(credential_id)
    return disclose.choose(record, show=None if pointers is None else list(pointers))


def _keep(
    inst: Installation, account: AccountRecord, document: dict[str, Any] | str, audience: str | None
) -> PresentationRecord:
    with inst.db.transaction() as tx:
        return store.add_presentation(
            tx, account.id, document, created=inst.stamp(), audience=audience
        )


def signed_ldp(
    inst: Installation,
    account: AccountRecord,
    credential_ids: Sequence[str],
    shown: Shown,
    *,
    challenge: str | None,
    domain: str | None,
) -> PresentationRecord:
    """A signed presentation of the chosen credentials, each with its chosen fields; kept."""
    documents = [
        disclose.for_presentation(choice_for(inst, account, credential_id, shown))
        for credential_id in dict.fromkeys(credential_ids)
    ]
    document = present.sign_documents(inst, account, documents, challenge=challenge, domain=domain)
    if not documents:
        document.pop("verifiableCredential", None)
    return _keep(inst, account, document, domain)


def signed_vp_jwt(
    inst: Installation,
    account: AccountRecord,
    credential_ids: Sequence[str],
    shown: Shown,
    *,
    challenge: str,
    domain: str | None,
) -> PresentationRecord:
    """A ``vp+jwt`` of the chosen credentials, each with its chosen fields; kept."""
    documents = [
        disclose.for_presentation(choice_for(inst, account, credential_id, shown))
        for credential_id in dict.fromkeys(credential_ids)
    ]
    token = present.sign_documents_as_vp_jwt(
        inst, account, documents, challenge=challenge, domain=domain
    )
    return _keep(inst, account, token, domain)


def is_vp_jwt(document: object) -> bool:
    """A kept ``vp+jwt`` (a compact JWS whose ``typ`` says so)."""
    if not isinstance(document, str) or "~" in document:
        return False
    try:
        header, _ = peek(document)
    except VckitError:
        return False
    return header.get("typ") == "vp+jwt"


def sd_jwt_kb(
    inst: Installation,
    account: AccountRecord,
    credential_id: str,
    shown: Shown,
    *,
    nonce: str,
    audience: str,
) -> PresentationRecord:
    """The SD-JWT with the chosen disclosures and a KB-JWT (nonce, aud, iat now); kept."""
    choice = choice_for(inst, account, credential_id, shown)
    token = disclose.sd_jwt_for(
        choice, accounts.holder_key(inst, account), nonce=nonce, aud=audience, iat=inst.now()
    )
    return _keep(inst, account, token, audience)


def is_bound(document: dict[str, Any] | str, nonce: str, domain: str | None) -> bool:
    """Whether a kept presentation answers this request: a signed presentation's proof
    carries ``challenge`` and ``domain``; an SD-JWT's KB-JWT ``nonce`` and ``aud``."""
    if isinstance(document, dict):
        proof = document.get("proof")
        if not isinstance(proof, dict):
            return False
        return proof.get("challenge") == nonce and proof.get("domain") == domain
    if is_vp_jwt(document):
        _, claims = peek(document)
        return claims.get("nonce") == nonce and claims.get("aud") == domain
    kb_jwt = document.strip().rsplit("~", 1)[-1]
    if "~" not in document or not kb_jwt:
        return False
    try:
        _, claims = peek(kb_jwt)
    except VckitError:
        return False
    return claims.get("nonce") == nonce and claims.get("aud") == domain


def credential_ids_of(
    inst: Installation, account: AccountRecord, documents: Sequence[Mapping[str, Any] | str]
) -> list[str]:
    """Which of the learner's credentials these presentations carry (for the share log)."""
    found: list[str] = []
    for document in documents:
        if is_vp_jwt(document):
            found.extend(present.credential_ids_in(inst, account, peek(str(document))[1]))
        elif isinstance(document, str):
            found.extend(present.derived_from(inst, account, document))
        else:
            found.extend(present.credential_ids_in(inst, account, document))
    return list(dict.fromkeys(found))


def check_query_format(fmt: str) -> None:
    """ldp_vc and dc+sd-jwt queries are answered (matching made sure the credential is of
    that format); anything else is refused by name."""
    if fmt not in ("ldp_vc", disclose.SD_JWT):
        raise InvalidInputError(f"answering {fmt} queries is not supported yet")
