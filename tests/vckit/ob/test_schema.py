"""OB 3.0 JSON Schema validation: 1EdTech samples, named invalid cases, readable messages."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from tests.paths import VECTORS
from vckit.errors import InputError, SchemaError
from vckit.ob import schema
from vckit.ob.schema import SchemaProblem, ensure_valid, schema_kind, validate

SAMPLES = VECTORS / "ob3-samples"
SCHEMAS = Path(schema.__file__).parent / "schemas"
OB_SAMPLES = [
    "basicOpenBadgeCredential",
    "achievementAlignmentCase",
    "achievementAlignmentCe",
    "fullOpenBadge",
    "skillAssertionCase",
    "skillAssertionCtdl",
    "ob3-impl-guide-test-data",
    "endorsement",
]


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text())
    return data


# --- the schema copies --------------------------------------------------------------------


def test_schema_files_match_their_recorded_sha256() -> None:
    recorded = dict(
        re.findall(
            r"^\| (\S+\.json) \|.*\| ([0-9a-f]{64}) \|$",
            (SCHEMAS / "SOURCE.md").read_text(),
            re.MULTILINE,
        )
    )
    assert set(recorded) == {path.name for path in SCHEMAS.glob("*.json")}
    for name, digest in recorded.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name for p in SCHEMAS.glob("*.json") if "draft4" not in p.name and "openapi" not in p.name
    ),
)
def test_schemas_are_draft_2019_09(name: str) -> None:
    """Validation uses Draft201909Validator; the files must say that is their draft (all but
    the CLR draft-04 rendering, see ``test_schema_clr.py``, and the OB 3.0 API's OpenAPI file,
    whose Schema Objects ``vckit.ob.api`` validates, tested in ``tests/wallet/host``)."""
    document = json.loads((SCHEMAS / name).read_text())
    assert document["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    assert validator_for(document).__name__ == "Draft201909Validator"


def test_vc11_branch_of_any_achievement_schema_is_anyof_0() -> None:
    """The VC 1.1 kind validates against ``#/anyOf/0``; make sure that is the VC 1.1 shape."""
    document = json.loads((SCHEMAS / "ob_v3p0_anyachievementcredential_schema.json").read_text())
    branch = document["anyOf"][0]
    context_items = branch["properties"]["@context"]["oneOf"][1]["items"]
    assert context_items[0] == {"enum": ["https://www.w3.org/2018/credentials/v1"]}
    assert "issuanceDate" in branch["required"]


# --- 1EdTech samples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", OB_SAMPLES)
def test_1edtech_samples_are_valid(name: str) -> None:
    assert validate(sample(name)) == []


def test_clr_sample_is_not_an_open_badge() -> None:
    """The CLR 2.0 sample is a ClrCredential (validated by the CLR schema, see
    ``test_schema_clr.py``): as an OB credential it is rejected for its type, context and
    many-achievement subject."""
    clr = sample("clr2-impl-guide-test-data")
    paths = {problem.path for problem in validate(clr, kind="AchievementCredential")}
    assert paths == {
        "/@context/1",
        "/type",
        "/credentialSubject/type",
        "/credentialSubject/achievement",
    }


def test_schema_kind_follows_type_and_context() -> None:
    assert schema_kind(sample("basicOpenBadgeCredential")) == "AchievementCredential"
    assert schema_kind(sample("endorsement")) == "Endorsement"
    legacy = vc11(sample("basicOpenBadgeCredential"))
    assert schema_kind(legacy) == "AchievementCredentialv1p1"


