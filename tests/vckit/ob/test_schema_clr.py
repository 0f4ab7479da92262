"""CLR 2.0 ClrCredential schema validation: 1EdTech's CLRs, both VC shapes, named invalid cases,
and the fast path agreeing with the Python validator.

The VC 2.0 shape is validated with 1EdTech's published ClrCredential schema (draft 2019-09), the
VC 1.1 shape with HR Open's draft-04 rendering of the earlier one (``vckit/ob/schemas/SOURCE.md``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema.validators import validator_for

from tests.paths import VECTORS
from tests.vckit.ob.test_schema import SCHEMAS, sample
from tests.vckit.ob.test_schema_fast_path import mutations
from vckit.ob import schema
from vckit.ob.schema import SchemaProblem, schema_kind, validate

VC_V1 = "https://www.w3.org/2018/credentials/v1"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT_PATTERN = (
    r"^https:\/\/purl\.imsglobal\.org\/spec\/clr\/v2p0\/context(-2\.\d\.\d)*\.json$"
)
OB_CONTEXT_PATTERN = r"^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$"
SIGNED = VECTORS / "data-integrity" / "1edtech-clr2-eddsa-rdfc-2022" / "signed.json"


def signed_vector() -> dict[str, Any]:
    """1EdTech's signed CLR 2.0 vector (VC 2.0 shape, one nested AchievementCredential)."""
    data: dict[str, Any] = json.loads(SIGNED.read_text())
    return data


def spec_sample() -> dict[str, Any]:
    """The implementation guide's CLR "Test data" credential (unsigned)."""
    return sample("clr2-impl-guide-test-data")


def validator_sample() -> dict[str, Any]:
    """The 1EdTech validator's VC 1.1-shaped CLR (six nested credentials)."""
    path = VECTORS / "clr2-samples" / "validator-simple_v1.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def vc11(clr: dict[str, Any]) -> dict[str, Any]:
    """``clr`` in the VC 1.1 shape: the VC 1.1 context first and ``issuanceDate`` instead of
    ``validFrom``, for the CLR and for each credential in it."""
    legacy = copy.deepcopy(clr)
    for document in [legacy, *legacy["credentialSubject"]["verifiableCredential"]]:
        document["@context"][0] = VC_V1
        document["issuanceDate"] = document.pop("validFrom")
    return legacy


# --- the schema files ---------------------------------------------------------------------


