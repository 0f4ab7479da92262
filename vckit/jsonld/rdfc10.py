"""RDF Dataset Canonicalization (RDFC-1.0), bounded, with exact canonical N-Quads.

Spec: https://www.w3.org/TR/rdf-canon/ (W3C Recommendation, 21 May 2024).

Why not pyld's ``URDNA2015`` or pyoxigraph's ``Dataset.canonicalize``:

- pyld escapes only ``\\t \\n \\r \\" \\\\`` in literals; canonical N-Quads (§ 4.3 / Appendix A,
  "Canonical N-Quads") also wants ``\\b``, ``\\f`` and ``\\u00XX`` for the other control
  characters, so text holding them hashes differently from Digital Bazaar's ``rdf-canonize``;
- pyoxigraph escapes exactly but lowercases language tags when parsing (``rdf-canonize`` keeps
  ``en-US``), which changes the output and the blank-node labels;
- neither has a bound on work: the suite's negative test ``test074`` (a 10-node blank-node
  clique) runs for minutes. § 4.4.3 says implementations MUST defend against such input;
  here every call to Hash N-Degree Quads and every permutation tried is charged to a budget
  (:data:`DEFAULT_MAX_WORK`), and :class:`~vckit.errors.CanonicalizationLimitError` is raised
  when it runs out.

A quad is a tuple ``(subject, predicate, object, graph)`` of terms already written in
canonical N-Quads form (``<iri>``, ``_:id``, ``"lex"^^<dt>``, ``"lex"@lang``; graph ``""`` for
the default graph). Only subject, object and graph can be blank nodes (``_:`` prefix).

The hash algorithm is SHA-256 unless SHA-384 is asked for (§ 4.2); vc-di-ecdsa's
``ecdsa-rdfc-2019`` with P-384 canonicalizes with SHA-384 (its W3C employment vector only
reproduces that way).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from vckit.errors import CanonicalizationLimitError, JsonLdError, JsonLdSyntaxError

Quad = tuple[str, str, str, str]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

DEFAULT_MAX_WORK = 10_000
"""Budget of Hash N-Degree Quads calls plus permutations tried for one dataset.

The heaviest legitimate cases of the W3C suite (``test044``-``test046``, "poison - evil")
need 468 calls and 2,880 permutations (3,348); the negative test ``test074`` is refused after
about 20 ms."""

_ECHAR = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_UCHAR = [*range(0x00, 0x08), 0x0B, *range(0x0E, 0x20), 0x7F]
_LITERAL_ESCAPES: dict[int, str] = {**_ECHAR, **{c: f"\\u{c:04X}" for c in _UCHAR}}
_NEEDS_ESCAPE = re.compile("[" + "".join(re.escape(chr(c)) for c in _LITERAL_ESCAPES) + "]")
"""Any character :data:`_LITERAL_ESCAPES` rewrites."""


def escape_literal(lexical: str) -> str:
    """Escape a literal's lexical form as canonical N-Quads requires (RDFC-1.0 Appendix A).

    BS, HT, LF, FF, CR, ``"`` and ``\\`` use ECHAR; U+0000-U+0007, VT, U+000E-U+001F and DEL
    use ``\\u`` with uppercase hex. Deliberate deviation: the spec also asks UCHAR for U+FFFE
    and U+FFFF (not XML 1.1 ``Char``); Digital Bazaar's ``rdf-canonize`` 5.0.0 writes them
    unescaped, and so do we, so that signatures verify across the two
    (``tests/vectors/jsonld-escaping``).
    """
    if _NEEDS_ESCAPE.search(lexical) is None:  # most literals: a scan, not a translation
        return lexical
    return lexical.translate(_LITERAL_ESCAPES)


def literal_term(lexical: str, datatype: str | None = None, language: str | None = None) -> str:
    """Write a literal; ``xsd:string`` is implicit, a language implies ``rdf:langString``."""
    quoted = '"' + escape_literal(lexical) + '"'
    if language:
        return quoted + "@" + language
    if datatype is None or datatype == XSD_STRING:
        return quoted
    return quoted + "^^<" + datatype + ">"


def serialize_quad(quad: Quad) -> str:
    """One line of canonical N-Quads, ending in LF."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


