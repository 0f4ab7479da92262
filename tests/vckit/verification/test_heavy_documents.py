"""What one large document may cost (issue 15): each step walks the document once, whatever
its nesting; a size limit in JSON values refuses it before any check; the schema check lists
problems one by one for 2,000 values of a credential and 2,000 of all those inside it.

Before: the depth check walked every nested credential's whole subtree again (a chain of
endorsements cost nesting depth × size: 28 levels of 1.9 MB took 6 s, two thirds of it that
walk), and a 1.3 MB credential of 16,000 alignments with one wrong date took 7 s, all of it
the Python JSON Schema validator looking for problems in the whole document."""

from __future__ import annotations

import pytest

from tests import heavy_documents as heavy
from tests import scenarios as s
from vckit import verification
from vckit.document import check_object_depth
from vckit.errors import DocumentTooLargeError
from vckit.ob import schema
from vckit.report import FAIL, PASS, UNCHECKED
from vckit.verification import VerifyOptions, verify
from vckit.verification.embedded import MAX_PARTS


def test_the_depth_of_a_document_is_checked_once_not_again_in_each_nested_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked: list[object] = []
    check = check_object_depth

    def counted(value: object, *args: object, **kwargs: object) -> None:
        walked.append(value)
        check(value, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verification, "check_object_depth", counted)
    report = verify(heavy.endorsement_chain(10), VerifyOptions(now=s.NOW))
    assert len(report.parts) == 1 and report.parts[0].report.parts  # the chain was verified
    assert len(walked) == 1


def test_a_document_of_more_values_than_the_limit_is_refused_naming_it() -> None:
    with pytest.raises(DocumentTooLargeError, match="more than 25000 JSON values"):
        verify(heavy.hostile_credential(), VerifyOptions(now=s.NOW, max_values=25_000))


def test_a_large_clr_with_an_image_is_within_the_limit_and_verifies() -> None:
    report = verify(heavy.large_clr(), VerifyOptions(now=s.NOW, max_values=25_000))
    assert report.verification == PASS, [c for c in report.all_checks() if c.status != PASS]
    assert len([p for p in report.parts if p.role == "nested"]) == 30


def test_a_large_rejected_document_is_not_explained_by_the_python_validator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unused(kind: str) -> None:
        raise AssertionError("the Python validator ran for a large document")

    monkeypatch.setattr(schema, "_validator", unused)
    problems = schema.validate(heavy.hostile_credential(), explaining=schema.Explaining())
    assert [p.path for p in problems] == [""]
    assert "not listed one by one" in problems[0].message


def test_a_small_rejected_document_is_still_explained_field_by_field() -> None:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER), validFrom="yesterday")
    assert [p.path for p in schema.validate(credential)] == ["/validFrom"]


def test_the_large_credential_fails_its_schema_check_as_before() -> None:
    report = verify(heavy.hostile_credential(), VerifyOptions(now=s.NOW))
    check = next(c for c in report.checks if c.id == "schema")
    assert check.status == FAIL


def test_the_nested_credentials_of_one_verification_share_one_budget_for_explaining() -> None:
    report = verify(heavy.hostile_clr(3, 200), VerifyOptions(now=s.NOW))  # 1,500 values each
    checks = [next(c for c in p.report.checks if c.id == "schema") for p in report.parts]
    assert [c.status for c in checks] == [FAIL, FAIL, FAIL]  # the verdicts of before
    assert ["/validFrom" in c.detail for c in checks] == [True, False, False]
    assert all("not listed one by one" in c.detail for c in checks[1:])


def test_a_clr_of_a_few_dozen_credentials_is_verified_in_full() -> None:
    report = verify(heavy.large_clr(40), VerifyOptions(now=s.NOW, max_values=25_000))
    check = next(c for c in report.checks if c.id == "nested-credentials")
    assert (check.status, check.detail) == (PASS, "all 40 nested credentials verify")


def test_nested_credentials_past_the_budget_are_could_not_check_never_a_pass() -> None:
    report = verify(heavy.large_clr(MAX_PARTS + 2), VerifyOptions(now=s.NOW))
    check = next(c for c in report.checks if c.id == "nested-credentials")
    assert check.status == UNCHECKED
    assert f"2 of {MAX_PARTS + 2} nested credentials were not verified" in check.detail
    assert report.verification != PASS


def test_a_jwt_whose_payload_holds_too_many_values_is_refused_too() -> None:
    credential = heavy.with_alignments(
        s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)), 4400
    )
    token = s.jwt_credential(credentialSubject=credential["credentialSubject"])
    with pytest.raises(DocumentTooLargeError, match="more than 25000 JSON values"):
        verify(token, VerifyOptions(now=s.NOW, max_values=25_000))
