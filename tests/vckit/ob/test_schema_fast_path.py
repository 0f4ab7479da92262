"""The Rust fast path of OB 3.0 schema validation agrees with the Python ``jsonschema`` path.

``vckit.ob.schema`` asks ``jsonschema_rs`` whether a document is valid and only runs the
Python validator (which explains each problem) when it is not. That is only correct if both
validators give the same verdict on every document; these tests check it on every document
the schema tests use, on corner cases where the two regex and format engines differ, and on a
sweep of single-field mutations of the samples.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import jsonschema_rs
import pytest

from tests.vckit.ob.test_schema import INVALID, OB_SAMPLES, achievement_of, sample, vc11
from vckit.errors import SchemaError
from vckit.ob import schema


def changed(name: str, change: Any) -> dict[str, Any]:
    document = sample(name)
    change(document)
    return document


def set_context_1(value: str) -> Any:
    return lambda c: c["@context"].__setitem__(1, value)


OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# every document tests/vckit/ob/test_schema.py validates, plus corner cases where Rust's regex or
# format handling differs from Python's unless the fast path uses Python's own
DOCUMENTS: dict[str, dict[str, Any]] = {
    **{f"sample-{name}": sample(name) for name in [*OB_SAMPLES, "clr2-impl-guide-test-data"]},
    "vc11-basic": vc11(sample("basicOpenBadgeCredential")),
    "vc11-missing-name": changed("basicOpenBadgeCredential", lambda c: c.pop("name")),
    **{
        f"invalid-{case}": changed("basicOpenBadgeCredential", change)
        for case, (change, _) in INVALID.items()
    },
    "achievementType-Trophy": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(achievementType="Trophy")
    ),
    "achievementType-ext-Trophy": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(achievementType="ext:Trophy")
    ),
    "several-problems": changed(
        "basicOpenBadgeCredential",
        lambda c: (
            achievement_of(c).pop("name"),
            achievement_of(c).pop("description"),
            c.update(validFrom="yesterday"),
        ),
    ),
    "validFrom-offset": changed(
        "basicOpenBadgeCredential", lambda c: c.update(validFrom="2010-01-01T00:00:00+05:30")
    ),
    "validFrom-lower-case-t-z": changed(
        "basicOpenBadgeCredential", lambda c: c.update(validFrom="2010-01-01t00:00:00z")
    ),
    "validFrom-fraction": changed(
        "basicOpenBadgeCredential", lambda c: c.update(validFrom="2010-01-01T00:00:00.123456Z")
    ),
    "criteria-id-pointer-escapes": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(criteria={"id": "a/b~c"})
    ),
    "endorsement-problems": changed(
        "endorsement",
        lambda c: (
            c.pop("name"),
            c["credentialSubject"].pop("id"),
            c["credentialSubject"].update(type=["AchievementSubject"]),
        ),
    ),
    "ensure-valid-problems": changed(
        "basicOpenBadgeCredential",
        lambda c: (achievement_of(c).pop("name"), c.update(validFrom=0)),
    ),
    # corner cases: our date-time checker rejects a leap second, Rust's built-in accepts it
    "validFrom-leap-second": changed(
        "basicOpenBadgeCredential", lambda c: c.update(validFrom="2016-12-31T23:59:60Z")
    ),
    "validFrom-hour-24": changed(
        "basicOpenBadgeCredential", lambda c: c.update(validFrom="2010-01-01T24:00:00Z")
    ),
    # Python's `$` also matches before a final newline; Rust's does not
    "language-map-key-with-final-newline": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(name={"en\n": "Badge"})
    ),
    "language-map-key-region": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(name={"en-GB": "Badge"})
    ),
    "language-map-key-bad": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(name={"English": "Badge"})
    ),
    "context-with-final-newline": changed(
        "basicOpenBadgeCredential", set_context_1(OB_CONTEXT + "\n")
    ),
    # Python's `\d` matches any Unicode decimal digit
    "context-version-arabic-indic-digits": changed(
        "basicOpenBadgeCredential",
        set_context_1("https://purl.imsglobal.org/spec/ob/v3p0/context-3.\u0660.\u0663.json"),
    ),
    "achievementType-ext-unicode": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(achievementType="ext:é")
    ),
    "name-boolean": changed(
        "basicOpenBadgeCredential", lambda c: achievement_of(c).update(name=True)
    ),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_fast_and_python_validators_agree(name: str) -> None:
    document = DOCUMENTS[name]
    kind = schema.schema_kind(document)
    assert schema._fast_is_valid(document, kind) is schema._validator(kind).is_valid(document)


def test_the_corpus_has_both_verdicts() -> None:
    """The agreement test would be weak if every document got the same verdict."""
    verdicts = {schema._validator(schema.schema_kind(d)).is_valid(d) for d in DOCUMENTS.values()}
    assert verdicts == {True, False}


def python_only(monkeypatch: pytest.MonkeyPatch, document: Any) -> list[schema.SchemaProblem]:
    with monkeypatch.context() as patch:
        patch.setattr(schema, "_fast_is_valid", lambda credential, kind: None)
        return schema.validate(document)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_validate_output_is_unchanged(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = DOCUMENTS[name]
    assert schema.validate(document) == python_only(monkeypatch, document)


def test_a_valid_document_never_reaches_the_python_validator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unused(kind: str) -> None:
        raise AssertionError("the Python validator ran for a valid document")

    monkeypatch.setattr(schema, "_validator", unused)
    for name in OB_SAMPLES:
        assert schema.validate(sample(name)) == []


# --- single-field mutations -------------------------------------------------------------------

REPLACEMENTS: list[object] = [
    42,
    1.5,
    True,
    None,
    "",
    "x",
    "en\n",
    "ext:x",
    "2010-01-01T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2010-01-01",
    "2010-02-30",
    [],
    ["x"],
    {},
    {"en": "x"},
]


def paths(node: object, here: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*here, key)
            yield from paths(value, (*here, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield (*here, index)
            yield from paths(item, (*here, index))


def mutations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each field removed, and each field replaced by each of :data:`REPLACEMENTS`."""
    for path in paths(document):
        *parents, last = path
        for replacement in ["<removed>", *REPLACEMENTS]:
            mutated = copy.deepcopy(document)
            parent: Any = mutated
            for part in parents:
                parent = parent[part]
            if replacement == "<removed>":
                del parent[last]
            else:
                parent[last] = copy.deepcopy(replacement)
            yield f"{path} = {json.dumps(replacement)}", mutated


