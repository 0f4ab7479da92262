"""vckit.jsonld.expansion: the sealed loader, strict expansion, and byte-exact canonical N-Quads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.paths import CONTEXTS, VECTORS
from vckit.errors import (
    CanonicalizationLimitError,
    RelativeIriError,
    UndefinedTermError,
    UnknownContextError,
)
from vckit.jsonld import expansion as jsonld

CANONICAL = VECTORS / "jsonld" / "canonical"
ESCAPING = VECTORS / "jsonld-escaping"
CANONICAL_CASES: dict[str, dict[str, str]] = json.loads(
    (CANONICAL / "cases.json").read_text(encoding="utf-8")
)

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def ob3_sample() -> dict[str, Any]:
    document: dict[str, Any] = load(VECTORS / "jsonld" / "ob3-spec-example-unsigned.json")
    return document


def v1_credential() -> dict[str, Any]:
    return {
        "@context": [V1],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }


def v2_credential(*extra_contexts: str) -> dict[str, Any]:
    return {
        "@context": [V2, *extra_contexts],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }


# --- byte-exact canonical forms -----------------------------------------------------------------


@pytest.mark.parametrize("case_id", sorted(CANONICAL_CASES))
def test_reproduces_published_canonical_nquads(case_id: str) -> None:
    """W3C vc-di-eddsa / vc-di-ecdsa and 1EdTech OB 3.0 / CLR 2.0 vectors, byte for byte."""
    case = CANONICAL_CASES[case_id]
    document = load(CANONICAL / case["input"])
    if "context_from" in case:  # a proof configuration takes the document's @context
        document["@context"] = load(CANONICAL / case["context_from"])["@context"]
    expected = (CANONICAL / case["expected"]).read_text(encoding="utf-8")
    hash_name = "sha384" if case["hash"] == "sha384" else "sha256"
    assert jsonld.canonicalize(document, hash_name=hash_name) == expected


def test_clr_keeps_the_unexpanded_xsd_prefix_quirk() -> None:
    case = CANONICAL_CASES["1edtech-clr2-document"]
    result = jsonld.canonicalize(load(CANONICAL / case["input"]))
    assert "^^<xsd:anyURI>" in result


@pytest.mark.parametrize("name", ["ob3-control-characters", "v2-vocab-literals"])
def test_escaping_matches_digital_bazaar_rdf_canonize(name: str) -> None:
    """Control characters, quotes, backslashes, numbers: as jsonld.js 9 + rdf-canonize 5 do."""
    expected = (ESCAPING / f"{name}.canon.nq").read_text(encoding="utf-8")
    assert jsonld.canonicalize(load(ESCAPING / f"{name}.json")) == expected


def test_nquads_escaping_matches_digital_bazaar_rdf_canonize() -> None:
    source = (ESCAPING / "control-characters-in.nq").read_text(encoding="utf-8")
    expected = (ESCAPING / "control-characters.canon.nq").read_text(encoding="utf-8")
    assert jsonld.canonicalize_nquads(source) == expected


def test_every_control_character_is_escaped_in_the_output() -> None:
    result = jsonld.canonicalize(load(ESCAPING / "ob3-control-characters.json"))
    *lines, last = result.split("\n")  # not splitlines(): U+2028 and U+001C-U+001E split too
    assert last == ""
    assert all(line.endswith(" .") for line in lines)
    assert not any(chr(c) in "".join(lines) for c in [*range(0x20), 0x7F])


def test_output_is_sorted_lines_each_ending_in_lf() -> None:
    result = jsonld.canonicalize(ob3_sample())
    lines = result.split("\n")[:-1]
    assert lines == sorted(lines)
    assert result.endswith(" .\n")


# --- undefined terms and relative IRIs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "pointer"),
    [
        ("top-level", "/colour"),
        ("type-scoped-achievement", "/credentialSubject/achievement/colour"),
        ("nested-criteria", "/credentialSubject/achievement/criteria/colour"),
    ],
)
def test_undefined_term_in_ob3_is_refused_with_its_pointer(scenario: str, pointer: str) -> None:
    document = ob3_sample()
    target = document
    for segment in pointer.split("/")[1:-1]:
        target = target[segment]
    target["colour"] = "red"
    with pytest.raises(UndefinedTermError) as raised:
        jsonld.canonicalize(document)
    assert "'colour'" in str(raised.value)
    assert pointer in str(raised.value)


def test_undefined_term_in_v1_credential_is_refused() -> None:
    document = v1_credential()
    document["credentialSubject"]["degree"] = "BSc"
    with pytest.raises(UndefinedTermError, match="'degree' at /credentialSubject/degree"):
        jsonld.expand(document)


def test_undefined_term_in_v2_credential_is_refused() -> None:
    """The final VC 2.0 context has no @vocab, so an undefined term would vanish: refuse it."""
    document = v2_credential()
    document["credentialSubject"]["degree"] = "BSc"
    with pytest.raises(UndefinedTermError, match="'degree' at /credentialSubject/degree"):
        jsonld.canonicalize(document)


def test_v2_undefined_terms_context_keeps_the_term_by_vocab() -> None:
    """VC 2.0 § 5.2: the issuer opted into @vocab; the term is kept, under undefined-term#."""
    document = v2_credential(UNDEFINED_TERMS)
    document["credentialSubject"]["degree"] = "BSc"
    result = jsonld.canonicalize(document)
    assert (
        '<did:example:subject> <https://www.w3.org/ns/credentials/undefined-term#degree> "BSc" .\n'
        in result
    )


