"""Secure a credential a use case built, and store it: validate it (OB 3.0 JSON Schema), sign it
in the chosen format with the issuer's active key, store it and record its status entries, in
the caller's transaction.

Every credential the issuer signs passes here (VC-API, project API, pages, CSV batches,
OpenID4VCI), so the JSON-LD rules are checked here once, before anything else
(:func:`vckit.jsonld.policy.check_signable`): a ``@context`` object setting ``@vocab`` or
``@base``, a protected term redefined, an ``@graph`` or more than 1,000 objects is refused with
a 422 problem whose ``code`` names the rule (:class:`~issuer.errors.UnsignableCredentialError`).
Then the VC Data Model rules the verifier's ``format`` check applies
(:func:`vckit.data_model.violations`: a non-empty subject, XML Schema date-times, a ``type``
on each status, schema, refresh service, terms of use and evidence, well-formed related
resources, an ``id`` that is a URL ...): a 422 ``urn:ler:problem:data-model`` whose detail names
each member and rule, e.g. ``credentialSubject: must not be empty (§4.8)``.

Shared by catalogue issuance (:func:`issuer.issuing.issuance.issue_credential`) and the VC-API
(:func:`issuer.issuing.vc_api.issue_document`). :data:`FORMATS` names every format the issuer
signs in, with the key kind each needs.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import vckit
from issuer import store
from issuer.errors import ConflictError, InvalidRequestError, UnsignableCredentialError
from issuer.installation import Installation
from issuer.issuing import learner_data, sd_issue
from issuer.organisations import identity
from issuer.status import lists as status
from servicekit.db import ConflictError as DbConflict
from servicekit.db import Tx
from vckit import data_model
from vckit import ob as openbadges
from vckit.credential import issuer_id, types_of
from vckit.errors import JsonLdError, SchemaError, VckitError
from vckit.jsonld import policy
from vckit.keys.keypair import KeyKind, KeyPair

FORMATS: dict[str, KeyKind] = {
    "eddsa-rdfc-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
    "eddsa-jcs-2022": "Ed25519",  # Data Integrity over the JSON text (JCS, RFC 8785)
    "ecdsa-jcs-2019": "P-256",
    "vc-jwt": "P-256",  # VC-JOSE-COSE vc+jwt, ES256
    "vc-cose": "P-256",  # VC-JOSE-COSE application/vc+cose (COSE_Sign1), ES256; VC 2.0 only
    "ob3-jwt": "RSA",  # OB 3.0 §8.2 VC-JWT, RS256 (the algorithm every OB verifier supports)
    "ecdsa-sd-2023": "P-256",  # Data Integrity selective disclosure (issuer.issuing.sd_issue)
    "sd-jwt-vc": "P-256",  # SD-JWT VC, typ dc+sd-jwt, ES256 (issuer.issuing.sd_issue)
}
CODE = "data-model"
"""The problem code of a credential refused for breaking a VC Data Model rule."""
ALSO_P384: dict[str, tuple[KeyKind, ...]] = {
    "ecdsa-rdfc-2019": ("P-384",),
    "ecdsa-jcs-2019": ("P-384",),
}
"""Formats an issuer may also sign with its P-384 key (vc-di-ecdsa: SHA-384 with P-384): a
did:key issuer when the credential's issuer is that key's DID
(:func:`issuer.organisations.identity.signer`), any issuer when the caller asks for the key
type (VC-API ``options.keyType``, :func:`kinds`)."""
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


@contextmanager
def transaction(inst: Installation, tx: Tx | None) -> Iterator[Tx]:
    if tx is not None:
        yield tx
        return
    with inst.db.transaction() as own:
        yield own


def _check_signable(credential: dict[str, Any]) -> None:
    """The JSON-LD rules every signed credential keeps, whatever its format."""
    try:
        policy.check_signable(credential)
    except JsonLdError as exc:
        raise UnsignableCredentialError(f"the issuer will not sign this: {exc}", exc.code) from exc


def _check_data_model(credential: dict[str, Any]) -> None:
    """The VC Data Model rules the verifier's ``format`` check applies (one list of rules,
    :func:`vckit.data_model.violations`), so the issuer never signs what a verifier rejects."""
    broken = data_model.violations(credential)
    if broken:
        rules = "; ".join(str(v) for v in broken[:5])
        raise UnsignableCredentialError(f"the credential breaks the VC Data Model: {rules}", CODE)


def _validate(credential: dict[str, Any]) -> None:
    """1EdTech's JSON Schema (OB 3.0 AchievementCredential, CLR 2.0 ClrCredential), before
    anything is signed."""
    try:
        openbadges.ensure_valid(credential)
    except SchemaError as exc:
        problems = "; ".join(f"{path}: {message}" for path, message in exc.problems[:5])
        spec = "CLR 2.0" if "ClrCredential" in types_of(credential) else "OB 3.0"
        raise InvalidRequestError(f"the credential fails the {spec} schema: {problems}") from exc


def status_signer(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    wanted: str | None,
    format: str,
    key_type: KeyKind | None = None,
) -> str | None:
    """The key whose DID must also issue the new credential's status lists: the did:key key
    that will sign it (:func:`issuer.status.lists.allocate`); None for a did:web issuer."""
    if issuer.identity != "did:key":
        return None
    _key, method = identity.signer(t, inst, issuer, kinds(format, key_type), wanted)
    return method


def kinds(format: str, key_type: KeyKind | None = None) -> tuple[KeyKind, ...]:
    """The key kinds that may sign ``format``, the format's own first; ``key_type`` (the
    caller's choice) narrows them to that one, or the format does not take it (422)."""
    allowed: tuple[KeyKind, ...] = (FORMATS[format], *ALSO_P384.get(format, ()))
    if key_type is None:
        return allowed
    if key_type not in allowed:
        raise InvalidRequestError(
            f"keyType {key_type}: {format} signs with {' or '.join(allowed)} keys"
        )
    return (key_type,)