def vc11(credential: dict[str, Any]) -> dict[str, Any]:
    legacy = copy.deepcopy(credential)
    legacy["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    legacy["issuanceDate"] = legacy.pop("validFrom")
    return legacy


def test_vc11_shaped_open_badge_is_validated_against_the_vc11_schema() -> None:
    legacy = vc11(sample("basicOpenBadgeCredential"))
    assert validate(legacy) == []
    del legacy["name"]  # required in AchievementCredentialv1p1, optional in VC 2.0
    assert validate(legacy) == [SchemaProblem("/name", "'name' is a required property")]


# --- named invalid cases ------------------------------------------------------------------

Change = Callable[[dict[str, Any]], object]


def achievement_of(credential: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = credential["credentialSubject"]["achievement"]
    return found


INVALID: dict[str, tuple[Change, list[tuple[str, str]]]] = {
    "achievement-missing-name": (
        lambda c: achievement_of(c).pop("name"),
        [("/credentialSubject/achievement/name", "'name' is a required property")],
    ),
    "achievement-missing-criteria": (
        lambda c: achievement_of(c).pop("criteria"),
        [("/credentialSubject/achievement/criteria", "'criteria' is a required property")],
    ),
    "validFrom-wrong-type": (
        lambda c: c.update(validFrom=1262304000),
        [("/validFrom", "1262304000 is not of type 'string'")],
    ),
    "validFrom-missing": (
        lambda c: c.pop("validFrom"),
        [("/validFrom", "'validFrom' is a required property")],
    ),
    "validFrom-without-offset": (
        lambda c: c.update(validFrom="2010-01-01T00:00:00"),
        [("/validFrom", "'2010-01-01T00:00:00' is not a 'date-time'")],
    ),
    "validUntil-impossible-date": (
        lambda c: c.update(validUntil="2030-02-30T00:00:00Z"),
        [("/validUntil", "'2030-02-30T00:00:00Z' is not a 'date-time'")],
    ),
    "bad-id-iri": (
        lambda c: c.update(id="credential 3527"),
        [("/id", "'credential 3527' is not an absolute URI")],
    ),
    "relative-achievement-id": (
        lambda c: achievement_of(c).update(id="/achievements/teamwork"),
        [("/credentialSubject/achievement/id", "'/achievements/teamwork' is not an absolute URI")],
    ),
    "id-not-a-string": (
        lambda c: c.update(id={"en": "http://example.com/credentials/3527"}),
        [("/id", "{'en': 'http://example.com/credentials/3527'} is not a URI string")],
    ),
    "type-without-OpenBadgeCredential": (
        lambda c: c.update(type=["VerifiableCredential"]),
        [
            (
                "/type",
                "['VerifiableCredential'] must include 'AchievementCredential' or "
                "'OpenBadgeCredential'",
            )
        ],
    ),
    "type-single-string": (
        lambda c: c.update(type="VerifiableCredential"),
        [
            (
                "/type",
                "'VerifiableCredential' must include 'AchievementCredential' or "
                "'OpenBadgeCredential'",
            )
        ],
    ),
    "subject-wrong-type": (
        lambda c: c["credentialSubject"].update(type=["Person"]),
        [("/credentialSubject/type", "['Person'] must include 'AchievementSubject'")],
    ),
    "subject-without-id-or-identifier": (
        lambda c: c["credentialSubject"].pop("id"),
        [("/credentialSubject", "either 'id' or at least one 'identifier' is required")],
    ),
    "achievement-name-not-a-string": (
        lambda c: achievement_of(c).update(name=42),
        [("/credentialSubject/achievement/name", "42 is not of type 'object' or 'string'")],
    ),
    "issuer-wrong-type": (
        lambda c: c.update(issuer=42),
        [("/issuer", "42 is not of type 'object' or 'string'")],
    ),
    "issuer-profile-missing-type": (
        lambda c: c["issuer"].pop("type"),
        [("/issuer/type", "'type' is a required property")],
    ),
    "second-context-not-ob": (
        lambda c: c["@context"].__setitem__(1, "https://www.w3.org/ns/credentials/examples/v2"),
        [
            (
                "/@context/1",
                "'https://www.w3.org/ns/credentials/examples/v2' does not match "
                "'^https:\\\\/\\\\/purl\\\\.imsglobal\\\\.org\\\\/spec\\\\/ob\\\\/v3p0"
                "\\\\/context(-3\\\\.\\\\d\\\\.\\\\d)*\\\\.json$'",
            )
        ],
    ),
    "identifier-hashed-not-boolean": (
        lambda c: c["credentialSubject"].update(
            identifier=[
                {
                    "type": "IdentityObject",
                    "hashed": "true",
                    "identityType": "emailAddress",
                    "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4b",
                }
            ]
        ),
        [("/credentialSubject/identifier/0/hashed", "'true' is not of type 'boolean'")],
    ),
    "alignment-missing-targetUrl": (
        lambda c: achievement_of(c).update(alignment=[{"type": ["Alignment"], "targetName": "x"}]),
        [
            (
                "/credentialSubject/achievement/alignment/0/targetUrl",
                "'targetUrl' is a required property",
            )
        ],
    ),
    "credentialSubject-not-an-object": (
        lambda c: c.update(credentialSubject="did:example:ebfeb1f712ebc6f1c276e12ec21"),
        [
            (
                "/credentialSubject",
                "'did:example:ebfeb1f712ebc6f1c276e12ec21' is not of type 'object'",
            )
        ],
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_case_is_reported_at_the_field(case: str) -> None:
    change, expected = INVALID[case]
    credential = sample("basicOpenBadgeCredential")
    change(credential)
    assert validate(credential) == [SchemaProblem(path, message) for path, message in expected]


def test_achievement_type_outside_the_vocabulary() -> None:
    credential = sample("basicOpenBadgeCredential")
    achievement_of(credential)["achievementType"] = "Trophy"
    (problem,) = validate(credential)
    assert problem.path == "/credentialSubject/achievement/achievementType"
    assert problem.message.startswith("'Trophy' is not one of ['Achievement', ")
    assert problem.message.endswith("; or 'Trophy' does not match '(ext:)[a-z|A-Z|0-9|.|-|_]+'")
    achievement_of(credential)["achievementType"] = "ext:Trophy"
    assert validate(credential) == []


def test_several_problems_are_all_reported() -> None:
    credential = sample("basicOpenBadgeCredential")
    achievement_of(credential).pop("name")
    achievement_of(credential).pop("description")
    credential["validFrom"] = "yesterday"
    assert [problem.path for problem in validate(credential)] == [
        "/credentialSubject/achievement/description",
        "/credentialSubject/achievement/name",
        "/validFrom",
    ]


@pytest.mark.parametrize(
    "value",
    ["2010-01-01T00:00:00+05:30", "2010-01-01t00:00:00z", "2010-01-01T00:00:00.123456Z"],
    ids=["offset", "lower-case-t-z", "fraction"],
)
def test_rfc3339_date_times_are_accepted(value: str) -> None:
    credential = sample("basicOpenBadgeCredential")
    credential["validFrom"] = value
    assert validate(credential) == []


def test_json_pointer_escapes() -> None:
    credential = sample("basicOpenBadgeCredential")
    credential["credentialSubject"]["achievement"]["criteria"] = {"id": "a/b~c"}
    assert validate(credential) == [
        SchemaProblem(
            "/credentialSubject/achievement/criteria/id", "'a/b~c' is not an absolute URI"
        )
    ]
    assert schema.pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


# --- endorsements ---------------------------------------------------------------------------


def test_endorsement_problems() -> None:
    endorsement = sample("endorsement")
    endorsement.pop("name")
    endorsement["credentialSubject"].pop("id")
    endorsement["credentialSubject"]["type"] = ["AchievementSubject"]
    assert validate(endorsement) == [
        SchemaProblem("/credentialSubject/id", "'id' is a required property"),
        SchemaProblem(
            "/credentialSubject/type", "['AchievementSubject'] must include 'EndorsementSubject'"
        ),
        SchemaProblem("/name", "'name' is a required property"),
    ]


# --- ensure_valid -----------------------------------------------------------------------------


def test_ensure_valid_raises_with_every_problem() -> None:
    credential = sample("basicOpenBadgeCredential")
    ensure_valid(credential)
    achievement_of(credential).pop("name")
    credential["validFrom"] = 0
    with pytest.raises(SchemaError) as caught:
        ensure_valid(credential)
    assert caught.value.code == "schema-invalid"
    assert caught.value.problems == [
        ("/credentialSubject/achievement/name", "'name' is a required property"),
        ("/validFrom", "0 is not of type 'string'"),
    ]
    assert "/credentialSubject/achievement/name: 'name' is a required property" in str(caught.value)


def test_unknown_kind_is_bad_input() -> None:
    with pytest.raises(InputError):
        validate(sample("basicOpenBadgeCredential"), kind="Transcript")  # type: ignore[arg-type]


def test_a_non_object_is_one_problem_at_the_root() -> None:
    assert validate([1, 2]) == [SchemaProblem("", "[1, 2] is not of type 'object'")]  # type: ignore[arg-type]


# --- the formal schema and the JSON-LD adaptation vckit uses -------------------------------

FORMAL = json.loads((VECTORS / "ob3-schemas" / "achievementcredential.schema.json").read_text())
ACHIEVEMENT_SAMPLES = [name for name in OB_SAMPLES if name != "endorsement"]


def formal_problems(document: dict[str, Any]) -> list[str]:
    checker = validator_for(FORMAL)(FORMAL)
    return sorted("/".join(map(str, e.absolute_path)) for e in checker.iter_errors(document))


@pytest.mark.parametrize("name", ACHIEVEMENT_SAMPLES)
def test_the_formal_schema_and_the_adaptation_agree_on_1edtechs_samples(name: str) -> None:
    document = sample(name)
    assert formal_problems(document) == [] and validate(document) == []


def test_the_formal_schema_refuses_1edtechs_signed_vector_only_for_its_single_proof() -> None:
    """Why vckit validates with the JSON-LD adaptation: JSON-LD writes a one-element array as
    a single value, and 1EdTech's own signed vector does so for ``proof``."""
    signed = json.loads(
        (VECTORS / "data-integrity" / "1edtech-ob3-eddsa-rdfc-2022" / "signed.json").read_text()
    )
    assert formal_problems(signed) == ["proof"]
    assert validate(signed) == []
    assert formal_problems({**signed, "proof": [signed["proof"]]}) == []


def test_uri_verdicts_are_remembered_per_exact_string() -> None:
    """The absolute-URI check is remembered per string (a batch repeats its URIs): each
    credential still gets the verdict of its own value, in either order, every time."""
    good = sample("basicOpenBadgeCredential")
    image = "data:image/svg+xml;base64," + "PHN2Zz48L3N2Zz4" * 100
    achievement_of(good)["image"] = {"id": image, "type": "Image"}
    bad = copy.deepcopy(good)
    achievement_of(bad)["image"]["id"] = image.replace("data:", "data ")
    expected = [
        SchemaProblem(
            "/credentialSubject/achievement/image/id",
            schema.short(image.replace("data:", "data ")) + " is not an absolute URI",
        )
    ]
    for _ in range(3):
        assert validate(good) == []
        assert validate(bad) == expected