HashName = Literal["sha256", "sha384"]
"""The hash algorithm of RDFC-1.0 (§ 4.2: SHA-256 by default; SHA-384 may be chosen)."""


def _check_encodable(term: str) -> None:
    """Refuse lone UTF-16 surrogates (JSON allows ``"\\ud800"``; UTF-8 and N-Quads do not)."""
    if not term.isascii():
        try:
            term.encode("utf-8")
        except UnicodeEncodeError:
            raise JsonLdSyntaxError(
                f"a literal holds a lone UTF-16 surrogate, which has no UTF-8 form: {term[:60]!r}"
            ) from None


def _check_dataset_encodable(quads: list[Quad]) -> None:
    """:func:`_check_encodable` for every term: the whole dataset's text is checked at once
    (Python strings never pair two surrogates, so a lone one stays one when terms are joined
    and fails the joined text exactly when it fails its own term); only a failure goes term
    by term, to name the term."""
    text = "".join([term for quad in quads for term in quad])
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        for quad in quads:
            for term in quad:
                _check_encodable(term)
        raise  # unreachable: some term failed above


class _IdentifierIssuer:
    """§ 4.5 Issue Identifier: a prefix, a counter and the issued map (ordered)."""

    __slots__ = ("prefix", "issued")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = dict(issued) if issued else {}

    def issue(self, identifier: str) -> str:
        found = self.issued.get(identifier)
        if found is None:
            found = f"{self.prefix}{len(self.issued)}"
            self.issued[identifier] = found
        return found

    def copy(self) -> _IdentifierIssuer:
        return _IdentifierIssuer(self.prefix, self.issued)