def test_the_clr_schema_files_are_the_drafts_vckit_validates_them_with() -> None:
    current = json.loads((SCHEMAS / "clr_v2p0_clrcredential_schema.json").read_text())
    assert current["$id"] == schema.CLR_SCHEMA_ID
    assert validator_for(current).__name__ == "Draft201909Validator"
    assert "validFrom" in current["required"] and "issuanceDate" not in current["properties"]
    legacy = json.loads((SCHEMAS / "clr_v2p0_clrcredential_schema_draft4.json").read_text())
    assert legacy["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert validator_for(legacy).__name__ == "Draft4Validator"
    assert "issuanceDate" in legacy["required"] and "validFrom" not in legacy["properties"]
    assert type(schema._validator("ClrCredential")).__name__ == "Draft201909Validator"
    assert type(schema._validator("ClrCredentialv1p1")).__name__ == "Draft4Validator"


def test_the_draft4_file_does_not_take_the_vc20_schemas_place() -> None:
    """The draft-04 rendering carries 1EdTech's ``$id`` too; it is registered under its own URL
    and the 1EdTech URL still names the VC 2.0 schema."""
    registry = schema._registry()
    assert registry.contents(schema.CLR_SCHEMA_ID)["$schema"].startswith(
        "https://json-schema.org/draft/2019-09"
    )
    legacy = registry.contents(schema.CLR_V1P1_SCHEMA_ID)
    assert legacy["$schema"] == "http://json-schema.org/draft-04/schema#"


# --- 1EdTech's CLRs -------------------------------------------------------------------------


def test_schema_kind_follows_type_and_context() -> None:
    assert schema_kind(signed_vector()) == "ClrCredential"
    assert schema_kind(spec_sample()) == "ClrCredential"
    assert schema_kind(validator_sample()) == "ClrCredentialv1p1"
    assert schema_kind(vc11(signed_vector())) == "ClrCredentialv1p1"


def test_1edtechs_signed_clr_vector_is_valid() -> None:
    assert validate(signed_vector()) == []


def test_the_implementation_guides_clr_test_data_is_valid() -> None:
    assert validate(spec_sample()) == []


def test_a_vc11_shaped_clr_is_validated_against_the_vc11_schema() -> None:
    assert validate(validator_sample()) == []
    legacy = vc11(signed_vector())
    assert validate(legacy) == []
    # the same document against the VC 2.0 schema: the VC 1.1 context, no validFrom
    assert [str(problem) for problem in validate(legacy, kind="ClrCredential")] == [
        f"/@context/0: {VC_V1!r} is not one of ['https://www.w3.org/ns/credentials/v2']",
        "/credentialSubject/verifiableCredential/0/@context/0: "
        f"{VC_V1!r} is not one of ['https://www.w3.org/ns/credentials/v2']",
        "/credentialSubject/verifiableCredential/0/validFrom: 'validFrom' is a required property",
        "/validFrom: 'validFrom' is a required property",
    ]
    # and a VC 2.0 CLR against the VC 1.1 schema: no issuanceDate
    assert validate(signed_vector(), kind="ClrCredentialv1p1") == [
        SchemaProblem(
            "/credentialSubject/verifiableCredential/0/issuanceDate",
            "'issuanceDate' is a required property",
        ),
        SchemaProblem("/issuanceDate", "'issuanceDate' is a required property"),
    ]


def test_a_vc11_clr_with_a_vc20_date_fails_at_the_date() -> None:
    legacy = vc11(signed_vector())
    legacy["validFrom"] = legacy.pop("issuanceDate")
    assert validate(legacy) == [
        SchemaProblem("/issuanceDate", "'issuanceDate' is a required property")
    ]


# --- named invalid cases ------------------------------------------------------------------

Change = Callable[[dict[str, Any]], object]


def subject_of(clr: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = clr["credentialSubject"]
    return found


INVALID: dict[str, tuple[Change, list[tuple[str, str]]]] = {
    "no-verifiableCredential": (
        lambda c: subject_of(c).pop("verifiableCredential"),
        [
            (
                "/credentialSubject/verifiableCredential",
                "'verifiableCredential' is a required property",
            )
        ],
    ),
    "empty-verifiableCredential": (
        lambda c: subject_of(c).update(verifiableCredential=[]),
        [("/credentialSubject/verifiableCredential", "[] should be non-empty")],
    ),
    "no-name": (lambda c: c.pop("name"), [("/name", "'name' is a required property")]),
    "type-single-string": (
        lambda c: c.update(type="ClrCredential"),
        [("/type", "'ClrCredential' must include 'VerifiableCredential'")],
    ),
    "type-without-VerifiableCredential": (
        lambda c: c.update(type=["ClrCredential"]),
        [("/type", "['ClrCredential'] must include 'VerifiableCredential'")],
    ),
    "subject-type": (
        lambda c: subject_of(c).update(type="AchievementSubject"),
        [("/credentialSubject/type", "'AchievementSubject' must include 'ClrSubject'")],
    ),
    "achievement-type": (
        lambda c: subject_of(c)["achievement"][1].update(type="Badge"),
        [("/credentialSubject/achievement/1/type", "'Badge' must include 'Achievement'")],
    ),
    "validFrom-not-a-date": (
        lambda c: c.update(validFrom="2010-13-01T00:00:00Z"),
        [("/validFrom", "'2010-13-01T00:00:00Z' is not a 'date-time'")],
    ),
    "validFrom-without-offset": (
        lambda c: c.update(validFrom="2010-01-01T00:00:00"),
        [("/validFrom", "'2010-01-01T00:00:00' is not a 'date-time'")],
    ),
    "issuanceDate-instead-of-validFrom": (
        lambda c: c.update(issuanceDate=c.pop("validFrom")),
        [("/validFrom", "'validFrom' is a required property")],
    ),
    "context-order": (
        lambda c: c.update({"@context": [c["@context"][i] for i in (0, 2, 1, 3)]}),
        [
            (
                "/@context/1",
                f"{OB_CONTEXT!r} does not match {CLR_CONTEXT_PATTERN!r}",
            ),
            (
                "/@context/2",
                f"{CLR_CONTEXT!r} does not match {OB_CONTEXT_PATTERN!r}",
            ),
        ],
    ),
    "association-type": (
        lambda c: subject_of(c)["association"][0].update(associationType="isCousinOf"),
        [
            (
                "/credentialSubject/association/0/associationType",
                "'isCousinOf' is not one of ['exactMatchOf', 'isChildOf', 'isParentOf', "
                "'isPartOf', 'isPeerOf', 'isRelatedTo', 'precedes', 'replacedBy']",
            )
        ],
    ),
    "subject-without-id-or-identifier": (
        lambda c: subject_of(c).pop("id"),
        [("/credentialSubject", "either 'id' or at least one 'identifier' is required")],
    ),
    "clr-id-not-a-uri": (
        lambda c: c.update(id="3732"),
        [("/id", "'3732' is not an absolute URI")],
    ),
    "nested-credential-without-validFrom": (
        lambda c: subject_of(c)["verifiableCredential"][0].pop("validFrom"),
        [
            (
                "/credentialSubject/verifiableCredential/0/validFrom",
                "'validFrom' is a required property",
            )
        ],
    ),
}


def invalid(case: str) -> dict[str, Any]:
    document = signed_vector()
    INVALID[case][0](document)
    return document


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_case_is_reported_at_the_field(case: str) -> None:
    expected = [SchemaProblem(path, message) for path, message in INVALID[case][1]]
    assert validate(invalid(case)) == expected


INVALID_VC11: dict[str, tuple[Change, list[tuple[str, str]]]] = {
    "no-verifiableCredential": (
        lambda c: subject_of(c).pop("verifiableCredential"),
        [
            (
                "/credentialSubject/verifiableCredential",
                "'verifiableCredential' is a required property",
            )
        ],
    ),
    "issuanceDate-not-a-date": (
        lambda c: c.update(issuanceDate="yesterday"),
        [("/issuanceDate", "'yesterday' is not a 'date-time'")],
    ),
    "type-without-ClrCredential-in-subject": (
        lambda c: subject_of(c).update(type=["Subject"]),
        [("/credentialSubject/type", "['Subject'] must include 'ClrSubject'")],
    ),
    # the draft-04 rendering is not the JSON-LD adaptation: one value is not an array
    "single-achievement": (
        lambda c: subject_of(c).update(achievement=subject_of(c)["achievement"][0]),
        [
            (
                "/credentialSubject/achievement",
                "{'id': 'urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002', 'type': 'Achievement',"
                " … is not of type 'array'",
            )
        ],
    ),
}


@pytest.mark.parametrize("case", list(INVALID_VC11))
def test_invalid_vc11_case_is_reported_at_the_field(case: str) -> None:
    document = vc11(signed_vector())
    INVALID_VC11[case][0](document)
    found = [(problem.path, problem.message) for problem in validate(document)]
    expected = INVALID_VC11[case][1]
    assert [path for path, _ in found] == [path for path, _ in expected]
    for (_, message), (_, wanted) in zip(found, expected, strict=True):
        head, _, tail = wanted.partition(" … ")
        assert message.startswith(head) and message.endswith(tail), message


def test_the_nested_credentials_uris_are_left_to_their_own_check() -> None:
    """Each nested credential is an OB 3.0 credential with its own report; the CLR check does
    not repeat what that report says."""
    clr = signed_vector()
    nested = subject_of(clr)["verifiableCredential"][0]
    nested["id"] = "91537dba"
    assert validate(clr) == []
    assert validate(nested) == [SchemaProblem("/id", "'91537dba' is not an absolute URI")]


# --- the fast path agrees ---------------------------------------------------------------------

DOCUMENTS: dict[str, dict[str, Any]] = {
    "signed-vector": signed_vector(),
    "spec-sample": spec_sample(),
    "validator-simple_v1": validator_sample(),
    "vc11-vector": vc11(signed_vector()),
    **{f"invalid-{case}": invalid(case) for case in INVALID},
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_fast_and_python_validators_agree(name: str) -> None:
    document = DOCUMENTS[name]
    kind = schema_kind(document)
    assert kind.startswith("Clr")
    assert schema._fast_is_valid(document, kind) is schema._validator(kind).is_valid(document)


@pytest.mark.parametrize("shape", ["vc20", "vc11"])
def test_validators_agree_on_every_single_field_mutation(shape: str) -> None:
    original = signed_vector() if shape == "vc20" else vc11(signed_vector())
    kind = schema_kind(original)
    disagreements = []
    verdicts = set()
    for label, document in mutations(original):
        expected = schema._validator(kind).is_valid(document)
        verdicts.add(expected)
        if schema._fast_is_valid(document, kind) is not expected:
            disagreements.append(label)
    assert verdicts == {True, False}
    assert disagreements == []


def test_a_valid_clr_never_reaches_the_python_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    def unused(kind: str) -> None:
        raise AssertionError("the Python validator ran for a valid document")

    monkeypatch.setattr(schema, "_validator", unused)
    for document in (signed_vector(), spec_sample(), validator_sample()):
        assert validate(document) == []
