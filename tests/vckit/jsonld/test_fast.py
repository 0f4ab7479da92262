"""vckit.jsonld.fast: the fast expansion gives the strict expansion exactly, or refuses.

The oracle is :func:`vckit.jsonld.strict.strict_expand` (pyld's walk with the strict checks).
For every document: either the fast path refuses (None), or the strict path succeeds and both
expanded forms have the same JSON text (so ``True`` is not ``1`` and the key order is the
same). A document the strict path refuses must never get an answer from the fast path.
Documents: every JSON-LD object in ``tests/vectors`` and in the shared reference folder (the
W3C and 1EdTech vectors and samples), each with and without its proof, and generated OB 3.0
credentials with random text and random edits (unknown keys, keywords, nulls, inline and
unknown contexts, relative IRIs, nested arrays) at random places.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paths import ROOT, VECTORS
from vckit import ob as openbadges
from vckit.jsonld import expansion as jsonld
from vckit.jsonld.fast import fast_expand
from vckit.jsonld.strict import strict_expand

SHARED_REFERENCE = ROOT.parent / "shared" / "reference"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = openbadges.ob_context()
OB300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
UNDEFINED = "https://www.w3.org/ns/credentials/undefined-terms/v2"


def _fast(document: Any, loader: jsonld.SealedLoader) -> list[dict[str, Any]] | None:
    options = jsonld._options(loader)
    with loader.lock:
        return fast_expand(loader.processor(), document, options, loader.urls(), loader.fast_memo)


def _strict(document: Any, loader: jsonld.SealedLoader) -> list[dict[str, Any]] | Exception:
    with loader.lock:
        try:
            return strict_expand(loader.processor(), document, jsonld._options(loader))
        except Exception as error:  # noqa: BLE001 - any refusal: the fast path must refuse too
            return error


def check_agrees(document: Any, loader: jsonld.SealedLoader | None = None) -> bool:
    """Assert the fast path gives the strict answer or refuses; True if it answered."""
    loader = loader or jsonld.default_loader()
    before = json.dumps(document, sort_keys=True)
    fast = _fast(document, loader)
    assert json.dumps(document, sort_keys=True) == before, "the fast path changed its input"
    if fast is None:
        return False
    strict = _strict(document, loader)
    assert not isinstance(strict, Exception), f"fast answered, strict refused: {strict!r}"
    assert json.dumps(fast) == json.dumps(strict)
    return True


def _objects_with_context(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "@context" in value:
            yield value
        for item in value.values():
            yield from _objects_with_context(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects_with_context(item)


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for root in (VECTORS, SHARED_REFERENCE / "samples", SHARED_REFERENCE / "vectors"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".json", ".jsonld") or "contexts" in path.parts:
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            for n, document in enumerate(_objects_with_context(data)):
                found.append((f"{path.relative_to(root.parent)}#{n}", document))
    return found


CORPUS = _corpus()


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) > 100


@pytest.mark.parametrize("name,document", CORPUS, ids=[name for name, _ in CORPUS])
def test_every_vector_and_sample_expands_alike(name: str, document: dict[str, Any]) -> None:
    check_agrees(document)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    check_agrees(unsecured)
    proof = document.get("proof")
    if isinstance(proof, dict):  # a proof configuration: the proof with the document's context
        check_agrees({**proof, "@context": document["@context"]})


def _inline_context(document: Any) -> bool:
    return any(
        isinstance(item, dict)
        for found in _objects_with_context(document)
        for item in (
            found["@context"] if isinstance(found["@context"], list) else [found["@context"]]
        )
    )


def test_the_fast_path_takes_every_vector_with_only_context_urls() -> None:
    """It must not refuse its own workload (signed proofs with their ``@graph`` container,
    embedded endorsements with their own ``@context``, CLR 2.0), or all this buys nothing."""
    loader = jsonld.default_loader()
    taken = 0
    for name, document in CORPUS:
        if isinstance(_strict(document, loader), Exception) or _inline_context(document):
            continue
        assert check_agrees(document), name
        taken += 1
    assert taken > 150
    for count in (0, 1, 2, 50):
        assert check_agrees(_credential(count, "Nursing")), count
    assert check_agrees({**_credential(1, "Nursing"), "proof": {"type": "DataIntegrityProof"}})


def test_expand_and_to_quads_take_the_fast_path_with_the_same_result() -> None:
    document = _credential(3, "Nursing")
    loader = jsonld.SealedLoader()
    strict = _strict(document, loader)
    assert not loader.fast_memo
    assert json.dumps(jsonld.expand(document, loader)) == json.dumps(strict)
    assert loader.fast_memo, "expand did not go through the fast path"
    fresh = jsonld.SealedLoader()
    assert jsonld.to_quads(document, fresh) == jsonld.to_quads(document, loader)
    assert fresh.fast_memo


@pytest.mark.parametrize(
    "edit",
    [
        {"@context": [V2, OB, {"ex": "https://example.org/"}]},  # an inline context
        {"@context": [V2, "https://example.org/unknown-context"]},
        {"@context": [V2, None, OB]},
        {"@graph": []},
        {"@included": [{"id": "https://example.org/x"}]},
        {"unknownTerm": "x"},
        {"name": None},
        {"name": [["nested"]]},
        {"id": "relative/path"},
        {"id": 5},
        {"type": []},
        {"@type": "Extra"},  # a second key for @type
        {"@id": "https://example.org/again"},  # a second key for @id
        {"https://example.org/p": {"@value": "literal"}},
    ],
)
def test_what_it_does_not_do_goes_to_the_strict_path(edit: dict[str, Any]) -> None:
    document = {**_credential(1, "Nursing"), **edit}
    assert _fast(document, jsonld.default_loader()) is None
    check_agrees(document)


def test_a_reference_only_node_and_an_empty_one_agree() -> None:
    document = _credential(1, "Nursing")
    document["credentialSubject"]["achievement"] = {"id": "https://example.org/a/1"}
    assert check_agrees(document)
    assert _fast({"@context": [V2], "id": "https://example.org/x"}, jsonld.default_loader()) is None
    assert _fast({"@context": [V2]}, jsonld.default_loader()) is None


def _credential(alignments: int, name: str, issuer: str = "did:example:issuer") -> dict[str, Any]:
    aligned = [
        openbadges.alignment(
            f"{name} skill {n}",
            f"https://example.org/frameworks/skills/{n}",
            target_type="ceasn:Competency",
            target_code=f"S-{n:03d}",
            target_framework="Example framework",
        )
        for n in range(alignments)
    ]
    achievement = openbadges.achievement(
        "https://college.example/achievements/1",
        name,
        f"About {name}.",
        "Completed.",
        achievement_type="Course",
        alignments=aligned,
    )
    return openbadges.achievement_credential(
        "urn:uuid:0b7f2c9e-5d0e-4a47-8f4b-2f3c7f9a1e10",
        openbadges.profile(issuer, f"{name} College", url="https://college.example"),
        achievement,
        valid_from=datetime(2025, 9, 1, tzinfo=UTC),
        subject_id="did:example:learner",
        name=name,
    )


# -- generated credentials, edited at random ---------------------------------------------------

_KEYS = [
    "id", "@id", "type", "@type", "name", "description", "achievement", "alignment",
    "credentialSubject", "evidence", "issuer", "validFrom", "image", "targetUrl", "targetType",
    "unknownTerm", "ex:term", "https://example.org/prop", "_:b0", "", "@value", "@graph",
    "@nest", "@included", "@reverse", "@list", "@set", "@index", "@language", "@json",
    "@context", "@vocab", "jwk", "proof", "verifiableCredential", "relatedResource", "digestSRI",
    "termsOfUse", "credentialStatus", "endorsement", "result", "resultDescription", "narrative",
]  # fmt: skip
_STRINGS = [
    "https://example.org/a", "urn:uuid:1", "did:example:1", "_:b1", "relative", "", "x y",
    "schema:name", "ceasn:Competency", "Achievement", "Profile", "AchievementSubject",
    "OpenBadgeCredential", "VerifiableCredential", "EndorsementCredential", "Image", "Alignment",
    "2025-09-01T00:00:00Z", "@id", "@json", "ex:thing", "é\u0000\u2028",
]  # fmt: skip
_CONTEXTS: list[Any] = [
    [V2, OB, EXTENSIONS], [V2, OB300, EXTENSIONS], [V2, OB], [V2], [V1, OB300],
    [V2, OB, UNDEFINED], V2, [OB, V2], [V2, V2],
    [V2, "https://example.org/unknown"], [V2, {"ex": "https://example.org/"}], None, [],
    [V2, EXTENSIONS, OB], {"@version": 1.1},
]  # fmt: skip

_scalars = st.one_of(
    st.sampled_from(_STRINGS),
    st.text(max_size=8),
    st.integers(-3, 3),
    st.sampled_from([0.5, -0.0, 1e21, True, False, None]),
)
_values = st.recursive(
    st.one_of(_scalars, st.sampled_from(_CONTEXTS)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3),
    ),
    max_leaves=6,
)
_edit = st.tuples(
    st.sampled_from(["set", "delete", "context"]),
    st.integers(0, 10_000),
    st.sampled_from(_KEYS),
    _values,
)


def _nodes(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(_nodes(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_nodes(item))
    return found


def _apply(document: dict[str, Any], edit: tuple[str, int, str, Any]) -> None:
    action, where, key, value = edit
    nodes = _nodes(document)
    node = nodes[where % len(nodes)]
    if action == "delete" and node:
        del node[sorted(node)[where % len(node)]]
    elif action == "context":
        node["@context"] = copy.deepcopy(_CONTEXTS[where % len(_CONTEXTS)])
    else:
        node[key] = copy.deepcopy(value)


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    alignments=st.integers(0, 4),
    name=st.text(min_size=1, max_size=12),
    issuer=st.sampled_from(["did:example:issuer", "https://college.example/issuer", "rel"]),
    context=st.sampled_from(_CONTEXTS[:9]),
    edits=st.lists(_edit, max_size=3),
)
def test_generated_credentials_expand_alike(
    alignments: int,
    name: str,
    issuer: str,
    context: Any,
    edits: list[tuple[str, int, str, Any]],
) -> None:
    document = _credential(alignments, name, issuer)
    document["@context"] = copy.deepcopy(context)
    for edit in edits:
        _apply(document, edit)
    check_agrees(document)


def test_a_loader_with_extra_contexts_is_kept_apart(tmp_path: Path) -> None:
    extra_url = "https://example.org/extra-context"
    loader = jsonld.SealedLoader({extra_url: {"@context": {"extra": "https://example.org/e#"}}})
    document = {**_credential(1, "Nursing"), "extra": "value"}
    document["@context"] = [*document["@context"], extra_url]
    assert check_agrees(document, loader)
    assert _fast(document, jsonld.default_loader()) is None  # unknown there: strict says so
    check_agrees(document)


_SCOPED_URL = "https://example.org/scoped-context"
_SCOPED = {
    "@context": {
        "@version": 1.1,
        "id": "@id",
        "type": "@type",
        "ex": "https://example.org/top#",
        "name": {"@id": "https://example.org/name", "@language": "en", "@direction": "ltr"},
        "T": {
            "@id": "https://example.org/T",
            "@context": {
                "ex": "https://example.org/scoped#",
                "link": {"@id": "https://example.org/link"},
                "inner": {"@id": "https://example.org/inner", "@context": {"deep": "ex:deep"}},
            },
        },
        "P": {
            "@id": "https://example.org/P",
            "@context": {"@propagate": True, "kept": "https://example.org/kept"},
        },
        "ref": {"@id": "https://example.org/ref", "@type": "@id"},
        "word": {"@id": "https://example.org/word", "@type": "@vocab"},
        "items": {"@id": "https://example.org/items", "@container": "@list"},
        "claims": {"@id": "https://example.org/claims", "@container": "@graph"},
        "count": {"@id": "https://example.org/count", "@type": "ex:int"},
        "raw": {"@id": "https://example.org/raw", "@type": "@json"},
        "back": {"@reverse": "https://example.org/forward"},
        "nested": "@nest",
        "byLanguage": {"@id": "https://example.org/l", "@container": "@language"},
        "self": {"@id": "https://example.org/self", "@context": {"self": "@id"}},
        "link": {"@id": "https://example.org/link"},
        "kept": {"@id": "https://example.org/kept"},
        "inner": {"@id": "https://example.org/inner"},
        "deep": {"@id": "https://example.org/deep"},
        "value": "https://example.org/value",
    }
}
_SCOPED_DOCUMENTS: list[tuple[bool, dict[str, Any]]] = [
    # (the fast path takes it, the document)
    (True, {"type": "T", "link": {"id": "ex:1"}}),  # a reference keeps the type's scope
    (True, {"type": "T", "link": {"id": "ex:1", "value": "v"}}),  # a node loses it
    (True, {"type": "T", "link": [{"id": "ex:2"}, {"type": "T", "link": {"id": "ex:3"}}]}),
    (True, {"type": "T", "inner": {"deep": "x", "id": "ex:4"}}),
    (True, {"type": "P", "link": {"kept": {"kept": 1}}}),
    (True, {"type": ["T", "P"], "link": {"kept": True}, "name": "x"}),
    (True, {"ref": "https://example.org/r", "word": "T", "count": 5, "name": ["a", "b"]}),
    (True, {"items": ["a", {"value": 1.5}, 2], "claims": [{"value": "c"}, {"id": "ex:g"}]}),
    (True, {"items": [], "claims": [], "value": [], "id": "ex:top"}),
    (True, {"@context": _SCOPED_URL, "value": {"@context": [_SCOPED_URL], "type": "T"}}),
    (False, {"raw": {"a": 1}}),
    (False, {"back": {"id": "ex:5"}}),
    (False, {"nested": {"value": "v"}}),
    (False, {"byLanguage": {"en": "x"}}),
    (False, {"self": {"value": "v"}}),
    (False, {"type": "T", "link": {"id": "ex:6", "@value": "v"}}),
    (False, {"value": {"@value": "v"}, "id": "ex:7"}),
]


@pytest.mark.parametrize("takes,document", _SCOPED_DOCUMENTS)
def test_scoped_contexts_containers_and_coercions_agree(
    takes: bool, document: dict[str, Any]
) -> None:
    """The JSON-LD 1.1 features a sealed context may use, on a context made for them:
    type-scoped contexts (not propagated, kept for a reference-only node), property-scoped
    ones, ``@id``/``@vocab``/datatype coercion, default language and direction, ``@list``
    and ``@graph`` containers; and what the fast path leaves to the strict one."""
    loader = jsonld.SealedLoader({_SCOPED_URL: _SCOPED})
    document = {"@context": [_SCOPED_URL], **document}
    assert check_agrees(document, loader) is takes


def test_what_the_fast_path_keeps_is_bounded() -> None:
    """A document chooses its keys: each new one is kept per active context, but no table
    grows past its bound, and the loader's memo neither."""
    from vckit.jsonld.fast import _Plans

    loader = jsonld.SealedLoader()
    for batch in range(4):
        document = _credential(1, "Nursing")
        document["credentialSubject"].update(
            {f"https://example.org/p/{batch}/{n}": n for n in range(300)}
        )
        assert check_agrees(document, loader)
    plans = [entry[1] for entry in loader.fast_memo.values() if isinstance(entry[1], _Plans)]
    assert plans
    for table in plans:
        for kept in (table.vocab, table.types, table.keys, table.literals):
            assert len(kept) <= _Plans.MAX_KEYS
    assert len(loader.fast_memo) <= 1024
