"""A CLR held in the wallet, shown as a transcript: our issuer's programme CLR (real issuer app,
real verification), then the 1EdTech sample; skills counted once across CLR and standalone copies.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from fastapi import FastAPI

from tests.wallet.conftest import Clock
from tests.wallet.held import issue, issuer_client, record, revoke, verify_through
from wallet.views.cards import card_of
from wallet.views.skills import skills_of
from wallet.views.transcript import nested_cards, transcript_of

COURSES = ("fundamentals-of-nursing-1", "fundamentals-of-nursing-2")


def programme_clr(client: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Two course credentials (second first, to show the order comes from the associations)
    and the programme CLR holding them."""
    courses = [issue(client, achievement=course) for course in reversed(COURSES)]
    response = client.post(
        "/issuers/community-college/clrs",
        json={
            "programme": "practical-nursing-programme",
            "recipient": {"did": "did:example:learner"},
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["credential"], courses


def held_clr(client: Any, clr: dict[str, Any], now: datetime, record_id: str = "c" * 32) -> Any:
    report = verify_through(client, clr, now).to_json()
    return record(copy.deepcopy(clr), report, record_id=record_id)


def test_a_programme_clr_reads_as_a_transcript(issuer_service: FastAPI, clock: Clock) -> None:
    client = issuer_client(issuer_service)
    clr, _ = programme_clr(client)
    transcript = transcript_of(held_clr(client, clr, clock()), clock())
    assert transcript is not None
    assert (transcript.name, transcript.code, transcript.kind) == (
        "Practical Nursing Certificate",
        "PN-CERT",
        "Certificate",
    )
    assert transcript.credits == "8"
    assert [c.code for c in transcript.courses] == ["NUR 101", "NUR 102"]  # precedes
    assert [c.credits for c in transcript.courses] == ["4", "4"]
    assert transcript.credits_earned == "8"
    first, second = transcript.courses
    assert first.card is not None and first.card.badge.kind == "verified"
    assert {a.name for a in first.card.alignments} >= {"Patient data privacy"}
    assert second.card is not None and "Medical terminology" in {
        a.name for a in second.card.alignments
    }


def test_a_revoked_course_is_marked_on_its_own(issuer_service: FastAPI, clock: Clock) -> None:
    client = issuer_client(issuer_service)
    clr, (second, _first) = programme_clr(client)
    revoke(client, second["id"])
    held = held_clr(client, clr, clock())
    transcript = transcript_of(held, clock())
    assert transcript is not None
    badges = [c.card.badge.kind for c in transcript.courses if c.card]
    assert badges == ["verified", "revoked"]
    assert transcript.credits_earned == "4"
    assert card_of(held, clock()).badge.kind == "failed"  # the CLR says a course fails


def test_skills_count_a_course_once_when_held_alone_and_in_the_clr(
    issuer_service: FastAPI, clock: Clock
) -> None:
    client = issuer_client(issuer_service)
    clr, courses = programme_clr(client)
    held = held_clr(client, clr, clock())
    clr_card = card_of(held, clock())
    clr_card = type(clr_card)(**{**clr_card.__dict__, "nested": nested_cards(held, clock())})
    alone = courses[0]["credential"]  # Fundamentals of Nursing II, also in the CLR
    alone_card = card_of(
        record(alone, verify_through(client, alone, clock()).to_json(), record_id="a" * 32),
        clock(),
    )
    skills = {skill.name: skill for skill in skills_of([alone_card, clr_card])}
    terminology = skills["Medical terminology"]  # only in course II
    assert [e.credential_id for e in terminology.evidence] == ["a" * 32]  # once, not twice
    privacy = skills["Patient data privacy"]  # in both courses: two credentials
    assert [e.credential_id for e in privacy.evidence] == ["a" * 32, "c" * 32]
    assert privacy.trusted == 2


def test_the_1edtech_sample_clr_is_read_from_its_associations() -> None:
    import json

    from tests.paths import VECTORS

    signed = json.loads(
        (VECTORS / "data-integrity" / "1edtech-clr2-eddsa-rdfc-2022" / "signed.json").read_text()
    )
    transcript = transcript_of(record(signed))
    assert transcript is not None
    # 1EdTech's sample: "Achievement 1" isParentOf "Achievement 2"; the held credential is of 1
    names = [c.name for c in transcript.courses]
    assert transcript.name == "Achievement 1" and names == ["Achievement 2"]
    assert transcript.programme is not None  # its credential, shown with the programme
    assert transcript.programme.name == "Example University Degree"
    assert transcript.courses[0].card is None  # not held in this record
    assert (
        transcript_of(record({"type": ["VerifiableCredential"], "credentialSubject": {}})) is None
    )
