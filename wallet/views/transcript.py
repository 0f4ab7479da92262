"""A CLR 2.0 shown as a transcript: the programme, its courses in association order, each
course's result, credits, alignments and the verdict of its own credential. Pure.

A ``ClrCredential`` (CLR 2.0 §B "ClrSubject") holds signed credentials
(``verifiableCredential``), the ``achievement``s the record is about, and ``association``s
between them. The wallet's stored report of the CLR (:mod:`vckit.verification.embedded`) has a
``nested`` part per held credential with its own checks, so each course gets its own badge.

Reading the record:

- the **programme** is the achievement the others are ``isChildOf`` (or the parent of an
  ``isParentOf``); without such links, the first listed achievement no held credential is of;
- the **courses** are its children (without links: every other achievement and every held
  credential), ordered so that one that ``precedes`` another comes first, otherwise as listed;
- each course shows the held credential of its achievement (matched by achievement id), or
  "not held in this record"; a held credential of no listed achievement is a course too, and
  one of the programme itself is shown with the programme.

:func:`nested_cards` makes a card (:mod:`wallet.views.cards`) of each held credential, with
the badge of its own part of the report; the skills view counts those like any other card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from vckit.credential import types_of
from wallet.sharing.disclose import credential_view
from wallet.store import CredentialRecord
from wallet.views.cards import Card, card_of

NESTED_WHERE = "/credentialSubject/verifiableCredential/"
Held = tuple[Card, Mapping[str, Any], int]  # a held credential's card, document, index


@dataclass(frozen=True)
class Course:
    """One achievement of the programme, with the held credential of it (if any)."""

    achievement_id: str | None
    name: str
    code: str | None
    kind: str | None  # achievementType
    credits: str | None  # creditsEarned of the held credential, else creditsAvailable
    card: Card | None  # the held credential, with its own badge, results and alignments
    index: int | None = None  # its place in the CLR's verifiableCredential


@dataclass(frozen=True)
class Transcript:
    name: str
    code: str | None
    kind: str | None
    description: str | None
    credits: str | None  # the programme's creditsAvailable
    courses: tuple[Course, ...]
    programme: Card | None = None  # a held credential of the programme itself

    @property
    def credits_earned(self) -> str | None:
        """The credits of the courses whose credential passed, when any states credits."""
        total = 0.0
        stated = False
        for course in self.courses:
            if course.credits is None or course.card is None:
                continue
            stated = True
            if course.card.badge.kind == "verified":
                total += float(course.credits)
        return _number(total) if stated else None


def _objects(value: object) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{value:g}"


def is_clr(document: Mapping[str, Any] | None) -> bool:
    return document is not None and "ClrCredential" in types_of(document)


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    found = _objects(document.get("credentialSubject"))
    return found[0] if found else {}


def _part_reports(report: Mapping[str, Any] | None) -> dict[int, dict[str, Any]]:
    """The stored report's nested parts by their index in ``verifiableCredential``."""
    found: dict[int, dict[str, Any]] = {}
    for part in _objects((report or {}).get("parts")):
        where = part.get("where")
        inner = part.get("report")
        if part.get("role") != "nested" or not isinstance(where, str):
            continue
        index = where.removeprefix(NESTED_WHERE)
        if where.startswith(NESTED_WHERE) and index.isdigit() and isinstance(inner, dict):
            found[int(index)] = inner
    return found


def nested_cards(record: CredentialRecord, now: datetime | None = None) -> tuple[Card, ...]:
    """A card of each credential a CLR holds, with the badge of its own report part (never
    checked, when the stored report has none); () for anything but a CLR."""
    document = credential_view(record.document)
    if not is_clr(document) or document is None:
        return ()
    reports = _part_reports(record.report)
    held = _objects(_subject(document).get("verifiableCredential"))
    return tuple(
        card_of(replace(record, document=dict(item), report=reports.get(index)), now)
        for index, item in enumerate(held)
    )


def _achievement_of(held: Mapping[str, Any]) -> str | None:
    achievement = _objects(_subject(held).get("achievement"))
    return _text(achievement[0].get("id")) if achievement else None


