"""Issue one credential: build, add status, validate, sign, store — in one transaction.

API note for the other issuer modules (batch, oid4vci, pages)::

    from issuer.issuing.issuance import IssueRequest, issue_credential
    record = issue_credential(inst, IssueRequest(
        issuer="community-college",                 # issuer slug
        achievement="fundamentals-of-nursing-1",    # achievement slug or full id
        recipient_did="did:key:z6Mk...",            # or recipient_email="a@b.example"
        format="eddsa-rdfc-2022",                   # ecdsa-rdfc-2019 | vc-jwt | ob3-jwt
                                                    # | ecdsa-sd-2023 | sd-jwt-vc
        suspension=False,                           # also a suspension status entry
        valid_until=None,                           # aware datetime or None
        recipient_name=None,                        # optional learner data (learner_data)
        date_of_birth=None,                         # "YYYY-MM-DD", not in the future
        grade=None,                                 # one of the achievement's allowedValue
    ))                                              # -> store.CredentialRecord
    record.id          # urn:uuid:...
    record.document    # the signed JSON-LD credential (dict), the JWT or the SD-JWT (str)
    record.token       # download at GET /credentials/<token>

Pass ``tx=`` to run inside your own transaction (a batch row is marked issued in the same
transaction as its credential, so a crash can neither lose nor repeat it). Errors:
:class:`issuer.errors.NotFoundError` (unknown issuer), :class:`InvalidRequestError`
(unknown achievement, bad recipient or format, schema failure: nothing is stored).
``inst`` is the :class:`issuer.installation.Installation` (``request.app.state.inst``).

The signing and storing shared with the VC-API path (:func:`issuer.issuing.vc_api.issue_document`)
is :mod:`issuer.issuing.securing`.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing import endorse, learner_data, sd_issue
from issuer.issuing.securing import FORMATS, secure, status_signer, store_secured, transaction
from issuer.organisations import catalogue
from issuer.status import lists as status
from servicekit.db import Tx
from vckit import ob as openbadges
from vckit.keys.keypair import KeyPair

CredentialRecord = store.CredentialRecord
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class IssueRequest:
    issuer: str
    achievement: str
    recipient_did: str | None = None
    recipient_email: str | None = None
    format: str = "eddsa-rdfc-2022"
    suspension: bool = False
    valid_until: datetime | None = None
    recipient_name: str | None = None
    date_of_birth: str | None = None
    grade: str | None = None


def check_request(inst: Installation, request: IssueRequest) -> None:
    """Everything that can be checked without the database."""
    check_request_at(request, inst.now())


def check_request_at(request: IssueRequest, now: datetime) -> None:
    """:func:`check_request` at the time ``now`` (no installation: a batch's signing workers
    run it, :mod:`issuer.batches.signing`)."""
    if request.format not in FORMATS:
        raise InvalidRequestError(f"format {request.format!r}: use one of {', '.join(FORMATS)}")
    if (request.recipient_did is None) == (request.recipient_email is None):
        raise InvalidRequestError("give the recipient as exactly one of a DID or an email")
    if request.format == "ob3-jwt" and request.recipient_did is None:
        raise InvalidRequestError("ob3-jwt needs a DID recipient (OB 3.0 §8.2: sub is the DID)")
    if request.format == "sd-jwt-vc" and request.recipient_did is None:
        raise InvalidRequestError(
            "sd-jwt-vc needs a did:key or did:jwk recipient (cnf is the holder's key), not an email"
        )
    if request.format == "sd-jwt-vc" and request.recipient_did is not None:
        sd_issue.holder_jwk(request.recipient_did)
    if request.recipient_name is not None:
        learner_data.check_name(request.recipient_name)
    if request.date_of_birth is not None:
        learner_data.check_date_of_birth(request.date_of_birth, now.date())
    if request.recipient_did is not None and not _DID.fullmatch(request.recipient_did):
        raise InvalidRequestError(f"recipient {request.recipient_did[:100]!r} is not a DID")
    if request.recipient_email is not None and not _EMAIL.fullmatch(request.recipient_email):
        raise InvalidRequestError("the recipient email is not an email address")
    if request.valid_until is not None:
        if request.valid_until.tzinfo is None:
            raise InvalidRequestError("valid_until needs a time zone")
        if request.valid_until <= now:
            raise InvalidRequestError("valid_until is not in the future")


def build_credential(
    now: datetime,
    issuing: Issuing,
    request: IssueRequest,
    credential_id: str,
    credential_status: list[dict[str, Any]],
) -> dict[str, Any]:
    """OB 3.0 AchievementCredential (unsigned) for the recipient, issued at ``now``; the
    issuer's profile and the achievement carry their endorsements
    (:func:`issuer.issuing.endorse.embed`)."""
    identifiers = []
    if request.recipient_email is not None:
        identifiers.append(
            openbadges.identity_object(
                request.recipient_email.strip().lower(), salt=secrets.token_hex(16)
            )
        )
    if request.recipient_name is not None:
        name = learner_data.check_name(request.recipient_name)
        identifiers.append(learner_data.identity("name", name))
    if request.date_of_birth is not None:
        identifiers.append(learner_data.identity("ext:dateOfBirth", request.date_of_birth))
    results = []
    if request.grade is not None:
        results.append(learner_data.grade_result(issuing.achievement.achievement, request.grade))
    credential = openbadges.achievement_credential(
        credential_id,
        issuing.profile,
        issuing.achievement_document,
        valid_from=now,
        subject_id=request.recipient_did,
        identifiers=identifiers,
        valid_until=request.valid_until,
        awarded_date=now,
        results=results,
    )
    credential["credentialStatus"] = (
        credential_status[0] if len(credential_status) == 1 else credential_status
    )
    return credential


@dataclass(frozen=True)
class Issuing:
    """What every credential of one issuer, achievement and format shares, looked up once
    (:func:`prepare`): a batch group issues many with one lookup."""

    issuer: store.IssuerRecord
    achievement: store.AchievementRecord
    format: str
    profile: dict[str, Any]  # the issuer's profile, its endorsements embedded
    achievement_document: dict[str, Any]  # the achievement, its endorsements embedded
    status_signer: str | None  # the key whose DID issues the status lists (did:key issuers)


Allocated = list[tuple[str, tuple[dict[str, Any], str, int]]]
"""The new credential's status entries: (purpose, (entry, list id, index))."""


