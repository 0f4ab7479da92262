"""Open Badges 3.0 shared data models: builders returning plain JSON-LD dicts.

Spec: 1EdTech Open Badges Specification v3.0 (https://www.imsglobal.org/spec/ob/v3p0/),
Appendix B "Shared Data Models": Image, Profile, Alignment, RubricCriterionLevel,
ResultDescription, Result, Criteria, Evidence, Achievement; and IdentityObject with the
recipient check of §"Verify the Recipient Using an Identifier".

Mandatory fields are positional, the rest keyword-only; what is not given is left out.
Enumerated vocabularies are read from the 1EdTech schema, so they cannot drift from it;
``EnumExt`` vocabularies also accept ``ext:`` extension terms. Use these through
:mod:`vckit.ob.credentials`, which re-exports them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Any

from vckit.errors import InputError
from vckit.ob.schema import enumeration

_EXTENSION = re.compile(r"^ext:[A-Za-z0-9._-]+$")


def _enum(value: str, definition: str, member: str, *, extensible: bool = True) -> str:
    """Check ``value`` against the schema's enumeration of ``definition.member``."""
    if value in enumeration(definition, member):
        return value
    if extensible and _EXTENSION.match(value):
        return value
    also = " nor an 'ext:' extension" if extensible else ""
    raise InputError(f"{member} {value!r} is not a term of {definition}.{member}{also}")


def put(document: dict[str, Any], **members: Any) -> dict[str, Any]:
    """Add the members that are given: ``None`` and empty sequences are left out."""
    for key, value in members.items():
        if value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        document[key] = list(value) if isinstance(value, tuple) else value
    return document


