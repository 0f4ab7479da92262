"""Issue one credential: build, add status, validate, sign, store — in one transaction.

API note for the other issuer modules (batch, oid4vci, pages)::

    from issuer.issuance import IssueRequest, issue_credential
    record = issue_credential(inst, IssueRequest(
        issuer="community-college",                 # issuer slug
        achievement="fundamentals-of-nursing-1",    # achievement slug or full id
        recipient_did="did:key:z6Mk...",            # or recipient_email="a@b.example"
        format="eddsa-rdfc-2022",                   # ecdsa-rdfc-2019 | vc-jwt | ob3-jwt
                                                    # | ecdsa-sd-2023 | sd-jwt-vc
        suspension=False,                           # also a suspension status entry
        valid_until=None,                           # aware datetime or None
        recipient_name=None,                        # optional learner data (issuer.learner_data)
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

:func:`issue_document` secures a credential the caller wrote (the W3C VC-API
``POST /credentials/issue``), VC 2.0 or VC 1.1, with the same status, validation and storage.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuer import catalogue, identity, learner_data, sd_issue, status, store
from issuer.errors import (
    ConflictError,
    InvalidRequestError,
    MalformedCredentialError,
    NotFoundError,
)
from issuer.installation import Installation
from servicekit.db import ConflictError as DbConflict
from servicekit.db import Tx
from vckit import data_integrity, jose, openbadges
from vckit.bitstring import Flavor
from vckit.errors import SchemaError, VckitError
from vckit.keys import KeyKind

FORMATS: dict[str, KeyKind] = {
    "eddsa-rdfc-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
    "vc-jwt": "P-256",  # VC-JOSE-COSE vc+jwt, ES256
    "ob3-jwt": "RSA",  # OB 3.0 §8.2 VC-JWT, RS256 (the algorithm every OB verifier supports)
    "ecdsa-sd-2023": "P-256",  # Data Integrity selective disclosure (issuer.sd_issue)
    "sd-jwt-vc": "P-256",  # SD-JWT VC, typ dc+sd-jwt, ES256 (issuer.sd_issue)
}
SD_FORMATS = frozenset({"ecdsa-sd-2023", "sd-jwt-vc"})
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
STATUS_2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
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


@contextmanager
def _transaction(inst: Installation, tx: Tx | None) -> Iterator[Tx]:
    if tx is not None:
        yield tx
        return
    with inst.db.transaction() as own:
        yield own


def check_request(inst: Installation, request: IssueRequest) -> None:
    """Everything that can be checked without the database."""
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
        learner_data.check_date_of_birth(request.date_of_birth, inst.now().date())
    if request.recipient_did is not None and not _DID.fullmatch(request.recipient_did):
        raise InvalidRequestError(f"recipient {request.recipient_did[:100]!r} is not a DID")
    if request.recipient_email is not None and not _EMAIL.fullmatch(request.recipient_email):
        raise InvalidRequestError("the recipient email is not an email address")
    if request.valid_until is not None:
        if request.valid_until.tzinfo is None:
            raise InvalidRequestError("valid_until needs a time zone")
        if request.valid_until <= inst.now():
            raise InvalidRequestError("valid_until is not in the future")


def build_credential(
    inst: Installation,
    issuer: store.IssuerRecord,
    achievement: store.AchievementRecord,
    request: IssueRequest,
    credential_id: str,
    credential_status: list[dict[str, Any]],
) -> dict[str, Any]:
    """OB 3.0 AchievementCredential (unsigned) for the recipient."""
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
        results.append(learner_data.grade_result(achievement.achievement, request.grade))
    credential = openbadges.achievement_credential(
        credential_id,
        issuer.profile,
        achievement.achievement,
        valid_from=inst.now(),
        subject_id=request.recipient_did,
        identifiers=identifiers,
        valid_until=request.valid_until,
        awarded_date=inst.now(),
        results=results,
    )
    credential["credentialStatus"] = (
        credential_status[0] if len(credential_status) == 1 else credential_status
    )
    return credential


def issue_credential(
    inst: Installation, request: IssueRequest, *, tx: Tx | None = None
) -> store.CredentialRecord:
    """Issue one OB 3.0 credential of a catalogue achievement (see the module docstring)."""
    check_request(inst, request)
    with _transaction(inst, tx) as t:
        issuer = store.get_issuer(t, request.issuer)
        if issuer is None:
            raise NotFoundError(f"no issuer {request.issuer!r}")
        achievement = store.get_achievement(t, request.issuer, request.achievement)
        if achievement is None:
            raise InvalidRequestError(
                f"issuer {request.issuer!r} has no achievement {request.achievement[:100]!r}"
            )
        if request.grade is not None:  # before any status index is taken
            learner_data.grade_result(achievement.achievement, request.grade)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        purposes = status.purposes_for(ob=True, suspension=request.suspension)
        allocated = [status.allocate(t, inst, issuer.slug, p) for p in purposes]
        credential = build_credential(
            inst, issuer, achievement, request, credential_id, [a[0] for a in allocated]
        )
        recipient = (
            request.recipient_did
            or credential["credentialSubject"]["identifier"][0]["identityHash"]
        )
        return _secure_and_store(
            t,
            inst,
            issuer,
            credential,
            request.format,
            achievement=achievement.id,
            recipient=recipient,
            allocated=list(zip(purposes, allocated, strict=True)),
            policy=catalogue.disclosable_of(achievement),
        )


def _validate(credential: dict[str, Any]) -> None:
    """OB 3.0 JSON Schema (1EdTech AchievementCredential), before anything is signed."""
    try:
        openbadges.ensure_valid(credential)
    except SchemaError as exc:
        problems = "; ".join(f"{path}: {message}" for path, message in exc.problems[:5])
        raise InvalidRequestError(f"the credential fails the OB 3.0 schema: {problems}") from exc


def _sign(
    t: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    credential: dict[str, Any],
    format: str,
    mandatory: list[str] | None,
    policy: tuple[str, ...],
) -> dict[str, Any] | str:
    key, method = identity.signing_key(t, inst, issuer.slug, FORMATS[format])
    if format == "ecdsa-sd-2023":
        pointers = (
            sd_issue.ecdsa_sd_mandatory(credential, policy)
            if mandatory is None
            else sd_issue.required_pointers(credential, mandatory)
        )
        return sd_issue.secure_ecdsa_sd(
            credential, key, verification_method=method, created=inst.now(), mandatory=pointers
        )
    if format == "sd-jwt-vc":
        return sd_issue.issue_sd_jwt(
            credential, key, kid=method, issuer_did=issuer.did, policy=policy, now=inst.now()
        )
    try:
        if format in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019"):
            return data_integrity.sign(
                credential,
                key,
                verification_method=method,
                cryptosuite=format,
                created=inst.now(),
            )
        profile: jose.Profile = "ob3" if format == "ob3-jwt" else "vc-jose-cose"
        return jose.sign_jwt_vc(credential, key, kid=method, profile=profile)
    except VckitError as exc:
        raise InvalidRequestError(f"cannot sign the credential: {exc}") from exc


def _secure_and_store(
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
) -> store.CredentialRecord:
    """Validate, sign and store. ``policy``: the disclosable learner-data fields; ``mandatory``
    (ecdsa-sd-2023): the caller's pointers, else all but the disclosable fields."""
    if OB_TYPES & set(_types(credential)):
        _validate(credential)
    document = _sign(t, inst, issuer, credential, format, mandatory, policy)
    record = store.CredentialRecord(
        id=credential["id"],
        token=secrets.token_urlsafe(24),
        issuer=issuer.slug,
        achievement=achievement,
        format=format,
        recipient=recipient,
        document=document,
        issued=inst.stamp(),
    )
    try:
        store.add_credential(t, record)
    except DbConflict as exc:
        raise ConflictError(f"a credential with id {record.id[:200]} exists already") from exc
    for purpose, (_entry, list_id, index) in allocated:
        status.record_entry(t, list_id, index, record.id, purpose)
    return record


