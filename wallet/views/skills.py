"""The skills view: every skill the learner's credentials align to, in one list, each
linked to the credentials that evidence it. Pure: it reads cards (``wallet.views.cards``).

A skill is an OB 3.0 Alignment (§B.1.3) of a credential's achievement. Two alignments are
the same skill when they name the same ``targetUrl``; an alignment without a URL is known
by its ``targetName`` (compared without case and extra spaces). A credential evidences a
skill once however often it aligns to it, and the same credential (the same content) once
however often it is held: alone, and inside a CLR (whose credentials count like any other,
each with its own verdict; the evidence links to the card holding it).

Evidence from a credential whose stored report is not a clean pass is kept but marked: a
failed, revoked or suspended credential is no evidence anyone should trust, an expired or
not fully checked one says so. A skill's ``trusted`` count only counts verified credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from wallet.views.badge import Badge
from wallet.views.cards import Alignment, Card, link

UNTRUSTED_KINDS = frozenset({"failed", "revoked", "suspended"})


@dataclass(frozen=True)
class SkillEvidence:
    """One credential that aligns to the skill, with its verdict."""

    credential_id: str
    credential_name: str
    issuer_name: str
    issued: str | None
    badge: Badge

    @property
    def trusted(self) -> bool:
        return self.badge.trusted

    @property
    def discredited(self) -> bool:
        """Failed verification, revoked or suspended: not evidence at all."""
        return self.badge.kind in UNTRUSTED_KINDS


@dataclass(frozen=True)
class Skill:
    key: str
    name: str
    url: str | None
    framework: str | None
    type: str | None
    code: str | None
    description: str | None
    evidence: tuple[SkillEvidence, ...]

    @property
    def href(self) -> str | None:
        return link(self.url)

    @property
    def trusted(self) -> int:
        """How many verified credentials evidence the skill."""
        return sum(1 for item in self.evidence if item.trusted)


def skill_key(alignment: Alignment) -> str:
    """``url:<targetUrl>`` when there is one, else ``name:<targetName, folded>``."""
    if alignment.url:
        return "url:" + alignment.url
    return "name:" + " ".join(alignment.name.casefold().split())


def _content_key(card: Card) -> str:
    """What makes two cards the same credential: the same content (JSON: whatever the key
    order); a card that cannot be read is only ever itself."""
    if not card.readable:
        return f"wallet:{card.id}"
    try:
        return json.dumps(json.loads(card.raw), sort_keys=True)
    except ValueError:
        return card.raw  # a JWT or SD-JWT, as received


def skills_of(cards: Iterable[Card]) -> list[Skill]:
    """The skills of all the cards, grouped; skills with verified evidence first, then by
    name; each skill's evidence in the order of the cards given (the wallet's: newest first)."""
    first: dict[str, Alignment] = {}
    evidence: dict[str, list[SkillEvidence]] = {}
    counted: dict[str, set[str]] = {}  # skill key -> the credentials already counted for it
    for held in cards:
        for card in (held, *held.nested):
            same = _content_key(card)
            for alignment in card.alignments:
                key = skill_key(alignment)
                found = evidence.setdefault(key, [])
                first.setdefault(key, alignment)
                if same in counted.setdefault(key, set()):
                    continue
                counted[key].add(same)
                found.append(
                    SkillEvidence(card.id, card.name, card.issuer_name, card.issued, card.badge)
                )
    skills = [
        Skill(
            key,
            alignment.name,
            alignment.url,
            alignment.framework,
            alignment.type,
            alignment.code,
            alignment.description,
            tuple(evidence[key]),
        )
        for key, alignment in first.items()
    ]
    return sorted(skills, key=lambda skill: (skill.trusted == 0, skill.name.casefold(), skill.key))
