"""vckit.ob.clr: the ClrCredential builder and the programme associations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vckit.errors import InputError
from vckit.ob import clr, validate
from vckit.ob.credentials import achievement_credential

WHEN = datetime(2026, 3, 2, tzinfo=UTC)
ISSUER = {"id": "did:example:college", "type": ["Profile"], "name": "College"}
PROGRAMME = {
    "id": "https://college.example/achievements/programme",
    "type": ["Achievement"],
    "name": "Programme",
    "description": "Two courses.",
    "criteria": {"narrative": "Both courses."},
}


def course(n: int) -> dict[str, Any]:
    return {**PROGRAMME, "id": f"https://college.example/achievements/course-{n}", "name": f"C{n}"}


def test_programme_associations_link_each_course_up_and_to_the_next() -> None:
    links = clr.programme_associations("urn:p", ["urn:a", "urn:b", "urn:c"])
    assert [(a["sourceId"], a["associationType"], a["targetId"]) for a in links] == [
        ("urn:a", "isChildOf", "urn:p"),
        ("urn:b", "isChildOf", "urn:p"),
        ("urn:c", "isChildOf", "urn:p"),
        ("urn:a", "precedes", "urn:b"),
        ("urn:b", "precedes", "urn:c"),
    ]


def test_the_built_clr_passes_the_clr_schema() -> None:
    nested = achievement_credential(
        "urn:uuid:1", ISSUER, course(1), valid_from=WHEN, subject_id="did:example:learner"
    )
    document = clr.clr_credential(
        "urn:uuid:2",
        ISSUER,
        "did:example:learner",
        valid_from=WHEN,
        name="Record",
        credentials=[nested],
        achievements=[PROGRAMME, course(1)],
        associations=clr.programme_associations(PROGRAMME["id"], [course(1)["id"]]),
    )
    assert validate(document) == []
    assert document["@context"][1] == clr.CLR_CONTEXT


def test_refuses_an_empty_record_and_an_unknown_association() -> None:
    with pytest.raises(InputError, match="at least one"):
        clr.clr_credential(
            "urn:uuid:2", ISSUER, "did:example:l", valid_from=WHEN, name="R", credentials=[]
        )
    with pytest.raises(InputError, match="isCousinOf"):
        clr.association("isCousinOf", "urn:a", "urn:b")