def prepare(t: Tx, inst: Installation, issuer_slug: str, achievement: str, format: str) -> Issuing:
    """The lookups of :class:`Issuing`: NotFoundError (issuer), InvalidRequestError
    (achievement)."""
    issuer = store.get_issuer(t, issuer_slug)
    if issuer is None:
        raise NotFoundError(f"no issuer {issuer_slug!r}")
    found = store.get_achievement(t, issuer_slug, achievement)
    if found is None:
        raise InvalidRequestError(
            f"issuer {issuer_slug!r} has no achievement {achievement[:100]!r}"
        )
    return Issuing(
        issuer=issuer,
        achievement=found,
        format=format,
        profile=endorse.embed(t, issuer.profile, format),
        achievement_document=endorse.embed(t, found.achievement, format),
        status_signer=status_signer(t, inst, issuer, None, format),
    )


def draft(
    t: Tx,
    inst: Installation,
    issuing: Issuing,
    request: IssueRequest,
    *,
    signing: tuple[KeyPair, str] | None = None,
    entries: dict[str, list[tuple[dict[str, Any], str, int]]] | None = None,
) -> tuple[store.CredentialRecord, Allocated]:
    """Check the request, take its status indexes, build and sign the credential: the record
    and its entries, for :func:`issuer.issuing.securing.store_secured` (nothing else is
    written). ``signing``: :func:`issuer.issuing.securing.signing_for`, chosen once;
    ``entries``: status entries taken ahead for many credentials, by purpose
    (:func:`issuer.status.lists.allocate_many`): this credential's are popped from them."""
    credential, recipient, allocated = compose(t, inst, issuing, request, entries=entries)
    record = secure(
        t,
        inst,
        issuing.issuer,
        credential,
        issuing.format,
        achievement=issuing.achievement.id,
        recipient=recipient,
        policy=catalogue.disclosable_of(issuing.achievement),
        signing=signing,
    )
    return record, allocated


