"""Open Badges 3.0 credentials: AchievementCredential and EndorsementCredential.

Spec: 1EdTech Open Badges Specification v3.0 (https://www.imsglobal.org/spec/ob/v3p0/),
Appendix B "Credential Data Models", on the W3C VC Data Model 2.0. The builders return
unsigned plain dicts (sign them with :mod:`vckit.di.algorithms` or :mod:`vckit.jose.vc_jwt`) whose
terms are all defined by the contexts they list: VC 2.0, OB 3.0.x, and OB ``extensions.json``
when a ``1EdTech...`` type (such as the ``credentialSchema`` type) is used.
Nothing here reads the clock: times are passed in as timezone-aware datetimes.

The face of Open Badges in vckit is the package (``from vckit import ob``): it re-exports these
builders with the shared data models (:mod:`vckit.ob.models`) and schema validation
(:mod:`vckit.ob.schema`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from vckit.credential import types_of
from vckit.datetimes import format_xsd_datetime
from vckit.errors import InputError
from vckit.jsonld.contexts import STATUS_LIST_2021_CONTEXT, VC_V2_CONTEXT
from vckit.ob.models import (
    as_image,
    put,
)

__all__ = ["achievement_credential", "date_time", "endorsement_credential", "ob_context"]

date_time = format_xsd_datetime
"""OB 3.0 ``DateTimeZ`` / VC 2.0 §4.9 as builders write it: ``2024-01-01T00:00:00Z`` (UTC,
whole seconds); the name the issuer uses (:func:`vckit.datetimes.format_xsd_datetime`)."""

OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
_SCHEMA_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
ACHIEVEMENT_CREDENTIAL_SCHEMA = _SCHEMA_BASE + "ob_v3p0_achievementcredential_schema.json"
ENDORSEMENT_CREDENTIAL_SCHEMA = _SCHEMA_BASE + "ob_v3p0_endorsementcredential_schema.json"
_CONTEXT_VERSIONS = ("3.0.0", "3.0.1", "3.0.2", "3.0.3")
_EXTENSION_TERMS = frozenset(
    {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)


def ob_context(version: str = "3.0.3") -> str:
    """The OB 3.0 context URL for ``version`` (3.0.0 is served at ``context.json``)."""
    if version not in _CONTEXT_VERSIONS:
        raise InputError(f"unknown OB 3.0 context version {version!r}")
    if version == "3.0.0":
        return "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
    return f"https://purl.imsglobal.org/spec/ob/v3p0/context-{version}.json"


def _contexts(version: str, *, uses: Iterable[object], extra: Sequence[str]) -> list[str]:
    contexts = [VC_V2_CONTEXT, ob_context(version)]
    types = {_type for item in uses if isinstance(item, Mapping) for _type in types_of(item)}
    if types & _EXTENSION_TERMS:
        contexts.append(OB_EXTENSIONS_CONTEXT)
    if "StatusList2021Entry" in types:
        contexts.append(STATUS_LIST_2021_CONTEXT)
    contexts.extend(url for url in extra if url not in contexts)
    return contexts


def _schema_refs(credential_schema: bool | Sequence[Mapping[str, Any]], url: str) -> list[Any]:
    if credential_schema is True:
        return [{"id": url, "type": SCHEMA_VALIDATOR_TYPE}]
    if credential_schema is False:
        return []
    return [dict(item) for item in credential_schema]


def achievement_credential(
    id: str,
    issuer: str | Mapping[str, Any],
    achievement: Mapping[str, Any],
    *,
    valid_from: datetime,
    subject_id: str | None = None,
    identifiers: Sequence[Mapping[str, Any]] = (),
    valid_until: datetime | None = None,
    awarded_date: datetime | None = None,
    name: str | None = None,
    description: str | None = None,
    image: str | Mapping[str, Any] | None = None,
    results: Sequence[Mapping[str, Any]] = (),
    evidence: Sequence[Mapping[str, Any]] = (),
    credits_earned: float | None = None,
    license_number: str | None = None,
    role: str | None = None,
    term: str | None = None,
    narrative: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    credential_schema: bool | Sequence[Mapping[str, Any]] = True,
    context_version: str = "3.0.3",
    extra_contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """OB 3.0 AchievementCredential (type ``OpenBadgeCredential``), unsigned.

    The recipient is ``subject_id`` (a DID) and/or ``identifiers`` (IdentityObjects); at
    least one is required. ``name`` defaults to the achievement's name (wallets show it).
    ``credential_schema=True`` points at 1EdTech's AchievementCredential JSON Schema with
    type ``1EdTechJsonSchemaValidator2019``, which adds OB ``extensions.json`` to
    ``@context`` (that context defines the type).
    """
    if subject_id is None and not identifiers:
        raise InputError("an AchievementSubject needs subject_id or at least one identifier")
    subject = put(
        {"type": ["AchievementSubject"]},
        id=subject_id,
        identifier=[dict(item) for item in identifiers],
        achievement=dict(achievement),
        result=[dict(item) for item in results],
        creditsEarned=credits_earned,
        licenseNumber=license_number,
        role=role,
        term=term,
        narrative=narrative,
    )
    schemas = _schema_refs(credential_schema, ACHIEVEMENT_CREDENTIAL_SCHEMA)
    status = dict(credential_status) if credential_status is not None else None
    contexts = _contexts(context_version, uses=[*schemas, status], extra=extra_contexts)
    credential = {
        "@context": contexts,
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": date_time(valid_from),
    }
    fallback_name = achievement.get("name") if isinstance(achievement, Mapping) else None
    return put(
        credential,
        validUntil=date_time(valid_until) if valid_until is not None else None,
        awardedDate=date_time(awarded_date) if awarded_date is not None else None,
        name=name if name is not None else fallback_name,
        description=description,
        image=as_image(image),
        credentialSubject=subject,
        evidence=[dict(item) for item in evidence],
        credentialStatus=status,
        credentialSchema=schemas,
    )


def endorsement_credential(
    id: str,
    issuer: str | Mapping[str, Any],
    subject_id: str,
    *,
    name: str,
    valid_from: datetime,
    endorsement_comment: str | None = None,
    valid_until: datetime | None = None,
    awarded_date: datetime | None = None,
    description: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    credential_schema: bool | Sequence[Mapping[str, Any]] = True,
    context_version: str = "3.0.3",
    extra_contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """OB 3.0 EndorsementCredential: an ``issuer`` endorses ``subject_id`` (an issuer profile,
    an achievement or a credential) with an EndorsementSubject and ``endorsementComment``."""
    subject = put(
        {"id": subject_id, "type": ["EndorsementSubject"]},
        endorsementComment=endorsement_comment,
    )
    schemas = _schema_refs(credential_schema, ENDORSEMENT_CREDENTIAL_SCHEMA)
    status = dict(credential_status) if credential_status is not None else None
    contexts = _contexts(context_version, uses=[*schemas, status], extra=extra_contexts)
    credential = {
        "@context": contexts,
        "id": id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": name,
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": date_time(valid_from),
    }
    return put(
        credential,
        validUntil=date_time(valid_until) if valid_until is not None else None,
        awardedDate=date_time(awarded_date) if awarded_date is not None else None,
        description=description,
        credentialSubject=subject,
        credentialStatus=status,
        credentialSchema=schemas,
    )