def test_term_mapped_to_null_is_refused() -> None:
    document = ob3_sample()
    document["@context"].append({"colour": None})
    document["colour"] = "red"
    with pytest.raises(UndefinedTermError, match="'colour' at /colour"):
        jsonld.canonicalize(document)


def test_term_defined_inline_is_kept() -> None:
    document = ob3_sample()
    document["@context"].append({"colour": "https://example.com/vocab#colour"})
    document["colour"] = "red"
    assert '<https://example.com/vocab#colour> "red"' in jsonld.canonicalize(document)


@pytest.mark.parametrize(
    ("scenario", "edit"),
    [
        ("relative-id", lambda d: d.update(id="credentials/3527")),
        ("undefined-type", lambda d: d["type"].append("FancyBadge")),
        ("relative-issuer", lambda d: d["issuer"].update(id="issuers/565049")),
        ("iri-with-space", lambda d: d["credentialSubject"].update(id="did:example:a b")),
    ],
)
def test_non_absolute_id_or_type_is_refused(scenario: str, edit: Any) -> None:
    document = ob3_sample()
    edit(document)
    with pytest.raises(RelativeIriError, match="is not an absolute IRI"):
        jsonld.canonicalize(document)


def test_relative_iri_in_id_typed_property_is_refused() -> None:
    document = v2_credential()
    document["issuer"] = "not-an-iri"
    with pytest.raises(RelativeIriError, match="'not-an-iri'"):
        jsonld.canonicalize(document)


def test_blank_node_ids_are_allowed() -> None:
    document = v2_credential()
    document["credentialSubject"]["id"] = "_:subject"
    assert "_:c14n" in jsonld.canonicalize(document)


# --- the sealed loader -------------------------------------------------------------------------


def test_unknown_context_is_refused_naming_the_url() -> None:
    document = ob3_sample()
    document["@context"].append("https://example.com/never-fetched.json")
    with pytest.raises(UnknownContextError, match="https://example.com/never-fetched.json"):
        jsonld.canonicalize(document)


def test_loader_refuses_directly_and_lists_only_the_index() -> None:
    loader = jsonld.SealedLoader()
    index = load(CONTEXTS / "index.json")
    assert loader.urls() == frozenset(index)
    assert loader(V2)["document"] == load(CONTEXTS / index[V2])
    with pytest.raises(UnknownContextError, match="https://w3id.org/vaccination/v1"):
        loader("https://w3id.org/vaccination/v1")


