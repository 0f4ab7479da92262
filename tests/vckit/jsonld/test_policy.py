"""What an issuer signs and a verifier accepts of a document's own contexts and size."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from tests import scenarios as s
from vckit.errors import GraphTooLargeError, ProtectedTermError, UnsafeContextError
from vckit.jsonld import policy
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.jsonld.policy import MAX_OBJECTS, check_signable

UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"


def unsigned(**members: Any) -> dict[str, Any]:
    return s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER), **members)


def test_a_plain_ob3_credential_is_signable() -> None:
    check_signable(unsigned())


def test_the_published_undefined_terms_context_stays_allowed() -> None:
    credential = unsigned()
    credential["@context"] = [*credential["@context"], UNDEFINED_TERMS]
    check_signable(credential)


@pytest.mark.parametrize("keyword", ["@vocab", "@base"])
def test_an_inline_vocab_or_base_is_refused_naming_it(keyword: str) -> None:
    credential = unsigned()
    credential["@context"] = [*credential["@context"], {keyword: "https://example.org/v#"}]
    with pytest.raises(UnsafeContextError, match=f"/@context/3 sets {keyword}"):
        check_signable(credential)


def test_a_vocab_in_a_nested_or_scoped_context_is_refused() -> None:
    credential = unsigned()
    credential["credentialSubject"]["@context"] = {
        "Thing": {"@id": "https://example.org/Thing", "@context": {"@vocab": "https://x.org/#"}}
    }
    with pytest.raises(UnsafeContextError, match="/credentialSubject/@context/Thing/@context"):
        check_signable(credential)


def test_a_protected_term_redefined_is_refused() -> None:
    credential = unsigned()
    credential["@context"] = [
        *credential["@context"],
        {"credentialSubject": {"@id": "https://example.org/x"}},
    ]
    with pytest.raises(ProtectedTermError, match="'credentialSubject'"):
        check_signable(credential)


def test_an_at_graph_is_refused() -> None:
    credential = unsigned()
    credential["credentialSubject"]["@graph"] = [
        {"@id": f"urn:x:{i}", "https://example.org/p": i} for i in range(3000)
    ]
    with pytest.raises(GraphTooLargeError, match="@graph"):
        check_signable(credential)


def test_too_many_objects_are_refused() -> None:
    credential = unsigned()
    credential["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": str(i), "targetUrl": f"https://x.org/{i}"}
        for i in range(MAX_OBJECTS)
    ]
    with pytest.raises(GraphTooLargeError, match=f"more than {MAX_OBJECTS}"):
        check_signable(credential)


def test_vc_v2_context_alone_is_signable() -> None:
    check_signable(
        {
            "@context": [VC_V2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:1",
            "credentialSubject": {"id": "did:example:2"},
        }
    )


@pytest.mark.parametrize(
    ("place", "pointer"),
    [
        (
            lambda c, x: c["credentialSubject"].update(extra=[1, "two", {"@context": x}]),
            "/credentialSubject/extra/2/@context",
        ),
        (lambda c, x: c.update({"a/b~c": {"@context": [VC_V2_CONTEXT, x]}}), "/a~1b~0c/@context/1"),
    ],
    ids=["in-a-list", "escaped-key"],
)
def test_a_nested_inline_vocab_is_named_by_its_pointer(place: Any, pointer: str) -> None:
    """The walk that finds nested contexts writes a pointer only for what it reports."""
    credential = unsigned()
    place(credential, {"@vocab": "https://example.org/#"})
    with pytest.raises(UnsafeContextError, match=f"the @context at {pointer} sets @vocab"):
        check_signable(credential)


def test_the_shortcut_finds_the_contexts_the_whole_walk_finds() -> None:
    """``_contexts`` skips the pointer-keeping walk when only the top object has a context;
    it must find exactly what that walk finds, in the same order, on every vector."""
    from collections import OrderedDict

    from tests.vckit.jsonld.test_fast import CORPUS
    from vckit.jsonld.policy import _contexts, _contexts_iteratively

    nested = unsigned()
    nested["credentialSubject"]["@context"] = [VC_V2_CONTEXT]
    scoped = unsigned()
    scoped["@context"] = [*scoped["@context"], {"T": {"@id": "https://x.org/T", "@context": {}}}]
    mapping = OrderedDict(unsigned())
    mapping["evidence"] = [OrderedDict({"@context": VC_V2_CONTEXT})]
    documents = [document for _name, document in CORPUS] + [nested, scoped, mapping, {}]
    for document in documents:
        assert list(_contexts(document)) == list(_contexts_iteratively(document))
    assert len(list(_contexts(nested))) == 2
    assert len(list(_contexts(scoped))) == 2
    assert [path for path, _ in _contexts(mapping)] == ["/@context", "/evidence/0/@context"]


def test_the_bounds_shortcut_agrees_with_the_general_walk() -> None:
    """``_within_bounds`` answers plain JSON by exact types; the same verdict as the walk
    over any Mapping, at the limit, with an ``@graph`` anywhere, and for other containers."""
    from collections import OrderedDict

    from tests.vckit.jsonld.test_fast import CORPUS
    from vckit.jsonld.policy import _plain_within_bounds, _within_bounds

    def general(document: Any, max_objects: int) -> bool:
        as_mapping = OrderedDict(document)  # not a dict: the general walk
        return _within_bounds(as_mapping, max_objects)

    graph = unsigned()
    graph["credentialSubject"]["achievement"]["alignment"] = [{"@graph": []}]
    wide = {"items": [{"n": n} for n in range(20)]}
    for document in [d for _name, d in CORPUS] + [graph, wide, unsigned(), {}]:
        for limit in (1, 5, 21, 22, MAX_OBJECTS):
            assert _within_bounds(document, limit) == general(document, limit)
    assert _plain_within_bounds(wide, 21) is True
    assert _plain_within_bounds(wide, 20) is False
    assert _plain_within_bounds(graph, MAX_OBJECTS) is False
    assert _plain_within_bounds({"x": (1, 2)}, MAX_OBJECTS) is None


def _deep(levels: int, inner: dict[str, Any]) -> dict[str, Any]:
    node = inner
    for _ in range(levels):
        node = {"a": [node]}
    return node


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            {"@context": ["x"], "s": {"@context": {"t": "u"}, "l": [1, {"@context": "v"}]}},
            id="nested",
        ),
        pytest.param(_deep(120, {"@context": {"@vocab": "https://e.org/#"}}), id="past-recursion"),
        pytest.param(
            {"@context": ["x"], "m": MappingProxyType({"@context": {"@base": "b"}})},
            id="not-a-dict-inside",
        ),
        pytest.param(
            MappingProxyType({"@context": ["x"], "k": {"@context": "y"}}), id="not-a-dict"
        ),
    ],
)
def test_every_context_is_found_with_its_pointer_in_walk_order(document: Any) -> None:
    """The recursive walk over plain JSON finds what the iterative one does, in its order;
    a deeper or non-dict document goes to the iterative walk (contexts are never missed)."""
    found = list(policy._contexts(document))
    assert found == list(policy._contexts_iteratively(document))
    assert found and all(pointer.endswith("/@context") for pointer, _ in found)
    if any(isinstance(context, dict) and "@vocab" in context for _, context in found):
        with pytest.raises(UnsafeContextError, match="/a/0/a/0/"):
            policy.check_inline_contexts(document)