def _issuer_is_signer(credential: dict[str, Any], issuer: store.IssuerRecord, did: str) -> None:
    """A did:key issuer signs as the key's own DID: an ``issuer`` naming the issuer's did:web
    DID becomes that DID (a verifier requires the issuer to control the key)."""
    if did == issuer.did or issuer_id(credential) == did:
        return
    if isinstance(credential.get("issuer"), dict):
        credential["issuer"]["id"] = did
    else:
        credential["issuer"] = did


def _sign(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
    mandatory: list[str] | None,
    policy: tuple[str, ...],
    key_type: KeyKind | None = None,
    signing: tuple[KeyPair, str] | None = None,
) -> dict[str, Any] | str:
    key, method = signing or identity.signer(
        t, inst, issuer, kinds(format, key_type), issuer_id(credential)
    )
    return sign_with(
        credential,
        format,
        issuer,
        key,
        method,
        created=inst.now(),
        policy=policy,
        mandatory=mandatory,
    )


def check(credential: dict[str, Any]) -> None:
    """Every check before signing (JSON-LD rules, VC Data Model, OB 3.0 / CLR 2.0 schema)."""
    _check_signable(credential)
    _check_data_model(credential)
    if (OB_TYPES | {"ClrCredential", "EndorsementCredential"}) & set(types_of(credential)):
        _validate(credential)


def sign_with(
    credential: dict[str, Any],
    format: str,
    issuer: store.IssuerRecord,
    key: KeyPair,
    method: str,
    *,
    created: datetime,
    policy: tuple[str, ...] = tuple(learner_data.FIELDS),
    mandatory: list[str] | None = None,
) -> dict[str, Any] | str:
    """Sign a checked credential with ``key`` (verification method ``method``): no database, no
    clock (``created`` is the proof's time), so a batch's signing workers run it too
    (:mod:`issuer.batches.signing`)."""
    _issuer_is_signer(credential, issuer, method.partition("#")[0])
    if format == "sd-jwt-vc":
        return sd_issue.issue_sd_jwt(
            credential,
            key,
            kid=method,
            issuer_did=method.partition("#")[0],
            policy=policy,
            now=created,
        )
    pointers: list[str] = []
    if format == "ecdsa-sd-2023":
        pointers = (
            sd_issue.ecdsa_sd_mandatory(credential, policy)
            if mandatory is None
            else sd_issue.required_pointers(credential, mandatory)
        )
    try:
        return vckit.sign(
            credential,
            key,
            verification_method=method,
            format=format,
            created=created,
            mandatory_pointers=pointers,
        )
    except VckitError as exc:
        raise InvalidRequestError(f"cannot sign the credential with {format}: {exc}") from exc


def secure_and_store(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
    *,
    achievement: str | None,
    recipient: str,
    allocated: list[tuple[str, tuple[dict[str, Any], str, int]]],
    policy: tuple[str, ...] = tuple(learner_data.FIELDS),
    mandatory: list[str] | None = None,
    key_type: KeyKind | None = None,
) -> store.CredentialRecord:
    """Validate, sign and store. ``policy``: the disclosable learner-data fields; ``mandatory``
    (ecdsa-sd-2023): the caller's pointers, else all but the disclosable fields; ``key_type``:
    the kind of key to sign with, when the format takes more than one (:func:`kinds`)."""
    record = secure(
        t,
        inst,
        issuer,
        credential,
        format,
        achievement=achievement,
        recipient=recipient,
        policy=policy,
        mandatory=mandatory,
        key_type=key_type,
    )
    store_secured(t, record, allocated)
    return record


def store_secured(
    t: Tx,
    record: store.CredentialRecord,
    allocated: list[tuple[str, tuple[dict[str, Any], str, int]]],
) -> None:
    """Store a credential :func:`secure` made, with its status entries."""
    try:
        store.add_credential(t, record)
    except DbConflict as exc:
        raise ConflictError(f"a credential with id {record.id[:200]} exists already") from exc
    for purpose, (_entry, list_id, index) in allocated:
        status.record_entry(t, list_id, index, record.id, purpose)


def secure(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
    *,
    achievement: str | None,
    recipient: str,
    policy: tuple[str, ...] = tuple(learner_data.FIELDS),
    mandatory: list[str] | None = None,
    key_type: KeyKind | None = None,
    signing: tuple[KeyPair, str] | None = None,
) -> store.CredentialRecord:
    """Validate and sign, writing nothing: the record :func:`secure_and_store` stores (a batch
    stores a group's records together). ``signing``: the key and verification method
    :func:`signing_for` chose once for many credentials of one issuer and format."""
    check(credential)
    document = _sign(t, inst, issuer, credential, format, mandatory, policy, key_type, signing)
    return record_of(inst, issuer, credential, format, document, achievement, recipient)


def record_of(
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
    document: dict[str, Any] | str,
    achievement: str | None,
    recipient: str,
) -> store.CredentialRecord:
    """The record of a signed credential (a new download token), to store."""
    return store.CredentialRecord(
        id=credential["id"],
        token=secrets.token_urlsafe(24),
        issuer=issuer.slug,
        achievement=achievement,
        format=format,
        recipient=recipient,
        document=document,
        issued=inst.stamp(),
    )


def signing_for(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
) -> tuple[KeyPair, str]:
    """The key that signs ``credential`` and its verification method (what :func:`secure`
    looks up per credential when not given it)."""
    return identity.signer(t, inst, issuer, kinds(format), issuer_id(credential))