def test_variant_context_is_served_only_when_passed_as_extra() -> None:
    url = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    variant = load(CONTEXTS / "variants" / "ob-v3p0-context-3.0.3.1edtech-validator.json")
    document = ob3_sample()
    document["jti"] = "urn:uuid:1"  # defined only by the 1EdTech validator's copy
    with pytest.raises(UndefinedTermError, match="'jti'"):
        jsonld.canonicalize(document)
    with_variant = jsonld.SealedLoader(extra={url: variant})
    assert "urn:uuid:1" in jsonld.canonicalize(document, with_variant)
    # the default loader's caches were not touched by the other loader
    with pytest.raises(UndefinedTermError, match="'jti'"):
        jsonld.canonicalize(document)


def test_extra_context_can_add_a_new_url() -> None:
    url = "https://example.com/colour/v1"
    loader = jsonld.SealedLoader(extra={url: {"@context": {"colour": "https://example.com/c"}}})
    document = ob3_sample()
    document["@context"].append(url)
    document["colour"] = "red"
    assert '<https://example.com/c> "red"' in jsonld.canonicalize(document, loader)
    assert url not in jsonld.default_loader().urls()


# --- caches are exact ----------------------------------------------------------------------------


def test_repeated_and_interleaved_runs_give_identical_results() -> None:
    inputs = []
    for case in CANONICAL_CASES.values():
        document = load(CANONICAL / case["input"])
        if "context_from" in case:
            document["@context"] = load(CANONICAL / case["context_from"])["@context"]
        inputs.append(document)
    first = [jsonld.canonicalize(document) for document in inputs]
    fresh = [jsonld.canonicalize(document, jsonld.SealedLoader()) for document in inputs]
    again = [jsonld.canonicalize(document) for document in reversed(inputs)][::-1]
    assert first == fresh == again


def test_sealed_contexts_and_input_are_not_mutated() -> None:
    document = ob3_sample()
    before = copy.deepcopy(document)
    jsonld.canonicalize(document)
    assert document == before
    loader = jsonld.default_loader()
    index = load(CONTEXTS / "index.json")
    for url, name in index.items():
        assert loader(url)["document"] == load(CONTEXTS / name), url


# --- bounded work through the JSON-LD path -------------------------------------------------------


def test_poison_graph_in_json_ld_is_refused() -> None:
    """A JSON-LD clique of 10 blank nodes (the shape of rdf-canon test074) is refused."""
    nodes = [f"_:e{i}" for i in range(10)]
    graph = [
        {"@id": node, "https://example.com/p": [{"@id": other} for other in nodes]}
        for node in nodes
    ]
    with pytest.raises(CanonicalizationLimitError):
        jsonld.canonicalize({"@graph": graph})


def test_contexts_dir_prefers_the_installed_copy(tmp_path: Path, monkeypatch: Any) -> None:
    """In a wheel, pyproject's force-include puts contexts/ at vckit/_contexts."""
    package = tmp_path / "vckit"
    (package / "_contexts").mkdir(parents=True)
    monkeypatch.setattr(jsonld, "__file__", str(package / "jsonld" / "expansion.py"))
    assert jsonld.contexts_dir() == tmp_path / "contexts"  # no index.json yet: the repo layout
    (package / "_contexts" / "index.json").write_text("{}", encoding="utf-8")
    assert jsonld.contexts_dir() == package / "_contexts"


def test_deeply_nested_document_is_refused_not_a_recursion_error() -> None:
    from vckit.errors import DocumentTooDeepError

    document: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "VerifiableCredential",
        "credentialSubject": {},
    }
    node = document["credentialSubject"]
    for _ in range(5000):
        node["name"] = {}
        node = node["name"]
    with pytest.raises(DocumentTooDeepError):
        jsonld.canonicalize(document)
