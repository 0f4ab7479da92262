"""Endorsements (OB 3.0 §B "EndorsementCredential"): one issuer vouches for another issuer's
profile or for one of its achievements.

API note::

    from issuer.issuing.endorse import EndorseRequest, endorse, endorsements_of
    record = endorse(inst, EndorseRequest(
        endorser="nursing-board",                       # the issuer who endorses (signs)
        issuer="community-college",                     # whose profile, or whose achievement:
        achievement="practical-nursing-programme",      # None: the issuer's profile itself
        comment="Approved practical nursing programme (Board rule 12.4).",
    ))

The endorsement is an ``EndorsementCredential`` whose ``EndorsementSubject`` ``id`` is the
endorsed profile's DID or the achievement's id, with the ``endorsementComment``; it gets a
revocation entry, is checked against 1EdTech's schema (:mod:`issuer.issuing.securing`) and
signed with ``eddsa-rdfc-2022``. It is stored like any credential the endorser issued, its
``recipient`` being the endorsed id.

The endorser signs in one of :data:`FORMATS`: ``eddsa-rdfc-2022`` (Data Integrity, the default)
or ``ob3-jwt`` (OB 3.0 §8.2 VC-JWT, RS256: a compact JWS).

Credentials issued afterwards carry the endorsements of what they name, embedded
(:func:`embed`): the achievement's in ``achievement``, the issuer profile's in ``issuer`` —
each endorsement as it was signed, not revoked, newest first, at most :data:`MAX_EMBEDDED` of
each kind:

- Data Integrity endorsements in ``endorsement`` (OB 3.0 §B: "signed with a Data Integrity
  proof format");
- VC-JWT endorsements in ``endorsementJwt`` (OB 3.0 §B: "signed with the VC-JWT proof format";
  1EdTech's JSON Schemas allow it on Achievement, Profile and the credential), **only in
  credentials issued as JWTs** (``vc-jwt``, ``ob3-jwt``). The OB 3.0.3 JSON-LD context does
  not define ``endorsementJwt`` (1EdTech's validator serves a variant that does; which one
  purl.imsglobal.org serves could not be checked offline), so in a Data Integrity credential
  the term would be dropped from the signed data: the signer refuses an undefined term
  (``UndefinedTermError``) rather than sign what it drops, and such credentials carry the
  Data Integrity endorsements only. A JWT's signature covers its JSON as it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing.securing import secure_and_store, status_signer, transaction
from issuer.status import lists as status
from servicekit.db import Tx
from servicekit.text import PRINTABLE_RULE, is_printable
from vckit import ob as openbadges
from vckit.credential import types_of
from vckit.errors import VckitError
from vckit.jose.claims import credential_from_jwt
from vckit.jose.vc_jwt import peek

FORMAT = "eddsa-rdfc-2022"
FORMATS = ("eddsa-rdfc-2022", "ob3-jwt")
JWT_FORMATS = frozenset({"vc-jwt", "ob3-jwt"})
"""Formats of credentials that carry ``endorsementJwt`` (see the module docstring)."""
MAX_EMBEDDED = 5
MAX_COMMENT = 2000


@dataclass(frozen=True)
class EndorseRequest:
    endorser: str
    issuer: str
    achievement: str | None = None
    comment: str = ""
    format: str = FORMAT


def _subject(t: Tx, request: EndorseRequest) -> tuple[str, str]:
    """(the endorsed id, its name)."""
    endorsed = store.get_issuer(t, request.issuer)
    if endorsed is None:
        raise InvalidRequestError(f"there is no issuer {request.issuer[:100]!r} to endorse")
    if request.achievement is None:
        return endorsed.did, str(endorsed.profile.get("name", endorsed.slug))
    found = store.get_achievement(t, request.issuer, request.achievement)
    if found is None:
        raise InvalidRequestError(
            f"issuer {request.issuer!r} has no achievement {request.achievement[:100]!r}"
        )
    return found.id, str(found.achievement.get("name", found.slug))


def endorse(inst: Installation, request: EndorseRequest) -> store.CredentialRecord:
    """Sign and store the endorser's EndorsementCredential (see the module docstring)."""
    comment = request.comment.strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise InvalidRequestError(f"give an endorsement comment of 1 to {MAX_COMMENT} characters")
    if not is_printable(comment, lines=True):  # learners and employers read it
        raise InvalidRequestError(f"comment: {PRINTABLE_RULE}")
    if request.endorser == request.issuer and request.achievement is None:
        raise InvalidRequestError("an issuer does not endorse its own profile")
    if request.format not in FORMATS:
        raise InvalidRequestError(
            f"format {request.format[:40]!r}: use one of {', '.join(FORMATS)}"
        )
    with transaction(inst, None) as t:
        endorser = store.get_issuer(t, request.endorser)
        if endorser is None:
            raise NotFoundError(f"no issuer {request.endorser!r}")
        subject_id, subject_name = _subject(t, request)
        purposes = status.purposes_for(ob=True, suspension=False)
        signer = status_signer(t, inst, endorser, None, request.format)
        allocated = [status.allocate(t, inst, endorser.slug, p, signer=signer) for p in purposes]
        credential = openbadges.endorsement_credential(
            f"urn:uuid:{uuid.uuid4()}",
            endorser.profile,
            subject_id,
            name=f"{endorser.profile.get('name', endorser.slug)} endorses {subject_name}",
            valid_from=inst.now(),
            endorsement_comment=comment,
            credential_status=allocated[0][0],
        )
        return secure_and_store(
            t,
            inst,
            endorser,
            credential,
            request.format,
            achievement=None,
            recipient=subject_id,
            allocated=list(zip(purposes, allocated, strict=True)),
        )


