"""Data Integrity copies of a learner's course credentials, made for a CLR.

A ClrSubject holds signed JSON-LD credentials (CLR 2.0 §B ``verifiableCredential``), each
verifiable on its own. A course credential the learner received in a form that cannot be
nested — an ``ecdsa-sd-2023`` *base* credential, whose proof only the holder's derived
presentation completes — is re-issued by the registrar for the record, the way a registrar
certifies a copy of an award for a transcript:

- the copy is the same award (same subject, achievement, result, dates, endorsements), with
  its own ``id``, its own revocation entry and its own ``eddsa-rdfc-2022`` proof, so it
  verifies and can be revoked on its own;
- the issuer records which credential it copies (``credentials.copy_of``); revoking the
  original revokes its copies too (:func:`issuer.status.lists.set_status`), so a withdrawn
  award does not live on inside a transcript. Revoking a copy leaves the original alone;
- a second CLR reuses a copy that is not revoked instead of making another.

JWT and SD-JWT credentials are not copied: their payload is not the JSON-LD credential a
ClrSubject holds (left out of the CLR, as before).

API note::

    from issuer.issuing.clr_copies import nestable
    document = nestable(t, inst, issuer, record)   # dict to nest, or None (cannot be nested)
"""

from __future__ import annotations

import uuid
from typing import Any

from issuer import store
from issuer.installation import Installation
from issuer.issuing.securing import secure_and_store, status_signer
from issuer.status import lists as status
from servicekit.db import Tx

NESTABLE = frozenset({"eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022", "ecdsa-jcs-2019"})
"""Formats of credentials a ClrSubject can hold as they were signed: signed JSON-LD objects."""
COPIED = frozenset({"ecdsa-sd-2023"})
"""Formats the registrar re-issues as a Data Integrity copy for a CLR."""
COPY_FORMAT = "eddsa-rdfc-2022"
"""The copies' suite: the one 1EdTech requires of every OB 3.0 / CLR 2.0 verifier."""


def nestable(
    t: Tx, inst: Installation, issuer: store.IssuerRecord, record: store.CredentialRecord
) -> dict[str, Any] | None:
    """The credential to nest for ``record``: itself when it can be nested, else its copy
    (an existing one not revoked, or a new one); None when neither can be."""
    if not isinstance(record.document, dict):
        return None
    if record.format in NESTABLE:
        return record.document
    if record.format not in COPIED:
        return None
    for existing in store.copies_of(t, record.id):
        if isinstance(existing.document, dict):
            return existing.document
    return copy_of(t, inst, issuer, record, record.document)


def copy_of(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    record: store.CredentialRecord,
    document: dict[str, Any],
) -> dict[str, Any]:
    """Issue and store a Data Integrity copy of ``record`` (its signed ``document``); returns
    the signed copy (see the module docstring)."""
    credential = {k: v for k, v in document.items() if k != "proof"}
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    purposes = status.purposes_for(ob=True, suspension=False)
    signer = status_signer(t, inst, issuer, None, COPY_FORMAT)
    allocated = [status.allocate(t, inst, issuer.slug, p, signer=signer) for p in purposes]
    credential["credentialStatus"] = allocated[0][0]
    copy = secure_and_store(
        t,
        inst,
        issuer,
        credential,
        COPY_FORMAT,
        achievement=record.achievement,
        recipient=record.recipient,
        allocated=list(zip(purposes, allocated, strict=True)),
    )
    store.link_copy(t, copy.id, record.id)
    return credential if not isinstance(copy.document, dict) else copy.document