def _types(document: dict[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# --- the VC-API: secure a credential the caller wrote -----------------------------------------


def _issuer_did(credential: dict[str, Any]) -> str:
    value = credential.get("issuer")
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str):
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
) -> store.CredentialRecord:
    """W3C VC-API issue: add an id (if none), the validity start (if none) and status
    entries, validate an OB credential against its schema, sign with the issuer's key.

    The issuer must be one of this installation's DIDs. VC 1.1 input (``issuanceDate``)
    gets StatusList2021 entries; VC 2.0 input BitstringStatusListEntry ones. A credential
    that already carries ``credentialStatus`` or ``proof`` is refused: the issuer owns both.
    ``ecdsa-sd-2023`` takes the caller's ``mandatory_pointers`` (VC-API), to which the
    never-disclosable members are added (:data:`issuer.sd_issue.NEVER_DISCLOSABLE`).
    """
    if format not in FORMATS or format == "sd-jwt-vc":
        usable = ", ".join(f for f in FORMATS if f != "sd-jwt-vc")
        raise InvalidRequestError(f"format {format!r}: the VC-API issues {usable}")
    if mandatory_pointers is not None and format != "ecdsa-sd-2023":
        raise InvalidRequestError("mandatoryPointers needs the ecdsa-sd-2023 cryptosuite")
    contexts = _contexts(credential)
    if "VerifiableCredential" not in _types(credential):
        raise MalformedCredentialError("credential.type must include VerifiableCredential")
    if "credentialStatus" in credential or "proof" in credential:
        raise MalformedCredentialError("the issuer sets credentialStatus and proof; leave them out")
    if credential_id is not None and "id" in credential and credential["id"] != credential_id:
        raise InvalidRequestError("options.credentialId differs from credential.id")
    v1 = contexts[0] == VC_V1
    if v1 and format in ("vc-jwt", "ecdsa-sd-2023"):
        raise InvalidRequestError(f"{format} secures VC 2.0 credentials only")
    document = json.loads(json.dumps(credential))  # a private deep copy
    document["id"] = document.get("id") or credential_id or f"urn:uuid:{uuid.uuid4()}"
    if not isinstance(document["id"], str):
        raise MalformedCredentialError("credential.id must be a string (a URL or urn:uuid:)")
    stamp = openbadges.date_time(inst.now())
    if v1:
        document.setdefault("issuanceDate", stamp)
    elif "issuanceDate" in document or "expirationDate" in document:
        raise MalformedCredentialError("a VC 2.0 credential uses validFrom/validUntil")
    else:
        document.setdefault("validFrom", stamp)
    recipient = _subject_recipient(document)
    flavor: Flavor = "statuslist2021" if v1 else "bitstring"
    if v1 and STATUS_2021_CONTEXT not in contexts:
        document["@context"] = [*contexts, STATUS_2021_CONTEXT]
    with _transaction(inst, tx) as t:
        issuer = store.get_issuer_by_did(t, _issuer_did(document))
        if issuer is None:
            raise InvalidRequestError(
                f"credential.issuer {_issuer_did(document)[:120]} is not an issuer here"
            )
        ob = bool(OB_TYPES & set(_types(document)))
        purposes = status.purposes_for(ob=ob, suspension=suspension)
        allocated = [status.allocate(t, inst, issuer.slug, p, flavor) for p in purposes]
        entries = [a[0] for a in allocated]
        document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        return _secure_and_store(
            t,
            inst,
            issuer,
            document,
            format,
            achievement=None,
            recipient=recipient,
            allocated=list(zip(purposes, allocated, strict=True)),
            mandatory=mandatory_pointers or [],
        )


# --- reading what was issued ---------------------------------------------------------------


def list_issued(
    inst: Installation, issuer: str, *, limit: int = 50, offset: int = 0
) -> list[store.CredentialRecord]:
    """The issuer's credentials, newest first."""
    with inst.db.transaction() as tx:
        return store.list_credentials(tx, issuer, limit=limit, offset=offset)


def by_token(inst: Installation, token: str) -> store.CredentialRecord:
    """The credential whose download token this is."""
    with inst.db.transaction() as tx:
        record = store.get_credential_by_token(tx, token)
    if record is None:
        raise NotFoundError("no credential at this address")
    return record


def by_id(inst: Installation, credential_id: str) -> store.CredentialRecord:
    """The credential with this id."""
    with inst.db.transaction() as tx:
        record = store.get_credential(tx, credential_id)
    if record is None:
        raise NotFoundError(f"no credential {credential_id[:120]!r}")
    return record