def credential_view(document: dict[str, Any] | str) -> dict[str, Any]:
    """The credential as JSON: the document, or the ``vc`` of a VC-JWT we signed ({} if
    unreadable)."""
    if isinstance(document, dict):
        return document
    try:
        return credential_from_jwt(peek(document)[1])
    except VckitError:
        return {}


def _endorsement_records(t: Tx, subject_id: str) -> list[store.CredentialRecord]:
    return [
        record
        for record in store.credentials_about(t, subject_id)
        if "EndorsementCredential" in types_of(credential_view(record.document))
    ]


def endorsements_of(t: Tx, subject_id: str) -> list[dict[str, Any]]:
    """The signed Data Integrity endorsements of ``subject_id`` (not revoked, newest first)."""
    return [
        record.document
        for record in _endorsement_records(t, subject_id)
        if isinstance(record.document, dict)
    ][:MAX_EMBEDDED]


def jwt_endorsements_of(t: Tx, subject_id: str) -> list[str]:
    """The VC-JWT endorsements of ``subject_id`` (compact JWS, not revoked, newest first)."""
    return [
        record.document
        for record in _endorsement_records(t, subject_id)
        if isinstance(record.document, str)
    ][:MAX_EMBEDDED]


def embed(t: Tx, thing: dict[str, Any], format: str = FORMAT) -> dict[str, Any]:
    """``thing`` (an Achievement or a Profile) with its endorsements: in ``endorsement``, and
    in ``endorsementJwt`` when the credential is issued in ``format`` of :data:`JWT_FORMATS`."""
    identifier = thing.get("id")
    if not isinstance(identifier, str):
        return thing
    out = dict(thing)
    found = endorsements_of(t, identifier)
    if found:
        out["endorsement"] = found
    jwts = jwt_endorsements_of(t, identifier) if format in JWT_FORMATS else []
    if jwts:
        out["endorsementJwt"] = jwts
    return out


@dataclass(frozen=True)
class Received:
    """An endorsement an issuer received, as its public page lists it."""

    subject: str  # the endorsed thing's name: the issuer, or one of its achievements
    endorser: str  # the endorser's name
    endorser_id: str | None
    comment: str
    issued: str  # validFrom
    credential: str  # the endorsement's id


def received(inst: Installation, slug: str) -> list[Received]:
    """The endorsements of issuer ``slug``'s profile and achievements (not revoked)."""
    found: list[Received] = []
    with inst.db.transaction() as t:
        issuer = store.get_issuer(t, slug)
        if issuer is None:
            raise NotFoundError(f"no issuer {slug!r}")
        named = [(issuer.did, str(issuer.profile.get("name", slug)))]
        named += [
            (a.id, str(a.achievement.get("name", a.slug))) for a in store.list_achievements(t, slug)
        ]
        for subject_id, name in named:
            for record in _endorsement_records(t, subject_id)[: 2 * MAX_EMBEDDED]:
                document = credential_view(record.document)
                by = document.get("issuer")
                by = by if isinstance(by, dict) else {"id": by}
                subject = document.get("credentialSubject")
                comment = subject.get("endorsementComment") if isinstance(subject, dict) else None
                found.append(
                    Received(
                        subject=name,
                        endorser=str(by.get("name") or by.get("id")),
                        endorser_id=by.get("id") if isinstance(by.get("id"), str) else None,
                        comment=str(comment or ""),
                        issued=str(document.get("validFrom", "")),
                        credential=str(document.get("id")),
                    )
                )
    return found
