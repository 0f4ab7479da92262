"""CLR 2.0: the ClrCredential, its ClrSubject and the Associations between achievements.

Spec: 1EdTech Comprehensive Learner Record Standard v2.0 (https://www.imsglobal.org/spec/clr/v2p0/),
§B "Data Models": a ``ClrCredential`` is a VC 2.0 credential whose ``credentialSubject`` is a
``ClrSubject`` holding

- ``verifiableCredential``: the learner's AchievementCredentials, each still carrying its own
  proof (and status), so each verifies (and is revoked) on its own;
- ``achievement``: the Achievements the record is about (here: the programme and its courses);
- ``association``: typed links between two of those achievements (``sourceId`` →
  ``targetId``), e.g. a course ``isChildOf`` the programme, one course ``precedes`` the next.

The builders return unsigned plain dicts (sign with :func:`vckit.sign`); nothing reads the clock.
:func:`programme_associations` derives the associations of a programme from its ordered courses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from vckit.errors import InputError
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.ob.credentials import OB_EXTENSIONS_CONTEXT, SCHEMA_VALIDATOR_TYPE, date_time, ob_context
from vckit.ob.models import put

__all__ = [
    "ASSOCIATION_TYPES",
    "CLR_CONTEXT",
    "CLR_SCHEMA",
    "association",
    "clr_credential",
    "programme_associations",
]

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CLR_SCHEMA = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
ASSOCIATION_TYPES = frozenset(
    {
        "exactMatchOf",
        "isChildOf",
        "isParentOf",
        "isPartOf",
        "isPeerOf",
        "isRelatedTo",
        "precedes",
        "replacedBy",
    }
)
"""CLR 2.0 §B.2.1 AssociationType (the closed vocabulary of the schema)."""


def association(association_type: str, source_id: str, target_id: str) -> dict[str, Any]:
    """CLR 2.0 Association: ``source_id`` *association_type* ``target_id`` (achievement ids)."""
    if association_type not in ASSOCIATION_TYPES:
        raise InputError(f"unknown CLR association type {association_type!r}")
    return {
        "type": "Association",
        "associationType": association_type,
        "sourceId": source_id,
        "targetId": target_id,
    }


def programme_associations(programme_id: str, course_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Each course ``isChildOf`` the programme; each course ``precedes`` the next one."""
    links = [association("isChildOf", course, programme_id) for course in course_ids]
    links.extend(
        association("precedes", earlier, later)
        for earlier, later in zip(course_ids, course_ids[1:], strict=False)
    )
    return links


def clr_credential(
    id: str,
    issuer: str | Mapping[str, Any],
    subject_id: str,
    *,
    valid_from: datetime,
    name: str,
    credentials: Sequence[Mapping[str, Any]],
    achievements: Sequence[Mapping[str, Any]] = (),
    associations: Sequence[Mapping[str, Any]] = (),
    description: str | None = None,
    awarded_date: datetime | None = None,
    valid_until: datetime | None = None,
    credential_status: Mapping[str, Any] | None = None,
    credential_schema: bool = True,
) -> dict[str, Any]:
    """CLR 2.0 ClrCredential (unsigned) about the learner ``subject_id`` (a DID), holding the
    signed ``credentials`` unchanged. CLR 2.0 requires at least one nested credential."""
    if not credentials:
        raise InputError("a ClrSubject holds at least one verifiable credential")
    subject = put(
        {"id": subject_id, "type": ["ClrSubject"]},
        verifiableCredential=[dict(item) for item in credentials],
        achievement=[dict(item) for item in achievements],
        association=[dict(item) for item in associations],
    )
    contexts = [VC_V2_CONTEXT, CLR_CONTEXT, ob_context()]
    schemas = [{"id": CLR_SCHEMA, "type": SCHEMA_VALIDATOR_TYPE}] if credential_schema else []
    if schemas:
        contexts.append(OB_EXTENSIONS_CONTEXT)
    credential = {
        "@context": contexts,
        "id": id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": date_time(valid_from),
        "name": name,
    }
    return put(
        credential,
        description=description,
        awardedDate=date_time(awarded_date) if awarded_date is not None else None,
        validUntil=date_time(valid_until) if valid_until is not None else None,
        credentialSubject=subject,
        credentialStatus=dict(credential_status) if credential_status is not None else None,
        credentialSchema=schemas,
    )
