"""RDFC-1.0 against the W3C rdf-canon test suite (tests/vectors/rdfc10), and its work bound."""

from __future__ import annotations

import csv

import pytest

from tests.paths import VECTORS
from vckit.errors import CanonicalizationLimitError, JsonLdError
from vckit.jsonld import rdfc10
from vckit.jsonld.expansion import canonicalize_nquads

SUITE = VECTORS / "rdfc10"
CASES = list(csv.DictReader((SUITE / "cases.csv").read_text(encoding="utf-8").splitlines()))
POSITIVE = [case for case in CASES if case["kind"].startswith("positive")]


def read(name: str) -> str:
    return (SUITE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "case", POSITIVE, ids=[f"{case['test']}-{case['name']}" for case in POSITIVE]
)
def test_w3c_suite_evaluation(case: dict[str, str]) -> None:
    hash_name = "sha384" if case["kind"] == "positive-sha384" else "sha256"
    result = canonicalize_nquads(read(f"{case['test']}-in.nq"), hash_name=hash_name)
    assert result == read(f"{case['test']}-rdfc10.nq")


def test_poison_clique_graph_is_refused() -> None:
    """test074 (negative): a 10-node blank-node clique must be refused, not computed."""
    with pytest.raises(CanonicalizationLimitError) as raised:
        canonicalize_nquads(read("test074-in.nq"))
    assert raised.value.code == "canonicalization-limit"


@pytest.mark.parametrize("test", ["test044", "test045", "test046"])
def test_heaviest_legitimate_cases_fit_the_default_budget(test: str) -> None:
    """The 'poison - evil' cases must be computed; this pins how much of the budget they use."""
    canonicalizer = rdfc10.Canonicalizer(rdfc10.parse_nquads(read(f"{test}-in.nq")))
    canonicalizer.canonicalize()
    used = rdfc10.DEFAULT_MAX_WORK - canonicalizer.work_left
    assert used == 3348  # 468 Hash N-Degree Quads calls + 2,880 permutations
    assert used < rdfc10.DEFAULT_MAX_WORK / 2


def test_a_tighter_budget_refuses_what_the_default_allows() -> None:
    with pytest.raises(CanonicalizationLimitError):
        canonicalize_nquads(read("test044-in.nq"), max_work=3347)


def test_hash_algorithm_changes_blank_node_labels() -> None:
    """test075 is test020 hashed with SHA-384: same input, different labelling than SHA-256."""
    assert read("test075-in.nq") == read("test020-in.nq")
    sha256 = canonicalize_nquads(read("test075-in.nq"))
    assert sha256 == read("test020-rdfc10.nq")
    assert sha256 != read("test075-rdfc10.nq")


@pytest.mark.parametrize(
    ("character", "escaped"),
    [
        ("\b", "\\b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\f", "\\f"),
        ("\r", "\\r"),
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\x00", "\\u0000"),
        ("\x0b", "\\u000B"),
        ("\x1f", "\\u001F"),
        ("\x7f", "\\u007F"),
        ("\u2028", "\u2028"),
        ("\ufffe", "\ufffe"),
        ("é", "é"),
    ],
    ids=lambda value: f"U+{ord(value[0]):04X}" if len(value) == 1 else None,
)
def test_canonical_literal_escaping(character: str, escaped: str) -> None:
    assert rdfc10.escape_literal(f"a{character}b") == f"a{escaped}b"


@pytest.mark.parametrize(
    "line",
    [
        "<http://a> <http://b> .",
        '<http://a> "literal" <http://c> .',
        "<http://a> <http://b> <http://c>",
        '<http://a> <http://b> "unterminated .',
        "<http://a b> <http://b> <http://c> .",
    ],
    ids=[
        "missing-object",
        "literal-predicate",
        "missing-dot",
        "unterminated-literal",
        "space-in-iri",
    ],
)
def test_malformed_nquads_are_refused(line: str) -> None:
    with pytest.raises(JsonLdError, match="malformed N-Quads at line 1"):
        canonicalize_nquads(line + "\n")


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(JsonLdError, match="surrogate"):
        canonicalize_nquads('_:a <http://example.com/p> "x\\uD800" .\n')


def test_surrogates_split_across_terms_are_still_refused() -> None:
    """The dataset is checked as one joined text: a high surrogate ending one term and a low
    one starting the next stay two lone surrogates (refused, the term named); valid
    non-ASCII text passes."""
    quads = [
        ("_:a", "<http://example.com/p>", '"x\ud800"', ""),
        ("_:a", "<http://example.com/q>", '"\udc00y"', ""),
    ]
    with pytest.raises(JsonLdError, match="surrogate.*x"):
        rdfc10.canonical_lines(quads)
    fine = [("_:a", "<http://example.com/p>", '"Zo\u00eb \U0001f393"', "")]
    expected = '_:c14n0 <http://example.com/p> "Zo\u00eb \U0001f393" .\n'
    assert rdfc10.canonical_lines(fine) == [expected]


def test_duplicate_quads_are_one_quad() -> None:
    line = '_:a <http://example.com/p> "x" .\n'
    assert canonicalize_nquads(line + line) == '_:c14n0 <http://example.com/p> "x" .\n'


def test_escaping_skips_only_literals_with_nothing_to_escape() -> None:
    """A literal with no character to escape is returned as it is (a search, not a
    translation); every other one is translated: both agree with the escape table for every
    character of the Basic Latin, Latin-1 and a few further code points, alone or inside text."""
    table = rdfc10._LITERAL_ESCAPES
    for code in [*range(0x300), 0x2028, 0xFFFE, 0xFFFF, 0x1F393]:
        for text in (chr(code), f"grade {chr(code)} C", chr(code) * 3 + '"'):
            assert rdfc10.escape_literal(text) == text.translate(table), hex(code)
