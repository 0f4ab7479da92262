"""OB 3.0 builders: schema-valid, no undefined JSON-LD terms, IdentityObject hashing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from vckit import ob as openbadges
from vckit.errors import InputError, UndefinedTermError
from vckit.jsonld import expansion as jsonld
from vckit.ob import (
    achievement,
    achievement_credential,
    alignment,
    criteria,
    endorsement_credential,
    evidence,
    identity_hash,
    identity_object,
    image,
    profile,
    recipient_matches,
    result,
    result_description,
    rubric_criterion_level,
    validate,
)
from vckit.status.status_list import status_list_entry

ISSUED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
COLLEGE = "https://college.example/issuers/1"
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

# OB 3.0 §B.3 IdentityHash example: "the result of calculating a SHA-256 hash on the string
# 'a@example.comKosher'" (ob_v3p0/common_credentials.lines, 1EdTech/openbadges-specification
# @ 1af145ff2dc6e22627e79eb5d0f9afca06ea2489, class IdentityHash).
SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


def issuer() -> dict[str, Any]:
    return profile(
        COLLEGE,
        "Riverside Community College",
        url="https://college.example",
        email="registrar@college.example",
        description="An accredited community college.",
        image=image("https://college.example/logo.png", caption="College logo"),
    )


def nursing() -> dict[str, Any]:
    levels = [
        rubric_criterion_level("https://college.example/rubric/1#developing", "Developing"),
        rubric_criterion_level(
            "https://college.example/rubric/1#proficient",
            "Proficient",
            description="Applies privacy rules without prompting.",
            level="2",
            points="4",
        ),
    ]
    return achievement(
        "https://college.example/achievements/nur-101",
        "Fundamentals of Nursing I",
        "Foundations of patient care, including patient data privacy.",
        criteria("Pass the course with a C or better.", id="https://college.example/nur-101"),
        image="https://college.example/badges/nur-101.png",
        achievement_type="Course",
        alignments=[
            alignment(
                "Patient data privacy",
                "https://skills.example/framework/privacy",
                target_type="ceasn:Competency",
                target_code="PDP-1",
                target_framework="Example Skills Framework",
                target_description="Keeps patient data confidential.",
            ),
            alignment("Medical terminology", "https://onet.example/11", target_type="ext:ONET"),
        ],
        result_descriptions=[
            result_description(
                "https://college.example/achievements/nur-101/results/grade",
                "Final grade",
                "LetterGrade",
                allowed_values=["A", "B", "C", "D", "F"],
                required_value="C",
            ),
            result_description(
                "https://college.example/achievements/nur-101/results/privacy",
                "Privacy practice",
                "RubricCriterionLevel",
                rubric_criterion_levels=levels,
                required_level="https://college.example/rubric/1#proficient",
            ),
        ],
        creator=issuer(),
        tags=["nursing", "privacy"],
        credits_available=3.0,
        field_of_study="Nursing",
        human_code="NUR-101",
        in_language="en",
        version="2025",
    )


def full_credential() -> dict[str, Any]:
    return achievement_credential(
        "urn:uuid:0f0a3c5e-0000-4000-8000-000000000001",
        issuer(),
        nursing(),
        valid_from=ISSUED,
        valid_until=ISSUED + timedelta(days=730),
        awarded_date=ISSUED,
        subject_id=LEARNER,
        identifiers=[identity_object("learner@example.org", salt="s4lt")],
        description="Awarded for completing NUR-101.",
        image="https://college.example/badges/nur-101.png",
        results=[
            result(
                result_description="https://college.example/achievements/nur-101/results/grade",
                value="A",
            ),
            result(
                result_description="https://college.example/achievements/nur-101/results/privacy",
                achieved_level="https://college.example/rubric/1#proficient",
                status="Completed",
            ),
        ],
        evidence=[
            evidence(
                id="https://college.example/evidence/123",
                narrative="Clinical placement log.",
                name="Placement log",
                genre="Log",
            )
        ],
        credits_earned=3.0,
        term="Spring 2025",
        role="Student",
        credential_status=status_list_entry("https://college.example/status/1", 94567),
    )


BUILT = {
    "full-open-badge": full_credential,
    "minimal-did-subject": lambda: achievement_credential(
        "https://college.example/credentials/2",
        COLLEGE,
        achievement(
            "https://college.example/achievements/nur-102",
            "Fundamentals of Nursing II",
            "Continues NUR-101.",
            "Pass NUR-102.",
        ),
        valid_from=ISSUED,
        subject_id=LEARNER,
    ),
    "identifier-only-subject": lambda: achievement_credential(
        "https://food.example/credentials/3",
        profile("https://food.example", "Food Safety Training Ltd"),
        achievement(
            "https://food.example/achievements/handler",
            "Food Handler",
            "Safe food handling.",
            criteria(id="https://food.example/criteria"),
        ),
        valid_from=ISSUED,
        identifiers=[identity_object("learner@example.org", salt="pepper")],
        credential_schema=False,
    ),
    "statuslist2021-status": lambda: achievement_credential(
        "https://college.example/credentials/4",
        COLLEGE,
        nursing(),
        valid_from=ISSUED,
        subject_id=LEARNER,
        credential_schema=False,
        credential_status=status_list_entry(
            "https://college.example/status/2021", 7, flavor="statuslist2021"
        ),
    ),
    "1edtech-revocation-list-status": lambda: achievement_credential(
        "https://college.example/credentials/5",
        COLLEGE,
        nursing(),
        valid_from=ISSUED,
        subject_id=LEARNER,
        credential_schema=False,
        credential_status={
            "id": "https://college.example/revocations",
            "type": "1EdTechRevocationList",
        },
    ),
    "endorsement": lambda: endorsement_credential(
        "https://board.example/endorsements/1",
        profile("https://board.example", "State Nursing Board"),
        COLLEGE,
        name="Nursing board endorsement",
        valid_from=ISSUED,
        endorsement_comment="Riverside's nursing programme is approved.",
        description="Endorsement of the college.",
    ),
}


@pytest.mark.parametrize("case", list(BUILT))
def test_built_credential_is_schema_valid(case: str) -> None:
    assert validate(BUILT[case]()) == []


@pytest.mark.parametrize("case", list(BUILT))
def test_built_credential_has_no_undefined_terms(case: str) -> None:
    """Every term is defined by the listed contexts: strict expansion drops nothing."""
    expanded = jsonld.expand(BUILT[case]())
    assert len(expanded) == 1


def test_undefined_term_is_caught_by_the_expansion_check() -> None:
    """The check above can fail: a term outside the contexts is refused."""
    credential = full_credential()
    credential["credentialSubject"]["achievement"]["grade"] = "A"
    with pytest.raises(UndefinedTermError):
        jsonld.expand(credential)


def test_status_contexts_are_added_for_the_status_type() -> None:
    assert BUILT["statuslist2021-status"]()["@context"][2] == (
        "https://w3id.org/vc/status-list/2021/v1"
    )
    assert BUILT["1edtech-revocation-list-status"]()["@context"][2] == (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    )
    assert len(full_credential()["@context"]) == 3  # Bitstring entry: defined by VC 2.0


def test_credential_shape() -> None:
    credential = full_credential()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2025-03-01T09:30:00Z"
    assert credential["validUntil"] == "2027-03-01T09:30:00Z"
    assert credential["name"] == "Fundamentals of Nursing I"  # defaults to the achievement's
    assert credential["credentialSchema"] == [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
            "ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"] == LEARNER
    assert subject["achievement"]["criteria"] == {
        "id": "https://college.example/nur-101",
        "narrative": "Pass the course with a C or better.",
    }


def test_without_credential_schema_only_the_two_contexts_are_used() -> None:
    credential = BUILT["identifier-only-subject"]()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert "credentialSchema" not in credential
    assert "id" not in credential["credentialSubject"]


def test_endorsement_shape() -> None:
    credential = BUILT["endorsement"]()
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["credentialSubject"] == {
        "id": COLLEGE,
        "type": ["EndorsementSubject"],
        "endorsementComment": "Riverside's nursing programme is approved.",
    }
    assert credential["credentialSchema"][0]["id"].endswith(
        "ob_v3p0_endorsementcredential_schema.json"
    )


# --- IdentityObject -------------------------------------------------------------------------


def test_identity_hash_matches_the_spec_example() -> None:
    assert identity_hash("a@example.com", "Kosher") == SPEC_HASH
    by_hand = hashlib.sha256(b"a@example.comKosher").hexdigest()
    assert "sha256$" + by_hand == SPEC_HASH


def test_identity_object_hashed() -> None:
    assert identity_object("a@example.com", salt="Kosher") == {
        "type": "IdentityObject",
        "identityHash": SPEC_HASH,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "Kosher",
    }


def test_identity_object_utf8_and_unsalted() -> None:
    made = identity_object("zoë@example.org", salt=None)
    assert (
        made["identityHash"] == "sha256$" + hashlib.sha256("zoë@example.org".encode()).hexdigest()
    )
    assert "salt" not in made


def test_identity_object_plaintext() -> None:
    made = identity_object("S-1234", salt=None, hashed=False, identity_type="sisSourcedId")
    assert made == {
        "type": "IdentityObject",
        "identityHash": "S-1234",
        "identityType": "sisSourcedId",
        "hashed": False,
    }
    with pytest.raises(InputError):
        identity_object("S-1234", salt="x", hashed=False)


@pytest.mark.parametrize("identity_type", ["email", "ext:"], ids=["not-a-term", "empty-ext"])
def test_identity_type_must_be_a_term_or_extension(identity_type: str) -> None:
    with pytest.raises(InputError):
        identity_object("a@example.com", salt="s", identity_type=identity_type)


def test_recipient_matches_non_ascii_plaintext_and_garbage() -> None:
    plain = identity_object("Zoë Ångström", salt=None, hashed=False, identity_type="name")
    assert recipient_matches({"identifier": [plain]}, "Zoë Ångström", identity_type="name")
    hashed = identity_object("zoë@example.org", salt="s", identity_type="emailAddress")
    assert recipient_matches({"identifier": [hashed]}, "zoë@example.org")
    garbage = {**hashed, "identityHash": "sha256$ünïcode"}
    assert recipient_matches({"identifier": [garbage]}, "zoë@example.org") is False


def test_recipient_matches_per_ob_verification_steps() -> None:
    subject = {
        "identifier": [
            identity_object("S-1", salt=None, hashed=False, identity_type="sisSourcedId"),
            {
                **identity_object("a@example.com", salt="Kosher"),
                "identityHash": "sha256$" + SPEC_HASH.removeprefix("sha256$").upper(),
            },
        ]
    }
    assert recipient_matches(subject, "a@example.com") is True  # hex in upper case is allowed
    assert recipient_matches(subject, "b@example.com") is False
    assert recipient_matches(subject, "S-1", identity_type="sisSourcedId") is True
    assert recipient_matches(subject, "S-1") is False  # wrong identity type: skipped
    md5 = {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": "md5$" + hashlib.md5(b"a@example.com").hexdigest(),
    }
    assert recipient_matches({"identifier": md5}, "a@example.com") is True


# --- builder input checks -------------------------------------------------------------------


def test_times_must_be_timezone_aware_and_are_written_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert openbadges.date_time(datetime(2025, 1, 1, 2, 0, 0, 999, tzinfo=plus_two)) == (
        "2025-01-01T00:00:00Z"
    )
    with pytest.raises(InputError):
        achievement_credential(
            "https://x.example/1",
            COLLEGE,
            nursing(),
            valid_from=datetime(2025, 1, 1),
            subject_id=LEARNER,
        )


@pytest.mark.parametrize(
    "build",
    [
        lambda: achievement_credential(
            "https://x.example/1", COLLEGE, nursing(), valid_from=ISSUED
        ),
        lambda: alignment("x", "https://x.example", target_type="Competency"),
        lambda: result_description("https://x.example/r", "r", "Grade"),
        lambda: result(status="Passed"),
        lambda: result(status="ext:Passed"),
        lambda: criteria(),
        lambda: achievement("https://x.example/a", "a", "d", "c", achievement_type="Trophy"),
        lambda: openbadges.ob_context("3.1.0"),
    ],
    ids=[
        "no-recipient",
        "alignment-target-type-not-a-term",
        "result-type-not-a-term",
        "result-status-not-a-term",
        "result-status-is-not-extensible",
        "criteria-empty",
        "achievement-type-not-a-term",
        "unknown-context-version",
    ],
)
def test_builders_refuse_bad_input(build: Any) -> None:
    with pytest.raises(InputError):
        build()


def test_older_context_version() -> None:
    credential = achievement_credential(
        "https://x.example/1",
        COLLEGE,
        nursing(),
        valid_from=ISSUED,
        subject_id=LEARNER,
        context_version="3.0.1",
        credential_schema=False,
    )
    assert credential["@context"][1] == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
    assert validate(credential) == []