def as_image(value: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An Image from a URL string, or a copy of an Image dict."""
    if value is None:
        return None
    return image(value) if isinstance(value, str) else dict(value)


def _copies(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [dict(item) for item in items]


# --- shared data models ------------------------------------------------------------


def image(id: str, *, caption: str | None = None) -> dict[str, Any]:
    """OB 3.0 Image: ``id`` is the image URL or a ``data:`` URI."""
    return put({"id": id, "type": "Image"}, caption=caption)


def profile(
    id: str,
    name: str,
    *,
    url: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    image: str | Mapping[str, Any] | None = None,
    official: str | None = None,
    parent_org: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """OB 3.0 Profile: an issuer, creator, endorser or other party (``type`` ``Profile``)."""
    return put(
        {"id": id, "type": ["Profile"], "name": name},
        url=url,
        email=email,
        phone=phone,
        description=description,
        image=as_image(image),
        official=official,
        parentOrg=dict(parent_org) if parent_org is not None else None,
    )


def alignment(
    target_name: str,
    target_url: str,
    *,
    target_type: str | None = None,
    target_code: str | None = None,
    target_framework: str | None = None,
    target_description: str | None = None,
) -> dict[str, Any]:
    """OB 3.0 Alignment: a node in a competency framework (``targetType`` per
    AlignmentTargetType, e.g. ``ceasn:Competency``, ``CFItem``, or ``ext:ONET``)."""
    if target_type is not None:
        _enum(target_type, "Alignment", "targetType")
    return put(
        {"type": ["Alignment"], "targetName": target_name, "targetUrl": target_url},
        targetType=target_type,
        targetCode=target_code,
        targetFramework=target_framework,
        targetDescription=target_description,
    )


def rubric_criterion_level(
    id: str,
    name: str,
    *,
    description: str | None = None,
    level: str | None = None,
    points: str | None = None,
    alignments: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """OB 3.0 RubricCriterionLevel."""
    return put(
        {"id": id, "type": ["RubricCriterionLevel"], "name": name},
        description=description,
        level=level,
        points=points,
        alignment=_copies(alignments),
    )


def result_description(
    id: str,
    name: str,
    result_type: str,
    *,
    allowed_values: Sequence[str] = (),
    required_level: str | None = None,
    required_value: str | None = None,
    value_min: str | None = None,
    value_max: str | None = None,
    rubric_criterion_levels: Sequence[Mapping[str, Any]] = (),
    alignments: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """OB 3.0 ResultDescription: a result an achievement may be awarded with (``resultType``
    per ResultType, e.g. ``LetterGrade``, ``RubricCriterionLevel``, ``ext:...``)."""
    _enum(result_type, "ResultDescription", "resultType")
    return put(
        {"id": id, "type": ["ResultDescription"], "name": name, "resultType": result_type},
        allowedValue=list(allowed_values),
        requiredLevel=required_level,
        requiredValue=required_value,
        valueMin=value_min,
        valueMax=value_max,
        rubricCriterionLevel=_copies(rubric_criterion_levels),
        alignment=_copies(alignments),
    )


def result(
    *,
    result_description: str | None = None,
    value: str | None = None,
    achieved_level: str | None = None,
    status: str | None = None,
    alignments: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """OB 3.0 Result: ``result_description`` and ``achieved_level`` are the ``id`` of a
    ResultDescription / RubricCriterionLevel of the achievement; ``status`` per
    ResultStatusType."""
    if status is not None:
        _enum(status, "Result", "status", extensible=False)
    return put(
        {"type": ["Result"]},
        resultDescription=result_description,
        value=value,
        achievedLevel=achieved_level,
        status=status,
        alignment=_copies(alignments),
    )


def criteria(narrative: str | None = None, id: str | None = None) -> dict[str, Any]:
    """OB 3.0 Criteria: "Implementations SHOULD provide, at least, one of the ``id`` or
    ``narrative`` fields" — vckit requires one."""
    if narrative is None and id is None:
        raise InputError("criteria needs a narrative or an id (a URL describing them)")
    return put({}, id=id, narrative=narrative)


def evidence(
    *,
    id: str | None = None,
    narrative: str | None = None,
    name: str | None = None,
    description: str | None = None,
    genre: str | None = None,
    audience: str | None = None,
) -> dict[str, Any]:
    """OB 3.0 Evidence: what the learner did; ``id`` is a URL or a ``data:`` URI."""
    return put(
        {"type": ["Evidence"]},
        id=id,
        narrative=narrative,
        name=name,
        description=description,
        genre=genre,
        audience=audience,
    )


def achievement(
    id: str,
    name: str,
    description: str,
    criteria: str | Mapping[str, Any],
    *,
    image: str | Mapping[str, Any] | None = None,
    achievement_type: str | None = None,
    alignments: Sequence[Mapping[str, Any]] = (),
    result_descriptions: Sequence[Mapping[str, Any]] = (),
    creator: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
    credits_available: float | None = None,
    field_of_study: str | None = None,
    human_code: str | None = None,
    specialization: str | None = None,
    in_language: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """OB 3.0 Achievement. ``criteria`` may be a narrative string (wrapped in a Criteria) or a
    :func:`criteria` dict; ``achievement_type`` per AchievementType (e.g. ``Course``,
    ``Badge``, ``ext:...``)."""
    if achievement_type is not None:
        _enum(achievement_type, "Achievement", "achievementType")
    return put(
        {
            "id": id,
            "type": ["Achievement"],
            "name": name,
            "description": description,
            "criteria": {"narrative": criteria} if isinstance(criteria, str) else dict(criteria),
        },
        image=as_image(image),
        achievementType=achievement_type,
        alignment=_copies(alignments),
        resultDescription=_copies(result_descriptions),
        creator=dict(creator) if creator is not None else None,
        tag=list(tags),
        creditsAvailable=credits_available,
        fieldOfStudy=field_of_study,
        humanCode=human_code,
        specialization=specialization,
        inLanguage=in_language,
        version=version,
    )


# --- IdentityObject and recipient verification ----------------------------------------


def identity_hash(value: str, salt: str | None = None, *, algorithm: str = "sha256") -> str:
    """OB 3.0 IdentityHash: ``algorithm$hex(hash(utf8(value + salt)))``, algorithm ``sha256``
    (or ``md5``, which the spec still allows for reading old badges)."""
    if algorithm not in ("sha256", "md5"):
        raise InputError(f"IdentityHash algorithm {algorithm!r} is not sha256 or md5")
    digest = hashlib.new(algorithm, (value + (salt or "")).encode("utf-8")).hexdigest()
    return f"{algorithm}${digest}"


def identity_object(
    value: str,
    *,
    salt: str | None,
    hashed: bool = True,
    identity_type: str = "emailAddress",
) -> dict[str, Any]:
    """OB 3.0 IdentityObject. ``salt`` must be passed explicitly (``None`` means an unsalted
    hash, which anyone can reverse for a known e-mail address; prefer a random salt).
    With ``hashed=False`` the plaintext is stored and no salt is allowed."""
    _enum(identity_type, "IdentityObject", "identityType")
    if not hashed:
        if salt is not None:
            raise InputError("a salt only makes sense for a hashed identity")
        identity = value
    else:
        identity = identity_hash(value, salt)
    return put(
        {
            "type": "IdentityObject",
            "identityHash": identity,
            "identityType": identity_type,
            "hashed": hashed,
        },
        salt=salt,
    )


def recipient_matches(
    credential_subject: Mapping[str, Any], known: str, *, identity_type: str = "emailAddress"
) -> bool:
    """OB 3.0 §"Verify the Recipient Using an Identifier": compare a known plaintext
    identifier with every ``identifier`` of the subject until one matches."""
    identifiers = credential_subject.get("identifier", [])
    if isinstance(identifiers, Mapping):
        identifiers = [identifiers]
    for item in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(item, Mapping) or item.get("identityType") != identity_type:
            continue  # step 1: another identifier type
        stored = item.get("identityHash")
        if not isinstance(stored, str):
            continue
        if item.get("hashed") is True:  # step 2
            algorithm, _, _ = stored.partition("$")
            if algorithm not in ("sha256", "md5"):
                continue
            salt = item.get("salt")
            expected = identity_hash(
                known, salt if isinstance(salt, str) else None, algorithm=algorithm
            )
            if hmac.compare_digest(expected.lower().encode(), stored.lower().encode()):
                return True
        elif item.get("hashed") is False and hmac.compare_digest(known.encode(), stored.encode()):
            return True  # step 3
    return False