class Canonicalizer:
    """The canonicalization state (§ 4.2) for one dataset, with a work budget."""

    def __init__(
        self,
        quads: Iterable[Quad],
        max_work: int = DEFAULT_MAX_WORK,
        hash_name: HashName = "sha256",
    ) -> None:
        self._hash = getattr(hashlib, hash_name)
        self.quads: list[Quad] = list(dict.fromkeys(quads))  # a dataset is a set of quads
        _check_dataset_encodable(self.quads)
        self.blank_node_to_quads: dict[str, list[Quad]] = {}
        self.first_degree_hashes: dict[str, str] = {}
        self.canonical_issuer = _IdentifierIssuer("c14n")
        self.work_left = max_work

    def _digest(self, text: str) -> str:
        return str(self._hash(text.encode("utf-8")).hexdigest())

    def _charge(self) -> None:
        self.work_left -= 1
        if self.work_left < 0:
            raise CanonicalizationLimitError(
                "RDFC-1.0 work bound exceeded: too many blank-node hash steps for this dataset "
                "(a 'poison graph', RDFC-1.0 § 4.4.3 and § 8.3)"
            )

    def canonicalize(self) -> list[str]:
        """§ 4.4.3 Canonicalization Algorithm; returns the sorted canonical N-Quads lines."""
        # Step 2: the blank node to quads map; the quads without a blank node are set apart,
        # their canonical lines are their own.
        ground: list[Quad] = []
        blanked: list[Quad] = []
        for quad in self.quads:
            has_blank = False
            for term in (quad[0], quad[2], quad[3]):
                if term.startswith("_:"):
                    has_blank = True
                    bucket = self.blank_node_to_quads.setdefault(term[2:], [])
                    if not bucket or bucket[-1] is not quad:
                        bucket.append(quad)
            (blanked if has_blank else ground).append(quad)
        # Step 3: first-degree hashes.
        hash_to_blank_nodes: dict[str, list[str]] = {}
        for node in self.blank_node_to_quads:
            hash_to_blank_nodes.setdefault(self.hash_first_degree_quads(node), []).append(node)
        # Step 4: unique hashes get canonical identifiers, in hash order.
        for hash_, nodes in sorted(hash_to_blank_nodes.items()):
            if len(nodes) == 1:
                self.canonical_issuer.issue(nodes[0])
                del hash_to_blank_nodes[hash_]
        # Step 5: shared hashes are told apart by Hash N-Degree Quads.
        for _hash, nodes in sorted(hash_to_blank_nodes.items()):
            hash_path_list: list[tuple[str, _IdentifierIssuer]] = []
            for node in nodes:
                if node in self.canonical_issuer.issued:
                    continue
                temporary_issuer = _IdentifierIssuer("b")
                temporary_issuer.issue(node)
                hash_path_list.append(self.hash_n_degree_quads(node, temporary_issuer))
            for _result_hash, issuer in sorted(hash_path_list, key=lambda result: result[0]):
                for existing in issuer.issued:
                    self.canonical_issuer.issue(existing)
        # Step 6: relabel and serialize.
        lines = {serialize_quad(quad) for quad in ground}
        lines.update(serialize_quad(self._relabel(quad)) for quad in blanked)
        return sorted(lines)

    def _relabel(self, quad: Quad) -> Quad:
        issued = self.canonical_issuer.issued
        s, p, o, g = quad
        if s.startswith("_:"):
            s = "_:" + issued[s[2:]]
        if o.startswith("_:"):
            o = "_:" + issued[o[2:]]
        if g.startswith("_:"):
            g = "_:" + issued[g[2:]]
        return (s, p, o, g)

    def hash_first_degree_quads(self, node: str) -> str:
        """§ 4.6.3 Hash First Degree Quads: ``_:a`` for the node itself, ``_:z`` for others."""
        cached = self.first_degree_hashes.get(node)
        if cached is not None:
            return cached
        reference = "_:" + node
        lines = []
        for quad in self.blank_node_to_quads[node]:
            s, p, o, g = quad
            if s.startswith("_:"):
                s = "_:a" if s == reference else "_:z"
            if o.startswith("_:"):
                o = "_:a" if o == reference else "_:z"
            if g.startswith("_:"):
                g = "_:a" if g == reference else "_:z"
            lines.append(serialize_quad((s, p, o, g)))
        lines.sort()
        result = self._digest("".join(lines))
        self.first_degree_hashes[node] = result
        return result

    def hash_related_blank_node(
        self, related: str, quad: Quad, issuer: _IdentifierIssuer, position: str
    ) -> str:
        """§ 4.7.3 Hash Related Blank Node."""
        identifier = self.canonical_issuer.issued.get(related) or issuer.issued.get(related)
        if identifier is not None:
            identifier = "_:" + identifier
        else:
            identifier = self.hash_first_degree_quads(related)
        predicate = quad[1] if position != "g" else ""
        return self._digest(position + predicate + identifier)

    def hash_n_degree_quads(
        self, node: str, issuer: _IdentifierIssuer
    ) -> tuple[str, _IdentifierIssuer]:
        """§ 4.8.3 Hash N-Degree Quads, charging each call and each permutation to the budget."""
        self._charge()
        # Steps 1-3: hash to related blank nodes map.
        hash_to_related: dict[str, list[str]] = {}
        reference = "_:" + node
        for quad in self.blank_node_to_quads[node]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term.startswith("_:") and term != reference:
                    related = term[2:]
                    hash_ = self.hash_related_blank_node(related, quad, issuer, position)
                    hash_to_related.setdefault(hash_, []).append(related)
        # Steps 4-5.
        data_to_hash: list[str] = []
        for related_hash, blank_nodes in sorted(hash_to_related.items()):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: _IdentifierIssuer | None = None
            for permutation in itertools.permutations(blank_nodes):
                self._charge()
                path, issuer_copy = self._permutation_path(permutation, issuer, chosen_path)
                if path is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, issuer_copy
            data_to_hash.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self._digest("".join(data_to_hash)), issuer

    def _permutation_path(
        self, permutation: Sequence[str], issuer: _IdentifierIssuer, chosen_path: str
    ) -> tuple[str | None, _IdentifierIssuer]:
        """§ 4.8.3 steps 5.4.1-5.4.5: the path of one permutation, or None once it loses."""
        issuer_copy = issuer.copy()
        path = ""
        recursion_list: list[str] = []
        for related in permutation:
            canonical = self.canonical_issuer.issued.get(related)
            if canonical is not None:
                path += "_:" + canonical
            else:
                if related not in issuer_copy.issued:
                    recursion_list.append(related)
                path += "_:" + issuer_copy.issue(related)
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        for related in recursion_list:
            result_hash, issuer_copy = self.hash_n_degree_quads(related, issuer_copy)
            path += "_:" + issuer_copy.issue(related) + "<" + result_hash + ">"
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        return path, issuer_copy


