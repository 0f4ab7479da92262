"""vckit.jsonld.rdf: the one-walk RDF conversion gives pyld's dataset exactly.

The oracle is pyld 3.3's own path (§ 7.2 Node Map Generation, then § 8.1 Deserialize JSON-LD
to RDF), as ``vckit.jsonld.expansion.to_quads`` used it before. Datasets are compared by their
RDFC-1.0
canonical form, which is equal exactly when the datasets are isomorphic, and by the quads that
hold no blank node, compared as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld

from tests.paths import VECTORS
from vckit.errors import JsonLdError, VckitError
from vckit.jsonld import expansion as jsonld
from vckit.jsonld import rdfc10
from vckit.jsonld.rdf import quads_of

V2 = "https://www.w3.org/ns/credentials/v2"
EX = "https://example.org/vocab#"


def _pyld_term(component: Mapping[str, Any]) -> str:
    if component["type"] == "IRI":
        return f"<{component['value']}>"
    if component["type"] == "blank node":
        return str(component["value"])
    return rdfc10.literal_term(
        component["value"], component.get("datatype"), component.get("language")
    )


def pyld_quads(expanded: list[dict[str, Any]]) -> list[rdfc10.Quad]:
    """pyld's node map + graph-to-RDF (the reference this module replaces)."""
    processor = pyld_jsonld.JsonLdProcessor()
    issuer = pyld_jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    # pyld's i18n-datatype keeps @language's case (the spec lower-cases it): the edge cases
    # with @direction use lower-case tags
    options = {"produceGeneralizedRdf": False, "rdfDirection": "i18n-datatype"}
    options["processingMode"] = "json-ld-1.1"
    quads = []
    for name, graph in sorted(node_map.items()):
        graph_term = "" if name == "@default" else (name if name[:2] == "_:" else f"<{name}>")
        for triple in processor._graph_to_rdf(graph, issuer, options):
            terms = [_pyld_term(triple[k]) for k in ("subject", "predicate", "object")]
            quads.append((terms[0], terms[1], terms[2], graph_term))
    return quads


def assert_same_dataset(document: Mapping[str, Any]) -> None:
    expanded = jsonld.expand(document)
    ours = quads_of(expanded, pyld_jsonld.JsonLdProcessor())
    theirs = pyld_quads(jsonld.expand(document))
    assert rdfc10.canonical_lines(ours) == rdfc10.canonical_lines(theirs)
    ground = {q for q in ours if "_:" not in q[0] + q[2] + q[3]}
    assert ground == {q for q in theirs if "_:" not in q[0] + q[2] + q[3]}
    assert len(set(ours)) == len(set(theirs))


def _expandable(document: dict[str, Any]) -> bool:
    """Failure vectors (unknown contexts, undefined terms) have no dataset to compare."""
    try:
        jsonld.expand(document)
    except VckitError:
        return False
    return True


def _vector_documents() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "@context" in document and _expandable(document):
            found.append((str(path.relative_to(VECTORS)), document))
    return found


VECTOR_DOCUMENTS = _vector_documents()


def test_there_are_many_vector_documents() -> None:
    assert len(VECTOR_DOCUMENTS) >= 30


@pytest.mark.parametrize(
    "document", [d for _, d in VECTOR_DOCUMENTS], ids=[n for n, _ in VECTOR_DOCUMENTS]
)
def test_vector_document_gives_pyld_dataset(document: dict[str, Any]) -> None:
    assert_same_dataset(document)


INLINE = {
    "@version": 1.1,
    "ex": EX,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id",
    "type": "@type",
    "text": "ex:text",
    "node": {"@id": "ex:node", "@type": "@id"},
    "items": {"@id": "ex:items", "@container": "@list"},
    "tagged": {"@id": "ex:tagged", "@language": "en-US"},
    "rtl": {"@id": "ex:rtl", "@language": "ar", "@direction": "rtl"},
    "ltr": {"@id": "ex:ltr", "@direction": "ltr"},
    "payload": {"@id": "ex:payload", "@type": "@json"},
    "double": {"@id": "ex:double", "@type": "xsd:double"},
    "date": {"@id": "ex:date", "@type": "xsd:date"},
    "claims": {"@id": "ex:claims", "@container": "@graph"},
    "parent": {"@reverse": "ex:child"},
    "byKey": {"@id": "ex:byKey", "@container": "@index"},
    "included": "@included",
}