def compose(
    t: Tx,
    inst: Installation,
    issuing: Issuing,
    request: IssueRequest,
    *,
    entries: dict[str, list[tuple[dict[str, Any], str, int]]] | None = None,
) -> tuple[dict[str, Any], str, Allocated]:
    """Check the request, take its status indexes and build the credential, unsigned: the
    credential, its recipient (as stored) and its status entries (``entries``: as
    :func:`draft` takes them)."""
    check_request(inst, request)
    if request.grade is not None:  # before any status index is taken
        learner_data.grade_result(issuing.achievement.achievement, request.grade)
    allocated = take_entries(t, inst, issuing, request, entries=entries)
    credential, recipient = compose_with(inst.now(), issuing, request, allocated)
    return credential, recipient, allocated


def purposes_of(request: IssueRequest) -> list[status.Purpose]:
    """The purposes of the status entries an Open Badge issued for ``request`` gets, in order."""
    return status.purposes_for(ob=True, suspension=request.suspension)


def purposes_wanted(requests: Iterable[IssueRequest]) -> Counter[status.Purpose]:
    """How many status entries of each purpose ``requests`` need together (a batch group
    takes them in one run per purpose)."""
    return Counter(purpose for request in requests for purpose in purposes_of(request))


def take_entries(
    t: Tx,
    inst: Installation,
    issuing: Issuing,
    request: IssueRequest,
    *,
    entries: dict[str, list[tuple[dict[str, Any], str, int]]] | None = None,
) -> Allocated:
    """The request's status entries: popped from ``entries`` (as :func:`draft` takes them),
    else allocated one by one in ``t``."""
    purposes = purposes_of(request)
    slug, signer = issuing.issuer.slug, issuing.status_signer
    allocated = [
        entries[p].pop(0)
        if entries and entries.get(p)
        else status.allocate(t, inst, slug, p, signer=signer)
        for p in purposes
    ]
    return list(zip(purposes, allocated, strict=True))


def compose_with(
    now: datetime, issuing: Issuing, request: IssueRequest, allocated: Allocated
) -> tuple[dict[str, Any], str]:
    """The unsigned credential of a checked request (a fresh id, issued at ``now``) with its
    status entries taken already, and its recipient as stored: no database, no installation,
    so a batch's signing workers build their credentials themselves
    (:mod:`issuer.batches.signing`)."""
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    status_entries = [entry for _purpose, (entry, _list_id, _index) in allocated]
    credential = build_credential(now, issuing, request, credential_id, status_entries)
    recipient = (
        request.recipient_did or credential["credentialSubject"]["identifier"][0]["identityHash"]
    )
    return credential, recipient


def issue_credential(
    inst: Installation, request: IssueRequest, *, tx: Tx | None = None
) -> store.CredentialRecord:
    """Issue one OB 3.0 credential of a catalogue achievement (see the module docstring)."""
    check_request(inst, request)
    with transaction(inst, tx) as t:
        issuing = prepare(t, inst, request.issuer, request.achievement, request.format)
        record, allocated = draft(t, inst, issuing, request)
        store_secured(t, record, allocated)
        return record


# --- reading what was issued ---------------------------------------------------------------
# (reads that never wait for a writer, a running batch: servicekit.db.Database.reading)


def list_issued(
    inst: Installation, issuer: str, *, limit: int = 50, offset: int = 0
) -> list[store.CredentialRecord]:
    """The issuer's credentials, newest first."""
    with inst.db.reading() as tx:
        return store.list_credentials(tx, issuer, limit=limit, offset=offset)


def by_token(inst: Installation, token: str) -> store.CredentialRecord:
    """The credential whose download token this is."""
    with inst.db.reading() as tx:
        record = store.get_credential_by_token(tx, token)
    if record is None:
        raise NotFoundError("no credential at this address")
    return record


def by_id(inst: Installation, credential_id: str) -> store.CredentialRecord:
    """The credential with this id."""
    with inst.db.reading() as tx:
        record = store.get_credential(tx, credential_id)
    if record is None:
        raise NotFoundError(f"no credential {credential_id[:120]!r}")
    return record


def issued_by(inst: Installation, issuer: str, credential_id: str) -> store.CredentialRecord:
    """The credential with this id, if ``issuer`` (a slug) issued it."""
    with inst.db.reading() as tx:
        record = store.get_credential(tx, credential_id)
    if record is None or record.issuer != issuer:
        raise NotFoundError(f"issuer {issuer!r} has no credential {credential_id[:100]!r}")
    return record
