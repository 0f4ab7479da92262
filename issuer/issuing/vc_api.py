"""Use case: the W3C VC-API ``POST /credentials/issue``: secure a credential the caller wrote.

:func:`issue_document` takes a VC 2.0 or VC 1.1 credential whose issuer is one of this
installation's DIDs, adds what the issuer owns (id, validity start, status entries) and secures
and stores it like catalogue issuance does (:func:`issuer.issuing.securing.secure_and_store`).

Which status entries (:func:`status_flavor`): the VC-API leaves it to the issuer *instance*
("it is the instance that is configured to know which cryptographic key to use for issuance,
whether or not a status list is involved", VC-API (VCALM) §Instances); the caller may ask with
``options.credentialStatus`` (``{"type": ...}``, ``true`` or ``false``, the member the VC-API's
``IssueCredentialOptions`` had). Without it, VC 2.0 input gets a ``BitstringStatusListEntry``
(revocation) and VC 1.1 input none, unless the installation sets ``LER_ISSUER_VC11_STATUS``: the
Bitstring Status List terms are defined only in the VC 2.0 context (Bitstring Status List v1.0
§2.1), so status on VC 1.1 is the superseded StatusList2021, whose extra context
(``https://w3id.org/vc/status-list/2021/v1``) a verifier must then be able to load.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from issuer import store
from issuer.errors import InvalidRequestError, MalformedCredentialError
from issuer.installation import Installation
from issuer.issuing.securing import (
    FORMATS,
    OB_TYPES,
    kinds,
    secure_and_store,
    status_signer,
    transaction,
)
from issuer.organisations import identity
from issuer.status import lists as status
from servicekit.db import Tx
from vckit import ob as openbadges
from vckit.credential import issuer_id, types_of
from vckit.keys.keypair import KeyKind
from vckit.status.bitstring import Flavor

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
STATUS_2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
STATUS_TYPES: dict[str, Flavor] = {
    "BitstringStatusListEntry": "bitstring",
    "StatusList2021Entry": "statuslist2021",
}
"""``options.credentialStatus.type`` -> the status list flavor the issuer allocates."""
StatusWanted = bool | str | None
"""``options.credentialStatus``: None (the instance default), True / False (status or none), or
an entry type of :data:`STATUS_TYPES`."""


def status_flavor(
    inst: Installation, v1: bool, wanted: StatusWanted, *, caller_status: bool
) -> Flavor | None:
    """The flavor of the issuer-managed status entries a VC-API credential gets (None: none).

    ``wanted`` is ``options.credentialStatus``; ``caller_status``: the credential carries its
    own ``credentialStatus`` (the caller manages status, the issuer adds nothing)."""
    if caller_status:
        if wanted:
            raise InvalidRequestError(
                "credential.credentialStatus is set, so the caller manages status: "
                "leave options.credentialStatus out (or false)"
            )
        return None
    if wanted is None:
        wanted = inst.vc11_status if v1 else True
    if wanted is False:
        return None
    if wanted is True:
        return "statuslist2021" if v1 else "bitstring"
    flavor = STATUS_TYPES.get(str(wanted))
    if flavor is None:
        raise InvalidRequestError(
            f"options.credentialStatus.type {str(wanted)[:80]!r}: use one of {sorted(STATUS_TYPES)}"
        )
    if v1 and flavor == "bitstring":
        raise InvalidRequestError(
            "BitstringStatusListEntry is defined by the VC 2.0 context only (Bitstring Status "
            "List v1.0 §2.1); a VC 1.1 credential takes StatusList2021Entry"
        )
    if not v1 and flavor == "statuslist2021":
        raise InvalidRequestError(
            "a VC 2.0 credential takes BitstringStatusListEntry (StatusList2021 is its VC 1.1 "
            "predecessor)"
        )
    return flavor


def _issuer_did(credential: dict[str, Any]) -> str:
    value = issuer_id(credential)
    if value is None:
        raise MalformedCredentialError("credential.issuer must be an issuer DID or {id: DID}")
    return value


def _contexts(credential: dict[str, Any]) -> list[Any]:
    context = credential.get("@context")
    if isinstance(context, str):
        context = [context]
    if not isinstance(context, list) or not context:
        raise MalformedCredentialError("credential['@context'] must be a non-empty list")
    if context[0] not in (VC_V1, VC_V2):
        raise MalformedCredentialError(f"the first @context must be {VC_V2} (or VC 1.1 {VC_V1})")
    return list(context)


def _subject_recipient(credential: dict[str, Any]) -> str:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, dict):
        raise MalformedCredentialError("credential.credentialSubject must be an object")
    found = subject.get("id")
    return found if isinstance(found, str) else ""


def _purposes(ob: bool, suspension: bool, asked: list[str] | None) -> list[str]:
    """The issuer-managed entries: the default (:func:`issuer.status.lists.purposes_for`), or
    the purposes the caller named (plus ``suspension`` with ``options.suspension``)."""
    if asked is None:
        return list(status.purposes_for(ob=ob, suspension=suspension))
    wanted: list[str] = [
        p for p in status.ENTRY_PURPOSES if p in asked or (p == "suspension" and suspension)
    ]
    if "message" in wanted and "revocation" not in wanted:
        raise InvalidRequestError(
            "statusPurpose message publishes why a credential was revoked: add revocation"
        )
    if ob and len(wanted) > 1:
        raise InvalidRequestError(
            "an Open Badge has one credentialStatus (OB 3.0 schema): ask for one statusPurpose"
        )
    return wanted


def issue_document(
    inst: Installation,
    credential: dict[str, Any],
    *,
    format: str = "eddsa-rdfc-2022",
    credential_id: str | None = None,
    suspension: bool = False,
    mandatory_pointers: list[str] | None = None,
    status_wanted: StatusWanted = None,
    status_purposes: list[str] | None = None,
    tx: Tx | None = None,
    key_type: KeyKind | None = None,
) -> store.CredentialRecord:
    """W3C VC-API issue: add an id (if none), the validity start (if none) and status
    entries, validate an OB credential against its schema, sign with the issuer's key.

    The issuer must be one of this installation's DIDs. ``status_wanted`` is the caller's
    ``options.credentialStatus`` (:func:`status_flavor`): by default VC 2.0 input gets
    BitstringStatusListEntry entries and VC 1.1 input none (StatusList2021 entries when the
    installation is configured so, or the caller asks). ``status_purposes``
    (``options.credentialStatus.statusPurpose``) names the entries: ``revocation`` (the
    default), ``suspension``, ``message`` (why it was revoked, :mod:`issuer.status.reasons`;
    it needs ``revocation``). A caller that
    writes its own ``credentialStatus`` manages status itself: the entries are validated
    (:mod:`vckit.data_model`) and signed as given, and the issuer allocates none. A
    ``proof`` is refused; an explicit ``"id": null`` too (a missing id gets a ``urn:uuid:``).
    ``ecdsa-sd-2023`` takes the caller's ``mandatory_pointers`` (VC-API), to which the
    never-disclosable members are added (:data:`issuer.issuing.sd_issue.NEVER_DISCLOSABLE`).
    Every format takes both data models; ``vc-jwt`` of VC 1.1 input is the VC-JWT 1.1
    encoding (the ``vc`` claim, :func:`vckit.signing.jwt_profile`), of VC 2.0 input ``vc+jwt``.
    ``vc-cose`` (``application/vc+cose``) is defined for VC 2.0 only: VC 1.1 input is refused.
    ``key_type`` picks the kind of key when the format takes several (``P-384`` for
    ``ecdsa-rdfc-2019`` / ``ecdsa-jcs-2019``), for a did:web issuer as for a did:key one.
    """
    if format not in FORMATS or format == "sd-jwt-vc":
        usable = ", ".join(f for f in FORMATS if f != "sd-jwt-vc")
        raise InvalidRequestError(f"format {format!r}: the VC-API issues {usable}")
    if mandatory_pointers is not None and format != "ecdsa-sd-2023":
        raise InvalidRequestError("mandatoryPointers needs the ecdsa-sd-2023 cryptosuite")
    kinds(format, key_type)  # a key type the format does not take: 422 before anything else
    contexts = _contexts(credential)
    if "VerifiableCredential" not in types_of(credential):
        raise MalformedCredentialError("credential.type must include VerifiableCredential")
    if "proof" in credential:
        raise MalformedCredentialError("the issuer sets the proof; leave it out")
    if credential_id is not None and "id" in credential and credential["id"] != credential_id:
        raise InvalidRequestError("options.credentialId differs from credential.id")
    v1 = contexts[0] == VC_V1
    document = json.loads(json.dumps(credential))  # a private deep copy
    if "id" not in document:  # an explicit null or "" is refused as not a URL (securing)
        document["id"] = credential_id or f"urn:uuid:{uuid.uuid4()}"
    stamp = openbadges.date_time(inst.now())
    if v1:
        document.setdefault("issuanceDate", stamp)
    elif "issuanceDate" in document or "expirationDate" in document:
        raise MalformedCredentialError("a VC 2.0 credential uses validFrom/validUntil")
    else:
        document.setdefault("validFrom", stamp)
    recipient = _subject_recipient(document)
    caller_status = "credentialStatus" in document
    flavor = status_flavor(inst, v1, status_wanted, caller_status=caller_status)
    if flavor is None and suspension:
        raise InvalidRequestError(
            "options.suspension needs a status entry; credentialStatus is off"
        )
    if flavor == "statuslist2021" and STATUS_2021_CONTEXT not in contexts:
        document["@context"] = [*contexts, STATUS_2021_CONTEXT]
    with transaction(inst, tx) as t:
        issuer = identity.issuer_by_did(t, _issuer_did(document))
        if issuer is None:
            raise InvalidRequestError(
                f"credential.issuer {_issuer_did(document)[:120]} is not an issuer here"
            )
        ob = bool(OB_TYPES & set(types_of(document)))
        purposes = [] if flavor is None else _purposes(ob, suspension, status_purposes)
        signer = status_signer(t, inst, issuer, _issuer_did(document), format, key_type)
        allocated = [
            status.allocate(t, inst, issuer.slug, p, flavor or "bitstring", signer)
            for p in purposes
        ]
        entries = [a[0] for a in allocated]
        if entries:
            document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        return secure_and_store(
            t,
            inst,
            issuer,
            document,
            format,
            achievement=None,
            recipient=recipient,
            allocated=list(zip(purposes, allocated, strict=True)),
            mandatory=mandatory_pointers or [],
            key_type=key_type,
        )