_IRI = r'<((?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>'
_BLANK = r"_:([^\s<>\".]+(?:\.+[^\s<>\".]+)*)"
_LITERAL = (
    r'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)"'
    r"(?:\^\^" + _IRI + r"|@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*))?"
)
_WS = r"[ \t]*"
_STATEMENT = re.compile(
    rf"{_WS}(?:{_IRI}|{_BLANK}){_WS}{_IRI}{_WS}(?:{_IRI}|{_BLANK}|{_LITERAL})"
    rf"{_WS}(?:{_IRI}|{_BLANK})?{_WS}\.{_WS}(?:#.*)?"
)
_BLANK_LINE = re.compile(rf"{_WS}(?:#.*)?")
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR_VALUES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ECHAR_VALUES[match.group(3)]

    return _UNESCAPE.sub(replace, text) if "\\" in text else text


def parse_nquads(text: str) -> list[Quad]:
    """Read an N-Quads document (RDF 1.1 N-Quads § 2 grammar) into quads.

    Terms are kept as written apart from escapes (language tags keep their case, as
    ``rdf-canonize`` keeps them); a line that is not a statement is a JsonLdError.
    """
    quads: list[Quad] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        match = _STATEMENT.fullmatch(line)
        if match is None:
            if _BLANK_LINE.fullmatch(line):
                continue
            raise JsonLdError(f"malformed N-Quads at line {number}: {line[:80]!r}")
        s_iri, s_blank, p_iri, o_iri, o_blank, o_lex, o_dt, o_lang, g_iri, g_blank = match.groups()
        subject = f"<{_unescape(s_iri)}>" if s_iri is not None else f"_:{s_blank}"
        if o_iri is not None:
            object_ = f"<{_unescape(o_iri)}>"
        elif o_blank is not None:
            object_ = f"_:{o_blank}"
        else:
            datatype = _unescape(o_dt) if o_dt is not None else None
            object_ = literal_term(_unescape(o_lex), datatype, o_lang)
        if g_iri is not None:
            graph = f"<{_unescape(g_iri)}>"
        else:
            graph = f"_:{g_blank}" if g_blank is not None else ""
        quads.append((subject, f"<{_unescape(p_iri)}>", object_, graph))
    return quads


def canonical_lines(
    quads: Iterable[Quad], *, max_work: int = DEFAULT_MAX_WORK, hash_name: HashName = "sha256"
) -> list[str]:
    """RDFC-1.0 over ``quads``: the sorted canonical N-Quads lines (each ending in LF)."""
    return Canonicalizer(quads, max_work, hash_name).canonicalize()


def canonical_lines_and_map(
    quads: Iterable[Quad], *, max_work: int = DEFAULT_MAX_WORK, hash_name: HashName = "sha256"
) -> tuple[list[str], dict[str, str]]:
    """RDFC-1.0 over ``quads``, with the issued identifiers map (§ 4.4.3 step 6).

    The map takes each input blank node identifier (without ``_:``) to its canonical one
    (``c14n0``, ...), in issue order: vc-di-ecdsa § 3.4 calls it the canonical bnode
    identifier map.
    """
    canonicalizer = Canonicalizer(quads, max_work, hash_name)
    lines = canonicalizer.canonicalize()
    return lines, dict(canonicalizer.canonical_issuer.issued)
