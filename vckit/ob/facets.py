"""What an Open Badges 3.0 credential is *about*, for counting: its achievement and skills.

OB 3.0 §B.1.1: ``credentialSubject.achievement`` is the Achievement; its ``name`` names
it and each ``alignment[].targetName`` (§B.1.3) names a skill it is aligned to. Nothing
about the subject (the learner) is read. Input is untrusted JSON: whatever is missing
or of the wrong type is simply absent from the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Facets:
    """An achievement's name (None when the credential names none) and its skill names."""

    achievement: str | None
    skills: tuple[str, ...]


def _objects(value: object) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def achievement_facets(achievement: Mapping[str, Any]) -> Facets:
    """The facets of an OB 3.0 Achievement object (its name, its alignments' targetName)."""
    skills: list[str] = []
    for alignment in _objects(achievement.get("alignment")):
        name = _text(alignment.get("targetName"))
        if name is not None and name not in skills:
            skills.append(name)
    return Facets(_text(achievement.get("name")), tuple(skills))


def credential_facets(credential: Mapping[str, Any]) -> Facets:
    """The facets of an AchievementCredential (its first subject's achievement)."""
    subjects = _objects(credential.get("credentialSubject"))
    achievements = _objects(subjects[0].get("achievement")) if subjects else []
    if not achievements:
        return Facets(None, ())
    return achievement_facets(achievements[0])
