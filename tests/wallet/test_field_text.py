"""Fields and queries in words (wallet.field_text, wallet.query_words): pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from vckit.sd_fields import Field
from wallet import field_text, query_words

GRADE_ID = "urn:uuid:6b1d8c56-8a0e-4f5e-9f61-0c1f1d2a1001"
CREDENTIAL = {
    "credentialSubject": {
        "achievement": {"resultDescription": [{"id": GRADE_ID, "name": "Final grade"}]}
    }
}


def words(value: Any) -> str:
    return field_text.text_of(Field("/x", "X", value, False, ""), CREDENTIAL)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"type": "IdentityObject", "hashed": False, "identityHash": "Alex Rivera"}, "Alex Rivera"),
        ({"hashed": False, "identityHash": "2001-04-17", "identityType": "x"}, "17 April 2001"),
        ({"hashed": True, "identityHash": "sha256$ab"}, "a hashed value"),
        ([{"type": ["Result"], "resultDescription": GRADE_ID, "value": "B"}], "B (Final grade)"),
        ({"type": ["Result"], "resultDescription": "urn:x:unknown", "value": "B"}, "B"),
        ({"type": ["Result"], "status": "Completed"}, "Completed"),
        ("2026-11-23T13:46:07Z", "23 November 2026"),
        ([{"name": "Care plan", "narrative": "Wrote a plan."}], "Care plan: Wrote a plan."),
        ({"id": "did:web:x", "name": "Riverside Community College"}, "Riverside Community College"),
        ({"statusPurpose": "revocation", "statusListIndex": "7"}, "revocation list, entry 7"),
        ("not a date 2026", "not a date 2026"),
        ("2026-13-45", "2026-13-45"),
        (True, "yes"),
        ({"name": "Nursing II", "resultDescription": [{"id": GRADE_ID}]}, "Nursing II"),
        (
            [{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_schema.json"}],
            "purl.imsglobal.org/…/ob_schema.json",
        ),
    ],
)
def test_values_in_words(value: Any, expected: str) -> None:
    assert words(value).startswith(expected), words(value)


def test_long_values_are_cut() -> None:
    text = words({"name": "E", "narrative": "word " * 100})
    assert len(text) == field_text.MAX_CHARS and text.endswith("…")


def test_query_titles() -> None:
    ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    vc = "https://www.w3.org/2018/credentials#VerifiableCredential"
    vct = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
    assert query_words.title("ldp_vc", [ob, vc]) == "Open Badges credentials (signed JSON-LD)"
    assert query_words.title("dc+sd-jwt", [vct]) == "Open Badges credentials as SD-JWT"
    assert query_words.technical("ldp_vc", [ob, vc]) == "ldp_vc · OpenBadgeCredential"
    assert query_words.title("", ["NursingLicenceCredential"]) == "Nursing licence credentials"
    assert query_words.title("ldp_vc", [vc]) == "credentials (signed JSON-LD)"
