"""A field's value in words (vckit.ob.field_words), and the three places that show one (the
wallet's list of fields, the verifier's disclosed fields, ``ler demo``'s report) saying it alike."""

from __future__ import annotations

from typing import Any

import pytest

from demo import reports
from vckit.ob import field_words
from vckit.ob.field_words import HASHED
from verifier.views import disclosure_view
from wallet.sharing import disclose
from wallet.store import CredentialRecord
from wallet.views import field_text

GRADE_ID = "urn:uuid:6b1d8c56-8a0e-4f5e-9f61-0c1f1d2a1001"
CREDENTIAL: dict[str, Any] = {
    "credentialSubject": {
        "achievement": {"resultDescription": [{"id": GRADE_ID, "name": "Final grade"}]}
    }
}
HASHED_EMAIL = {
    "type": "IdentityObject",
    "identityType": "emailAddress",
    "hashed": True,
    "identityHash": "sha256$9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "salt": "s4lt",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"type": "IdentityObject", "hashed": False, "identityHash": "Alex Rivera"}, "Alex Rivera"),
        ({"hashed": False, "identityHash": "2001-04-17", "identityType": "x"}, "17 April 2001"),
        ({"hashed": True, "identityHash": "sha256$ab"}, HASHED),
        ([HASHED_EMAIL], HASHED),
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
        (False, "no"),
        (None, ""),
        ([], "(none)"),
        ({"name": "Nursing II", "resultDescription": [{"id": GRADE_ID}]}, "Nursing II"),
        (
            [{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_schema.json"}],
            "purl.imsglobal.org/…/ob_schema.json",
        ),
        ({"@value": "Registered nurse", "@language": "en"}, "Registered nurse"),
        ({"targetCode": "x1"}, '{"targetCode": "x1"}'),
    ],
)
def test_values_in_words(value: Any, expected: str) -> None:
    assert field_words.words(value, CREDENTIAL) == expected


def test_hashed_wording_shows_no_hash() -> None:
    said = field_words.words(HASHED_EMAIL)
    assert said == "salted hash (the value itself is not shown)"
    assert "sha256" not in said and "s4lt" not in said


def test_long_values_are_cut_on_one_line() -> None:
    text = field_words.words({"name": "E", "narrative": "word\n " * 100})
    assert len(text) == field_words.MAX_CHARS and text.endswith("…") and "\n" not in text
    longer = field_words.words("x" * 500, max_chars=160)
    assert len(longer) == 160 and longer.endswith("…")
    assert field_words.words("x" * 160, max_chars=160) == "x" * 160


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("credentialSubject", "result", 0, "value"), (True, "B")),
        (("credentialSubject", "note"), (True, None)),
        ((), (True, {"credentialSubject": {"result": [{"value": "B"}], "note": None}})),
        (("credentialSubject", "result", 1), (False, None)),
        (("credentialSubject", "result", -1), (False, None)),
        (("credentialSubject", "result", "0"), (False, None)),
        (("credentialSubject", 0), (False, None)),
        (("credentialSubject", "result", 0, "value", "more"), (False, None)),
        (("issuer",), (False, None)),
    ],
)
def test_resolve(path: tuple[str | int, ...], expected: tuple[bool, Any]) -> None:
    document = {"credentialSubject": {"result": [{"value": "B"}], "note": None}}
    assert field_words.resolve(document, path) == expected


def test_wallet_verifier_and_demo_say_the_same() -> None:
    """The learner reads a field in the wallet as the employer reads it at the verifier."""
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:college.example", "name": "Riverside Community College"},
        "validFrom": "2026-11-23T13:46:07Z",
        "credentialSubject": {
            "identifier": [HASHED_EMAIL],
            "achievement": {
                "name": "Fundamentals of Nursing I",
                "resultDescription": [{"id": GRADE_ID, "name": "Final grade"}],
            },
            "result": [{"type": ["Result"], "resultDescription": GRADE_ID, "value": "B"}],
        },
    }
    expected = {
        "/credentialSubject/identifier": HASHED,
        "/credentialSubject/result": "B (Final grade)",
        "/validFrom": "23 November 2026",
        "/issuer": "Riverside Community College",
    }
    record = CredentialRecord("c1", "a1", "h", document, "ldp_vc", "test", "", None, None, None)
    listed = field_text.listing(disclose.choose(record))
    wallet = {line.pointer: line.text for line in listed.switchable + listed.locked}
    assert {p: wallet[p] for p in expected} == expected
    verifier = {p: disclosure_view.disclosed_field(document, p).value for p in expected}
    assert verifier == expected
    demo = reports.disclosed_fields({"disclosed": list(expected)}, document)
    labels = [disclosure_view.disclosed_field(document, p).label for p in expected]
    assert demo == [
        f"{label}: {text}" for label, text in zip(labels, expected.values(), strict=True)
    ]