EDGE_CASES: dict[str, Any] = {
    "numbers-and-booleans": {
        "text": [1, -7, 2.5, 1e21, 12345678901234567890123, 0.1, True, False, 3.0],
        "double": [1, 2.5, "4.25", "not a number"],
    },
    "languages-and-directions": {
        "tagged": ["colour", "color"],
        "rtl": "مرحبا",
        "ltr": "plain",
        "text": {"@value": "x", "@language": "de", "@direction": "ltr"},
    },
    "json-literal": {"payload": {"b": [3, 1.5, None, "é"], "a": True}},
    "typed-literals": {
        "date": ["2024-01-01", "2024-01-01"],
        "text": {"@value": "v", "@type": "ex:T"},
    },
    "lists": {
        "items": [1, "two", {"text": "three"}, {"@list": [4, {"@list": []}]}, {"@id": "ex:n"}],
        "node": {"items": []},
    },
    "graph-container": {
        "id": "ex:vp",
        "claims": [{"id": "ex:c1", "text": "a"}, {"text": "b", "claims": {"text": "c"}}],
    },
    "named-graph-with-id": {"id": "ex:g", "@graph": [{"id": "ex:s", "text": "in g"}]},
    "reverse": {"id": "ex:kid", "parent": [{"id": "ex:mum", "text": "m"}, {"text": "anon"}]},
    "index-container": {"byKey": {"k1": {"text": "v1"}, "k2": "plain"}},
    "blank-node-ids": {
        "id": "_:root",
        "type": ["_:T", "ex:Type"],
        "node": ["_:other", "_:root"],
        "text": {"id": "_:other", "text": "same node twice"},
    },
    "merged-node-and-duplicate-values": {
        "node": [{"id": "ex:a", "text": "1"}, {"id": "ex:a", "text": ["1", "2"]}],
        "text": ["dup", "dup"],
    },
    "included": {"id": "ex:top", "included": [{"id": "ex:inc", "text": "i"}, {"text": "j"}]},
    "blank-node-property": {"_:p": [{"id": "ex:hidden", "text": "kept"}, "dropped"], "text": "t"},
    "term-redefined-in-nested-and-scoped-contexts": {
        "text": "outer",
        "node": {
            "@context": {"text": "ex:innerText", "Scoped": {"@id": "ex:Scoped", "@context": {}}},
            "id": "ex:inner",
            "text": "inner",
            "ex:nested": {"type": "Scoped", "text": "scoped"},
        },
        "ex:after": {"text": "outer again"},
    },
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_case_gives_pyld_dataset(name: str) -> None:
    assert_same_dataset({"@context": INLINE, **EDGE_CASES[name]})


ALL_DOCUMENTS = [d for _, d in VECTOR_DOCUMENTS] + [
    {"@context": INLINE, **case} for case in EDGE_CASES.values()
]


@pytest.mark.parametrize(
    "document", ALL_DOCUMENTS, ids=[n for n, _ in VECTOR_DOCUMENTS] + sorted(EDGE_CASES)
)
def test_memoized_expansion_equals_plain_pyld_expansion(document: dict[str, Any]) -> None:
    """StrictProcessor memoizes IRI expansion per active context; pyld alone must agree."""
    ours = jsonld.expand(document)
    loader = jsonld.SealedLoader()
    theirs = pyld_jsonld.JsonLdProcessor().expand(dict(document), jsonld._options(loader))
    assert ours == theirs


def test_top_level_array_and_graph_only_document() -> None:
    assert_same_dataset(
        {"@context": INLINE, "@graph": [{"id": "ex:x", "text": "x"}, {"text": "y"}]}
    )


def test_credential_with_embedded_proof_gives_pyld_dataset() -> None:
    signed = json.loads((VECTORS / "interop" / "ob3-spec-example-unsigned.json").read_text())
    signed["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    signed["@context"] = [*signed["@context"], "https://w3id.org/security/data-integrity/v2"]
    assert_same_dataset(signed)


def test_node_met_twice_with_an_index_is_refused() -> None:
    document = {
        "@context": INLINE,
        "byKey": {"k1": {"id": "ex:same", "text": "1"}, "k2": {"id": "ex:same", "text": "2"}},
    }
    with pytest.raises(JsonLdError, match="conflicting @index"):
        jsonld.to_quads(document)
