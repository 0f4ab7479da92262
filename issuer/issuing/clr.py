"""Issue a CLR 2.0 ``ClrCredential``: a learner's record of one programme of the catalogue.

API note::

    from issuer.issuing.clr import ClrRequest, issue_clr
    record = issue_clr(inst, ClrRequest(
        issuer="community-college",
        programme="practical-nursing-programme",   # an achievement with "courses" (catalogue)
        recipient_did="did:key:z6Mk...",           # the learner; CLRs name the learner by DID
        format="eddsa-rdfc-2022",                  # or "clr-jwt" (CLR 2.0 §8.2 VC-JWT, RS256)
    ))                                             # -> store.CredentialRecord

What goes in (CLR 2.0 §B "ClrSubject"):

- ``verifiableCredential``: the AchievementCredentials this issuer already issued to the
  learner for the programme and its courses (newest one per achievement, revoked ones left
  out). Data Integrity JSON-LD credentials go in as they were signed; an ``ecdsa-sd-2023`` base
  credential (whose proof only the holder's derived copy completes) goes in as the registrar's
  ``eddsa-rdfc-2022`` copy of it (:mod:`issuer.issuing.clr_copies`: own id, own status entry,
  revoked with its original); JWTs and SD-JWTs are left out. Each nested credential keeps its
  own proof and status entry, so each verifies and is revoked on its own;
- ``achievement``: the programme and each of its courses, from the catalogue;
- ``association``: each course ``isChildOf`` the programme; each course ``precedes`` the next
  (:func:`vckit.ob.clr.programme_associations`).

The CLR gets its own revocation entry, is checked against 1EdTech's CLR 2.0 JSON Schema and the
JSON-LD and data-model rules (:func:`issuer.issuing.securing.secure_and_store`), then signed.
Errors: :class:`~issuer.errors.NotFoundError` (unknown issuer);
:class:`~issuer.errors.InvalidRequestError` (not a programme, no DID, no credential to hold,
unknown format).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import clr_copies
from issuer.issuing.securing import secure_and_store, status_signer, transaction
from issuer.status import lists as status
from servicekit.db import Tx
from vckit.credential import types_of
from vckit.ob import clr

CLR_FORMATS = {"eddsa-rdfc-2022": "eddsa-rdfc-2022", "clr-jwt": "ob3-jwt"}
"""The CLR formats offered and the signing format each is: 1EdTech's required Data Integrity
suite, and the CLR 2.0 §8.2 VC-JWT, which is the OB 3.0 §8.2 encoding (``ob3-jwt``)."""
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")


@dataclass(frozen=True)
class ClrRequest:
    issuer: str
    programme: str
    recipient_did: str
    format: str = "eddsa-rdfc-2022"


def check_request(request: ClrRequest) -> None:
    if request.format not in CLR_FORMATS:
        raise InvalidRequestError(f"format {request.format!r}: use one of {', '.join(CLR_FORMATS)}")
    if not _DID.fullmatch(request.recipient_did):
        raise InvalidRequestError(f"recipient {request.recipient_did[:100]!r} is not a DID")


def _courses(
    t: Tx, issuer: str, programme: store.AchievementRecord
) -> list[store.AchievementRecord]:
    if not programme.courses:
        raise InvalidRequestError(
            f"achievement {programme.slug!r} is not a programme (it lists no courses)"
        )
    found = [store.get_achievement(t, issuer, slug) for slug in programme.courses]
    return [course for course in found if course is not None]


def held_credentials(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    recipient: str,
    achievements: list[store.AchievementRecord],
) -> list[dict[str, Any]]:
    """The credential to nest for each achievement issued to ``recipient``, in the order of
    ``achievements``: of the newest one not revoked that is a JSON-LD credential (not a JWT,
    not a CLR), itself or its Data Integrity copy (:func:`issuer.issuing.clr_copies.nestable`)."""
    records = store.credentials_of_recipient(
        t, issuer.slug, recipient, [a.id for a in achievements]
    )
    newest: dict[str, store.CredentialRecord] = {}
    for record in records:
        if (
            record.achievement is not None
            and isinstance(record.document, dict)
            and "ClrCredential" not in types_of(record.document)
            and (record.format in clr_copies.NESTABLE or record.format in clr_copies.COPIED)
        ):
            newest.setdefault(record.achievement, record)
    nested: list[dict[str, Any]] = []
    for achievement in achievements:
        found = newest.get(achievement.id)
        document = None if found is None else clr_copies.nestable(t, inst, issuer, found)
        if document is not None:
            nested.append(document)
    return nested


def issue_clr(
    inst: Installation, request: ClrRequest, *, tx: Tx | None = None
) -> store.CredentialRecord:
    """Issue the learner's CLR of a programme (see the module docstring)."""
    check_request(request)
    with transaction(inst, tx) as t:
        issuer = store.get_issuer(t, request.issuer)
        if issuer is None:
            raise NotFoundError(f"no issuer {request.issuer!r}")
        programme = store.get_achievement(t, request.issuer, request.programme)
        if programme is None:
            raise InvalidRequestError(
                f"issuer {request.issuer!r} has no achievement {request.programme[:100]!r}"
            )
        courses = _courses(t, issuer.slug, programme)
        nested = held_credentials(t, inst, issuer, request.recipient_did, [programme, *courses])
        if not nested:
            raise InvalidRequestError(
                f"the learner holds no credential of {programme.slug!r} or its courses from "
                f"{issuer.slug!r} that a CLR can hold (Data Integrity JSON-LD, not revoked)"
            )
        sign_as = CLR_FORMATS[request.format]
        purposes = status.purposes_for(ob=True, suspension=False)
        signer = status_signer(t, inst, issuer, None, sign_as)
        allocated = [status.allocate(t, inst, issuer.slug, p, signer=signer) for p in purposes]
        programme_doc = programme.achievement
        credential = clr.clr_credential(
            f"urn:uuid:{uuid.uuid4()}",
            issuer.profile,
            request.recipient_did,
            valid_from=inst.now(),
            awarded_date=inst.now(),
            name=f"{programme_doc.get('name', programme.slug)} — learner record",
            description=f"Comprehensive Learner Record of the {programme_doc.get('name')}"
            f" programme, issued by {issuer.profile.get('name', issuer.slug)}.",
            credentials=nested,
            achievements=[programme_doc, *(c.achievement for c in courses)],
            associations=clr.programme_associations(
                programme.id, [course.id for course in courses]
            ),
            credential_status=allocated[0][0],
        )
        return secure_and_store(
            t,
            inst,
            issuer,
            credential,
            sign_as,
            achievement=programme.id,
            recipient=request.recipient_did,
            allocated=list(zip(purposes, allocated, strict=True)),
        )