@pytest.mark.parametrize(
    "name", ["basicOpenBadgeCredential", "endorsement", "achievementAlignmentCase", "vc11"]
)
def test_validators_agree_on_every_single_field_mutation(name: str) -> None:
    original = vc11(sample("basicOpenBadgeCredential")) if name == "vc11" else sample(name)
    kind = schema.schema_kind(original)
    disagreements = []
    verdicts = set()
    for label, document in mutations(original):
        expected = schema._validator(kind).is_valid(document)
        verdicts.add(expected)
        if schema._fast_is_valid(document, kind) is not expected:
            disagreements.append(label)
    assert verdicts == {True, False}
    assert disagreements == []


# --- what the fast path does not judge ------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        ("VerifiableCredential", "OpenBadgeCredential"),
        MappingProxyType({"en": "x"}),
        {1: "x"},
        math.nan,
        math.inf,
        2**64,
        b"bytes",
    ],
    ids=["tuple", "mapping-proxy", "int-key", "nan", "inf", "huge-int", "bytes"],
)
def test_values_outside_plain_json_are_left_to_the_python_validator(
    value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = sample("basicOpenBadgeCredential")
    document["type"] = value
    assert schema._fast_is_valid(document, "AchievementCredential") is None
    assert schema.validate(document) == python_only(monkeypatch, document)


def test_plain_json_is_judged_by_the_fast_path() -> None:
    assert schema._fast_is_valid(sample("basicOpenBadgeCredential"), "AchievementCredential")
    document = sample("basicOpenBadgeCredential")
    document["validFrom"] = 2**62
    assert schema._fast_is_valid(document, "AchievementCredential") is False


# --- the Rust copy of the schemas ---------------------------------------------------------


def count_keys(node: object, key: str) -> int:
    if isinstance(node, dict):
        return (key in node) + sum(count_keys(value, key) for value in node.values())
    if isinstance(node, list):
        return sum(count_keys(item, key) for item in node)
    return 0


@pytest.mark.parametrize("schema_id", sorted(schema._FILES))
def test_every_pattern_is_matched_by_python_re(schema_id: str) -> None:
    original = schema._schema(schema_id)
    copied = schema._with_python_patterns(original)
    assert count_keys(copied, "pattern") == 0
    assert count_keys(copied, schema._PATTERN_KEYWORD) == count_keys(original, "pattern") > 0


def test_no_schema_is_ever_retrieved() -> None:
    with pytest.raises(SchemaError):
        schema._refuse_retrieval("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/x.json")
    registry = jsonschema_rs.Registry([], retriever=schema._refuse_retrieval)
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.Draft201909Validator(
            {"$ref": "https://example.com/schema.json"}, registry=registry
        )
