"""Use case: the W3C VC-API ``POST /credentials/issue``: secure a credential the caller wrote.

:func:`issue_document` takes a VC 2.0 or VC 1.1 credential whose issuer is one of this
installation's DIDs, adds what the issuer owns (id, validity start, status entries) and secures
and stores it like catalogue issuance does (:func:`issuer.issuing.securing.secure_and_store`).
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


def issue_document(
    inst: Installation,
    credential: dict[str, Any],
    *,
    format: str = "eddsa-rdfc-2022",
    credential_id: str | None = None,
    suspension: bool = False,
    mandatory_pointers: list[str] | None = None,
    tx: Tx | None = None,
    key_type: KeyKind | None = None,
) -> store.CredentialRecord:
    """W3C VC-API issue: add an id (if none), the validity start (if none) and status
    entries, validate an OB credential against its schema, sign with the issuer's key.

    The issuer must be one of this installation's DIDs. VC 1.1 input (``issuanceDate``)
    gets StatusList2021 entries; VC 2.0 input BitstringStatusListEntry ones. A caller that
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
    flavor: Flavor = "statuslist2021" if v1 else "bitstring"
    caller_status = "credentialStatus" in document
    if v1 and not caller_status and STATUS_2021_CONTEXT not in contexts:
        document["@context"] = [*contexts, STATUS_2021_CONTEXT]
    with transaction(inst, tx) as t:
        issuer = identity.issuer_by_did(t, _issuer_did(document))
        if issuer is None:
            raise InvalidRequestError(
                f"credential.issuer {_issuer_did(document)[:120]} is not an issuer here"
            )
        ob = bool(OB_TYPES & set(types_of(document)))
        purposes = [] if caller_status else status.purposes_for(ob=ob, suspension=suspension)
        signer = status_signer(t, inst, issuer, _issuer_did(document), format, key_type)
        allocated = [status.allocate(t, inst, issuer.slug, p, flavor, signer) for p in purposes]
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