def _programme_and_children(
    achievements: list[Mapping[str, Any]], links: list[Mapping[str, Any]], held_ids: set[str]
) -> tuple[str | None, list[str]]:
    ids = [i for i in (_text(a.get("id")) for a in achievements) if i is not None]
    parents: dict[str, list[str]] = {}
    for link in links:
        source, target = _text(link.get("sourceId")), _text(link.get("targetId"))
        if source is None or target is None:
            continue
        if link.get("associationType") == "isChildOf":
            parents.setdefault(target, []).append(source)
        elif link.get("associationType") == "isParentOf":
            parents.setdefault(source, []).append(target)
    if parents:
        parent = max(parents, key=lambda p: len(parents[p]))
        return parent, list(dict.fromkeys(parents[parent]))
    programme = next((i for i in ids if i not in held_ids), None)
    return programme, [i for i in ids if i != programme]


def _in_order(children: list[str], links: list[Mapping[str, Any]]) -> list[str]:
    """``children`` ordered by ``precedes`` (a stable topological order; a cycle keeps the
    listed order for what remains)."""
    before: dict[str, set[str]] = {child: set() for child in children}
    for link in links:
        source, target = _text(link.get("sourceId")), _text(link.get("targetId"))
        if link.get("associationType") != "precedes" or source is None or target is None:
            continue
        if source in before and target in before:
            before[target].add(source)
    ordered: list[str] = []
    remaining = list(children)
    while remaining:
        ready = next((c for c in remaining if before[c] <= set(ordered)), remaining[0])
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def transcript_of(record: CredentialRecord, now: datetime | None = None) -> Transcript | None:
    """The transcript of a stored CLR (None for any other credential)."""
    document = credential_view(record.document)
    if document is None or not is_clr(document):
        return None
    subject = _subject(document)
    achievements = _objects(subject.get("achievement"))
    links = _objects(subject.get("association"))
    held = _objects(subject.get("verifiableCredential"))
    cards = nested_cards(record, now)
    by_achievement: dict[str, Held] = {}
    unmatched: list[Held] = []
    for index, (card, item) in enumerate(zip(cards, held, strict=False)):
        achievement_id = _achievement_of(item)
        if achievement_id is not None and achievement_id not in by_achievement:
            by_achievement[achievement_id] = (card, item, index)
        else:
            unmatched.append((card, item, index))
    listed = {i: a for a in achievements if (i := _text(a.get("id"))) is not None}
    programme_id, children = _programme_and_children(achievements, links, set(by_achievement))
    for achievement_id in by_achievement:
        if achievement_id not in children and achievement_id != programme_id:
            children.append(achievement_id)
    courses = [
        _course(i, listed.get(i, {}), by_achievement.get(i)) for i in _in_order(children, links)
    ]
    courses.extend(_course(None, {}, pair) for pair in unmatched)
    programme = listed.get(programme_id or "", {})
    return Transcript(
        name=_text(programme.get("name")) or _text(document.get("name")) or "Learner record",
        code=_text(programme.get("humanCode")),
        kind=_text(programme.get("achievementType")),
        description=_text(programme.get("description")) or _text(document.get("description")),
        credits=_number(programme.get("creditsAvailable")),
        courses=tuple(courses),
        programme=by_achievement[programme_id][0] if programme_id in by_achievement else None,
    )


def _course(
    achievement_id: str | None, achievement: Mapping[str, Any], held: Held | None
) -> Course:
    earned = None
    card = None
    index = None
    if held is not None:
        card, item, index = held
        earned = _number(_subject(item).get("creditsEarned"))
        inner = _objects(_subject(item).get("achievement"))
        achievement = achievement or (inner[0] if inner else {})
    return Course(
        achievement_id=achievement_id,
        name=_text(achievement.get("name")) or (card.name if card else "Unnamed achievement"),
        code=_text(achievement.get("humanCode")),
        kind=_text(achievement.get("achievementType")),
        credits=earned or _number(achievement.get("creditsAvailable")),
        card=card,
        index=index,
    )
