"""``wallet.views.skills``: the aligned skills of all of a learner's credentials, grouped by
skill, each linked to the credentials that evidence it; evidence from a credential that
failed verification or is revoked is marked and not counted."""

from __future__ import annotations

import copy
from typing import Any

from tests import scenarios as s
from tests.wallet.held import record, sample
from vckit.verification import VerifyOptions, verify
from wallet.views.cards import Card, card_of
from wallet.views.skills import skill_key, skills_of

PRIVACY = "https://example.org/skills/patient-data-privacy"
TERMINOLOGY = "https://example.org/skills/medical-terminology"


def _card(document: dict[str, Any] | str, record_id: str, fetch: Any = None) -> Card:
    report = verify(document, VerifyOptions(now=s.NOW, fetch_status_list=fetch)).to_json()
    return card_of(record(copy.deepcopy(document), report, record_id=record_id), s.NOW)


def _tampered() -> dict[str, Any]:
    vc = s.good_credential()
    vc["name"] = "Advanced Surgery"
    return vc


def test_samples_give_one_skill_per_target() -> None:
    cards = [
        card_of(record(sample(name), record_id=str(n) * 32))
        for n, name in enumerate(
            ["fullOpenBadge.json", "skillAssertionCase.json", "achievementAlignmentCase.json"]
        )
    ]
    skills = skills_of(cards)
    # fullOpenBadge aligns to the same name in two frameworks (two URLs): two skills
    assert sorted((skill.name[:25], skill.framework) for skill in skills) == [
        ("1EdTech University Degree", "1EdTech University Program and Course Catalog"),
        ("1EdTech University Degree", "1EdTech University Program and Course Catalog"),
        ("Cite strong and thorough ", "Alabama Course of Study: English Language Arts"),
        ("Robot Programming", "Example Robotics Framework"),
    ]
    robot = next(skill for skill in skills if skill.name == "Robot Programming")
    assert [e.credential_id for e in robot.evidence] == ["1" * 32]
    assert robot.href == "https://robotics-competencies.example.com/competencies/robot-programming"
    # none of these samples was verified: no trusted evidence, all still listed
    assert all(skill.trusted == 0 for skill in skills)


def test_the_same_skill_in_two_credentials_is_one_skill_with_both() -> None:
    first = _card(s.good_credential(), "1" * 32)
    second = _card(s.good_credential(id="urn:uuid:second", name="Nursing II"), "2" * 32)
    skills = skills_of([first, second])
    assert [skill.url for skill in skills] == [TERMINOLOGY, PRIVACY]  # by name
    for skill in skills:
        assert [e.credential_id for e in skill.evidence] == ["1" * 32, "2" * 32]
        assert [e.credential_name for e in skill.evidence] == [
            "Fundamentals of Nursing I",
            "Nursing II",
        ]
        assert skill.trusted == 2


def test_failed_and_revoked_evidence_is_marked_and_not_counted() -> None:
    good = _card(s.good_credential(), "1" * 32)
    tampered = _card(_tampered(), "2" * 32)
    revoked = _card(s.with_status("revocation"), "3" * 32, s.status_fetch((7,)))
    unchecked = _card(s.with_status("revocation", index=9), "4" * 32)  # status not fetched
    assert [c.badge.kind for c in (good, tampered, revoked, unchecked)] == [
        "verified",
        "failed",
        "revoked",
        "unchecked",
    ]
    skills = skills_of([good, tampered, revoked, unchecked])
    for skill in skills:
        marks = {e.credential_id[0]: (e.trusted, e.discredited) for e in skill.evidence}
        assert marks == {
            "1": (True, False),
            "2": (False, True),
            "3": (False, True),
            "4": (False, False),
        }
        assert skill.trusted == 1


def test_skills_with_only_bad_evidence_come_last() -> None:
    bad = _card(_tampered(), "2" * 32)
    good = card_of(record(sample("skillAssertionCase.json")), s.NOW)  # no report: not trusted
    ordered = skills_of([bad, good])
    assert [skill.trusted for skill in ordered] == [0, 0, 0]
    verified = _card(s.good_credential(), "1" * 32)
    ordered = skills_of([bad, good, verified])
    assert [skill.name for skill in ordered] == [
        "Medical terminology",
        "Patient data privacy",
        "Robot Programming",
    ]
    assert [skill.trusted for skill in ordered] == [1, 1, 0]


def test_alignments_without_url_group_by_name() -> None:
    document = sample("skillAssertionCase.json")
    twice = copy.deepcopy(document["credentialSubject"]["achievement"]["alignment"][0])
    for item in (document["credentialSubject"]["achievement"]["alignment"][0], twice):
        del item["targetUrl"]
    twice["targetName"] = "  robot   PROGRAMMING "
    document["credentialSubject"]["achievement"]["alignment"].append(twice)
    other = copy.deepcopy(document)
    other["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = "Robot programming"
    skills = skills_of([card_of(record(document, record_id="1" * 32)), card_of(record(other))])
    assert len(skills) == 1
    assert skills[0].key == "name:robot programming" and skills[0].href is None
    # the first credential aligns twice to the skill: it evidences it once
    assert [e.credential_id for e in skills[0].evidence] == ["1" * 32, "0" * 32]


def test_skill_key() -> None:
    card = card_of(record(sample("skillAssertionCase.json")))
    assert skill_key(card.alignments[0]).startswith("url:https://robotics-competencies")


def test_no_alignments_no_skills() -> None:
    assert skills_of([card_of(record(sample("basicOpenBadgeCredential.json")))]) == []
    assert skills_of([]) == []
