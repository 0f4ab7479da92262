"""W3C Data Integrity ECDSA Cryptosuites v1.0: ``ecdsa-sd-2023`` (selective disclosure).

One function per spec step, named after it:

- § 3.4 Selective Disclosure Functions: :func:`create_hmac_id_label_map_function`,
  :func:`create_label_map_function`, :func:`label_replacement_canonicalize_nquads`,
  :func:`skolemize_compact_jsonld`, :func:`to_deskolemized_nquads`, :func:`select_jsonld`,
  :func:`select_canonical_nquads`, :func:`canonicalize_and_group`;
- § 3.5 ecdsa-sd-2023 Functions: :func:`serialize_sign_data`, :func:`serialize_base_proof_value`,
  :func:`parse_base_proof_value`, :func:`create_disclosure_data`,
  :func:`compress_label_map`, :func:`decompress_label_map`,
  :func:`serialize_derived_proof_value`, :func:`parse_derived_proof_value`,
  :func:`create_verify_data`;
- § 3.6 Algorithms: :func:`base_proof_transformation`, :func:`base_proof_hashing`,
  :func:`base_proof_configuration`, :func:`base_proof_serialization`, :func:`add_derived_proof`,
  :func:`verify_derived_proof`; and the issuer-side :func:`create_base_proof`.

The proof values are CBOR (RFC 8949) behind a three-byte tag header (0xd9 0x5d 0x00 base,
0xd9 0x5d 0x01 derived); :func:`cbor_encode` / :func:`cbor_decode` cover just the types those
values use (unsigned integers, byte strings, text strings, arrays, maps), definite lengths only.
P-256 only (the suite's P-384 variant is not implemented). :func:`verify_proof` checks either
kind of proof (:func:`verify_base_proof` for the holder's copy, :func:`verify_derived_proof`);
``vckit.data_integrity.verify_proof`` hands ecdsa-sd-2023 proofs to it.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyld import jsonld as pyld_jsonld

from vckit import jsonld, multibase, rdfc10
from vckit.errors import (
    InvalidSignatureError,
    KeyFormatError,
    MalformedProofError,
    SdPointerError,
    SdProofValueError,
)
from vckit.keys import KeyPair, PublicKey

CRYPTOSUITE = "ecdsa-sd-2023"
BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_P256_MULTIKEY_PREFIX = b"\x80\x24"
_SKOLEM_PREFIX = "urn:custom-scheme:"

LabelMap = dict[str, str]
LabelMapFactory = Callable[[Mapping[str, str]], LabelMap]
Nquads = list[str]


# --- CBOR (RFC 8949), just the types the proof values use -----------------------------------


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise SdProofValueError("a CBOR integer or length too large for 64 bits")


def cbor_encode(value: Any) -> bytes:
    """RFC 8949 § 4.2.1 preferred (shortest) serialization of int/bytes/str/list/dict."""
    if isinstance(value, bool) or value is None:
        raise SdProofValueError(f"CBOR type not used by ecdsa-sd-2023: {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise SdProofValueError("negative integers are not used by ecdsa-sd-2023")
        return _cbor_head(0, value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(cbor_encode(item) for item in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(
            cbor_encode(key) + cbor_encode(item) for key, item in value.items()
        )
    raise SdProofValueError(f"CBOR type not used by ecdsa-sd-2023: {type(value).__name__}")


def _cbor_item(data: bytes, at: int, depth: int) -> tuple[Any, int]:
    if depth > 8:
        raise SdProofValueError("CBOR nesting deeper than an ecdsa-sd-2023 proof value")
    if at >= len(data):
        raise SdProofValueError("CBOR data ends early")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise SdProofValueError("CBOR data ends early")
        arg = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise SdProofValueError("indefinite-length or reserved CBOR items are not accepted")
    if major == 0:
        return arg, at
    if major in (2, 3):
        if at + arg > len(data):
            raise SdProofValueError("CBOR string runs past the end")
        chunk = data[at : at + arg]
        if major == 2:
            return chunk, at + arg
        try:
            return chunk.decode("utf-8"), at + arg
        except UnicodeDecodeError:
            raise SdProofValueError("CBOR text string is not UTF-8") from None
    if major == 4:
        if arg > len(data):
            raise SdProofValueError("CBOR array longer than its data")
        items = []
        for _ in range(arg):
            item, at = _cbor_item(data, at, depth + 1)
            items.append(item)
        return items, at
    if major == 5:
        if arg > len(data):
            raise SdProofValueError("CBOR map longer than its data")
        mapping: dict[Any, Any] = {}
        for _ in range(arg):
            key, at = _cbor_item(data, at, depth + 1)
            if not isinstance(key, int | str) or key in mapping:
                raise SdProofValueError("CBOR map key that is not a unique integer or text")
            mapping[key], at = _cbor_item(data, at, depth + 1)
        return mapping, at
    raise SdProofValueError(f"CBOR major type {major} is not used by ecdsa-sd-2023")


def cbor_decode(data: bytes) -> Any:
    """Decode one CBOR item that must fill ``data`` exactly."""
    value, end = _cbor_item(data, 0, 0)
    if end != len(data):
        raise SdProofValueError("trailing bytes after the CBOR item")
    return value


# --- § 3.4 Selective Disclosure Functions ---------------------------------------------------


def create_hmac_id_label_map_function(hmac_key: bytes) -> LabelMapFactory:
    """§ 3.4.4 createHmacIdLabelMapFunction: c14n labels to ``u`` + base64url(HMAC-SHA-256)."""

    def factory(canonical_id_map: Mapping[str, str]) -> LabelMap:
        return {
            input_label: "u"
            + multibase.base64url_nopad_encode(
                hmac.new(hmac_key, c14n_label.encode("utf-8"), hashlib.sha256).digest()
            )
            for input_label, c14n_label in canonical_id_map.items()
        }

    return factory


_C14N_LABEL = re.compile(r"c14n(0|[1-9][0-9]*)")


def check_label_map(label_map: Mapping[str, str]) -> None:
    """A derived proof's label map must be one-to-one from ``c14nN`` labels: two blank nodes
    sharing one HMAC label would merge statements the issuer signed apart."""
    bad = [key for key in label_map if not _C14N_LABEL.fullmatch(str(key))]
    if bad:
        raise SdProofValueError(f"label map key {bad[0]!r} is not a c14nN label")
    if len(set(label_map.values())) != len(label_map):
        raise SdProofValueError("the label map gives two blank nodes the same label")


def create_label_map_function(label_map: Mapping[str, str]) -> LabelMapFactory:
    """§ 3.4.2 createLabelMapFunction: the verifier's c14n-label to HMAC-label map (refused
    unless :func:`check_label_map` holds)."""
    check_label_map(label_map)

    def factory(canonical_id_map: Mapping[str, str]) -> LabelMap:
        result: LabelMap = {}
        for input_label, c14n_label in canonical_id_map.items():
            if c14n_label not in label_map:
                raise SdProofValueError(f"the label map has no entry for _:{c14n_label}")
            result[input_label] = label_map[c14n_label]
        return result

    return factory


def _relabel(quad: rdfc10.Quad, label_map: Mapping[str, str]) -> rdfc10.Quad:
    def term(value: str) -> str:
        if not value.startswith("_:"):
            return value
        if value[2:] not in label_map:
            raise SdPointerError(
                f"blank node {value} has no label (RDF lists cannot be selected here)"
            )
        return "_:" + label_map[value[2:]]

    s, p, o, g = quad
    return (term(s), p, term(o), term(g))


def label_replacement_canonicalize_nquads(
    quads: Iterable[rdfc10.Quad], label_map_factory: LabelMapFactory
) -> tuple[LabelMap, Nquads]:
    """§ 3.4.3 labelReplacementCanonicalizeNQuads: canonicalize, relabel, sort.

    Returns the label map (input blank node label to new label) and the sorted N-Quads.
    """
    quads = list(dict.fromkeys(quads))
    _lines, canonical_id_map = rdfc10.canonical_lines_and_map(quads)
    label_map = label_map_factory(canonical_id_map)
    nquads = sorted({rdfc10.serialize_quad(_relabel(quad, label_map)) for quad in quads})
    return label_map, nquads


def label_replacement_canonicalize_jsonld(
    document: Mapping[str, Any], label_map_factory: LabelMapFactory
) -> tuple[LabelMap, Nquads]:
    """§ 3.4.5 labelReplacementCanonicalizeJsonLd: to RDF, then § 3.4.3."""
    return label_replacement_canonicalize_nquads(jsonld.to_quads(document), label_map_factory)


def _skolemize_expanded(node: Any, counter: Iterator[int]) -> Any:
    """§ 3.4.8 skolemizeExpandedJsonLd: every node object without ``@id`` gets a URN."""
    if isinstance(node, list):
        return [_skolemize_expanded(item, counter) for item in node]
    if not isinstance(node, dict) or "@value" in node:
        return node
    result = {key: _skolemize_expanded(value, counter) for key, value in node.items()}
    if "@list" not in node and "@set" not in node:
        if "@id" not in result:
            result["@id"] = f"{_SKOLEM_PREFIX}_{next(counter)}"
        elif isinstance(result["@id"], str) and result["@id"].startswith("_:"):
            result["@id"] = _SKOLEM_PREFIX + result["@id"][2:]
    return result


def skolemize_compact_jsonld(
    document: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """§ 3.4.9 skolemizeCompactJsonLd: expand, skolemize, compact with the same context."""
    loader = jsonld.default_loader()
    expanded = jsonld.expand(document, loader)
    skolemized = _skolemize_expanded(expanded, itertools.count())
    options = {
        "documentLoader": loader,
        "contextResolver": loader.context_resolver(),
        "base": None,
        "processingMode": "json-ld-1.1",
    }
    with loader.lock:
        compact = pyld_jsonld.compact(
            copy.deepcopy(skolemized), {"@context": document.get("@context")}, options
        )
    return skolemized, compact


_SKOLEM_IRI = re.compile(r"^<" + re.escape(_SKOLEM_PREFIX) + r"([^>]*)>$")


def _deskolemize_term(term: str) -> str:
    match = _SKOLEM_IRI.match(term)
    return f"_:{match.group(1)}" if match else term


def to_deskolemized_nquads(document: Mapping[str, Any]) -> list[rdfc10.Quad]:
    """§ 3.4.10 toDeskolemizedNQuads: to RDF, skolem URNs back to blank nodes."""
    return [
        (_deskolemize_term(s), p, _deskolemize_term(o), _deskolemize_term(g))
        for s, p, o, g in jsonld.to_quads(document)
    ]


def parse_pointer(pointer: str) -> list[str | int]:
    """§ 3.4.12 parsePointer (RFC 6901): the pointer's reference tokens."""
    if not pointer.startswith("/"):
        raise SdPointerError(f"not a JSON pointer (must start with '/'): {pointer!r}")
    paths: list[str | int] = []
    for token in pointer[1:].split("/"):
        if re.search(r"~[^01]|~$", token):
            raise SdPointerError(f"bad escape in JSON pointer {pointer!r}")
        text = token.replace("~1", "/").replace("~0", "~")
        paths.append(int(text) if re.fullmatch(r"0|[1-9][0-9]*", text) else text)
    return paths


def _initial_selection(source: Any) -> dict[str, Any]:
    """§ 3.4.14 createInitialSelection: ``id`` (unless a blank node) and ``type``."""
    selection: dict[str, Any] = {}
    if isinstance(source, dict):
        if isinstance(source.get("id"), str) and not source["id"].startswith("_:"):
            selection["id"] = source["id"]
        if "type" in source:
            selection["type"] = copy.deepcopy(source["type"])
    return selection


_HOLE = object()


def _child(container: Any, path: str | int, pointer: str) -> Any:
    if isinstance(container, list) and isinstance(path, int) and path < len(container):
        return container[path]
    if isinstance(container, dict) and isinstance(path, str) and path in container:
        return container[path]
    raise SdPointerError(f"JSON pointer {pointer!r} selects nothing in the document")


def _set(container: Any, path: str | int, value: Any) -> None:
    if isinstance(container, list) and isinstance(path, int):
        container.extend([_HOLE] * (path + 1 - len(container)))
        container[path] = value
    else:
        container[path] = value


def _get_selected(container: Any, path: str | int) -> Any:
    if isinstance(container, list) and isinstance(path, int):
        return container[path] if path < len(container) else _HOLE
    return container.get(path, _HOLE)


def select_paths(
    pointer: str, document: Any, selection_document: dict[str, Any], arrays: list[list[Any]]
) -> None:
    """§ 3.4.13 selectPaths: copy what ``pointer`` reaches, with each parent's id/type."""
    paths = parse_pointer(pointer)
    value: Any = document
    selected_value: Any = selection_document
    for index, path in enumerate(paths):
        selected_parent = selected_value
        value = _child(value, path, pointer)
        selected_value = _get_selected(selected_parent, path)
        if index == len(paths) - 1:
            if isinstance(value, dict) and isinstance(selected_value, dict):
                selected_value = {**selected_value, **copy.deepcopy(value)}
            else:
                selected_value = copy.deepcopy(value)
            _set(selected_parent, path, selected_value)
        elif selected_value is _HOLE:
            if isinstance(value, list):
                selected_value = []
                arrays.append(selected_value)
            else:
                selected_value = _initial_selection(value)
            _set(selected_parent, path, selected_value)


def select_jsonld(pointers: Sequence[str], document: Mapping[str, Any]) -> dict[str, Any] | None:
    """§ 3.4.11 selectJsonLd: the part of a compact document the JSON pointers select."""
    if not pointers:
        return None
    arrays: list[list[Any]] = []
    selection_document = _initial_selection(document)
    selection_document["@context"] = copy.deepcopy(document.get("@context"))
    for pointer in pointers:
        select_paths(pointer, document, selection_document, arrays)
    for array in arrays:
        array[:] = [item for item in array if item is not _HOLE]
    return selection_document


_RDF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_FIRST, _RDF_REST, _RDF_NIL = _RDF + "first>", _RDF + "rest>", _RDF + "nil>"
_Objects = dict[tuple[str, str, str], list[str]]


def _objects(quads: Iterable[rdfc10.Quad]) -> _Objects:
    index: _Objects = {}
    for s, p, o, g in quads:
        index.setdefault((s, p, g), []).append(o)
    return index


def _list_items(head: str, graph: str, index: _Objects, depth: int = 0) -> Any:
    """The items of the RDF list at ``head`` (nested lists as tuples); None if not a list."""
    items: list[Any] = []
    node, seen = head, set()
    while node != _RDF_NIL:
        first, rest = index.get((node, _RDF_FIRST, graph)), index.get((node, _RDF_REST, graph))
        if not first or not rest or len(first) != 1 or len(rest) != 1 or node in seen:
            return None
        seen.add(node)
        item = first[0]
        if item.startswith("_:") and depth < 8:
            item = _list_items(item, graph, index, depth + 1) or item
        items.append(item)
        node = rest[0]
    return tuple(items)


def _match_list_nodes(
    selected: Sequence[rdfc10.Quad], full: Sequence[rdfc10.Quad]
) -> dict[str, str]:
    """Selection blank node -> the same node in the whole document, for RDF list nodes.

    Skolemization gives every node object an IRI, but a JSON-LD list (``@list``) has no node
    object: its rdf:first/rdf:rest nodes get fresh blank node labels each time the selection
    and the whole document go to RDF. They are matched here by the (subject, property) that
    holds the list and by the list's items, then node by node down the rdf:rest chain.
    """
    sel_index, full_index = _objects(selected), _objects(full)
    mapping: dict[str, str] = {}

    def pair(sel_node: str, full_node: str, graph: str) -> None:
        while sel_node.startswith("_:") and sel_node not in mapping:
            mapping[sel_node] = full_node
            sel_first = sel_index.get((sel_node, _RDF_FIRST, graph), [""])[0]
            full_first = full_index.get((full_node, _RDF_FIRST, graph), [""])[0]
            if sel_first.startswith("_:") and full_first.startswith("_:"):
                pair(sel_first, full_first, graph)
            sel_node = sel_index.get((sel_node, _RDF_REST, graph), [""])[0]
            full_node = full_index.get((full_node, _RDF_REST, graph), [""])[0]

    taken: set[str] = set()
    for (s, p, g), objects in sel_index.items():
        if s.startswith("_:") or p in (_RDF_FIRST, _RDF_REST):
            continue
        for head in objects:
            if not head.startswith("_:") or head in mapping:
                continue
            items = _list_items(head, g, sel_index)
            candidates = [
                other
                for other in full_index.get((s, p, g), [])
                if other.startswith("_:")
                and other not in taken
                and _list_items(other, g, full_index) == items
            ]
            if items is not None and candidates:
                taken.add(candidates[0])
                pair(head, candidates[0], g)
    return mapping


def select_canonical_nquads(
    pointers: Sequence[str],
    label_map: Mapping[str, str],
    document: Mapping[str, Any],
    *,
    document_quads: Sequence[rdfc10.Quad] = (),
) -> tuple[list[rdfc10.Quad], Nquads]:
    """§ 3.4.15 selectCanonicalNQuads: the deskolemized and the relabelled selected N-Quads.

    ``document_quads`` (the whole document's deskolemized quads, whose blank node labels
    ``label_map`` is keyed by) lets the RDF list nodes of the selection take their labels
    (see :func:`_match_list_nodes`); without it a selection holding a list only works when its
    lists happen to get the same fresh labels as in the whole document.
    """
    selection = select_jsonld(pointers, document)
    if selection is None:
        return [], []
    deskolemized = to_deskolemized_nquads(selection)
    if document_quads:
        lists = _match_list_nodes(deskolemized, document_quads)
        deskolemized = [(lists.get(s, s), p, lists.get(o, o), g) for s, p, o, g in deskolemized]
    nquads = [rdfc10.serialize_quad(_relabel(quad, label_map)) for quad in deskolemized]
    return deskolemized, nquads


@dataclass
class Group:
    """One group of § 3.4.16: canonical N-Quads matching the pointers and the rest, by index."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized_nquads: list[rdfc10.Quad]


def canonicalize_and_group(
    document: Mapping[str, Any],
    label_map_factory: LabelMapFactory,
    group_definitions: Mapping[str, Sequence[str]],
) -> tuple[dict[str, Group], LabelMap, Nquads]:
    """§ 3.4.16 canonicalizeAndGroup: canonical N-Quads split by JSON-pointer groups."""
    _expanded, skolemized_compact = skolemize_compact_jsonld(document)
    deskolemized = to_deskolemized_nquads(skolemized_compact)
    label_map, nquads = label_replacement_canonicalize_nquads(deskolemized, label_map_factory)
    groups: dict[str, Group] = {}
    for name, pointers in group_definitions.items():
        selected_quads, selected = select_canonical_nquads(
            pointers, label_map, skolemized_compact, document_quads=deskolemized
        )
        chosen = set(selected)
        group = Group({}, {}, selected_quads)
        for index, nquad in enumerate(nquads):
            (group.matching if nquad in chosen else group.non_matching)[index] = nquad
        groups[name] = group
    return groups, label_map, nquads


# --- § 3.5 ecdsa-sd-2023 Functions -----------------------------------------------------------


def serialize_sign_data(proof_hash: bytes, public_key: bytes, mandatory_hash: bytes) -> bytes:
    """§ 3.5.1 serializeSignData: proofHash || publicKey || mandatoryHash."""
    return proof_hash + public_key + mandatory_hash


def _encode_proof_value(header: bytes, components: list[Any]) -> str:
    return "u" + multibase.base64url_nopad_encode(header + cbor_encode(components))


def _decode_proof_value(proof_value: Any, header: bytes, what: str) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise SdProofValueError(f"the {what} proofValue must be base64url-no-pad multibase ('u')")
    try:
        data = multibase.base64url_nopad_decode(proof_value[1:])
    except Exception:
        raise SdProofValueError(f"the {what} proofValue is not base64url") from None
    if data[:3] != header:
        raise SdProofValueError(
            f"the proofValue is not an ecdsa-sd-2023 {what} proof (header {data[:3].hex()})"
        )
    components = cbor_decode(data[3:])
    if not isinstance(components, list) or len(components) != 5:
        raise SdProofValueError(f"the {what} proofValue must be a CBOR array of five items")
    return components


def serialize_base_proof_value(
    base_signature: bytes,
    public_key: bytes,
    hmac_key: bytes,
    signatures: Sequence[bytes],
    mandatory_pointers: Sequence[str],
) -> str:
    """§ 3.5.2 serializeBaseProofValue: header 0xd9 0x5d 0x00 + CBOR array, multibase ``u``."""
    return _encode_proof_value(
        BASE_PROOF_HEADER,
        [base_signature, public_key, hmac_key, list(signatures), list(mandatory_pointers)],
    )


@dataclass
class BaseProofValue:
    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    """§ 3.5.3 parseBaseProofValue."""
    sig, key, hmac_key, signatures, pointers = _decode_proof_value(
        proof_value, BASE_PROOF_HEADER, "base"
    )
    if not (
        isinstance(sig, bytes)
        and isinstance(key, bytes)
        and isinstance(hmac_key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(pointers, list)
        and all(isinstance(item, str) for item in pointers)
    ):
        raise SdProofValueError("the base proofValue components have the wrong CBOR types")
    return BaseProofValue(sig, key, hmac_key, signatures, pointers)


def compress_label_map(label_map: Mapping[str, str]) -> dict[int, bytes]:
    """§ 3.5.5 compressLabelMap: ``c14nN`` to N, ``u``-base64url label to its bytes."""
    compressed: dict[int, bytes] = {}
    for key, value in label_map.items():
        compressed[int(key[len("c14n") :])] = multibase.base64url_nopad_decode(value[1:])
    return compressed


def decompress_label_map(compressed: Any) -> LabelMap:
    """§ 3.5.6 decompressLabelMap."""
    if not isinstance(compressed, dict):
        raise SdProofValueError("the derived proof's label map must be a CBOR map")
    label_map: LabelMap = {}
    for key, value in compressed.items():
        if not isinstance(key, int) or not isinstance(value, bytes):
            raise SdProofValueError("label map entries must be integer to byte string")
        label_map[f"c14n{key}"] = "u" + multibase.base64url_nopad_encode(value)
    check_label_map(label_map)
    return label_map


def serialize_derived_proof_value(
    base_signature: bytes,
    public_key: bytes,
    signatures: Sequence[bytes],
    label_map: Mapping[str, str],
    mandatory_indexes: Sequence[int],
) -> str:
    """§ 3.5.7 serializeDerivedProofValue: header 0xd9 0x5d 0x01 + CBOR array."""
    return _encode_proof_value(
        DERIVED_PROOF_HEADER,
        [
            base_signature,
            public_key,
            list(signatures),
            compress_label_map(label_map),
            list(mandatory_indexes),
        ],
    )


@dataclass
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: LabelMap
    mandatory_indexes: list[int]


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    """§ 3.5.8 parseDerivedProofValue."""
    sig, key, signatures, compressed, indexes = _decode_proof_value(
        proof_value, DERIVED_PROOF_HEADER, "derived"
    )
    if not (
        isinstance(sig, bytes)
        and isinstance(key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(indexes, list)
        and all(isinstance(item, int) for item in indexes)
    ):
        raise SdProofValueError("the derived proofValue components have the wrong CBOR types")
    return DerivedProofValue(sig, key, signatures, decompress_label_map(compressed), indexes)


@dataclass
class DisclosureData:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: LabelMap
    mandatory_indexes: list[int]
    reveal_document: dict[str, Any]


def create_disclosure_data(
    document: Mapping[str, Any], proof: Mapping[str, Any], selective_pointers: Sequence[str]
) -> DisclosureData:
    """§ 3.5.4 createDisclosureData: what the holder reveals, and the proof parts for it."""
    base = parse_base_proof_value(proof.get("proofValue"))
    factory = create_hmac_id_label_map_function(base.hmac_key)
    combined = [*base.mandatory_pointers, *selective_pointers]
    groups, label_map, _nquads = canonicalize_and_group(
        document,
        factory,
        {
            "mandatory": base.mandatory_pointers,
            "selective": selective_pointers,
            "combined": combined,
        },
    )
    combined_indexes = list(groups["combined"].matching)
    non_mandatory_indexes = list(groups["mandatory"].non_matching)
    mandatory_indexes = [combined_indexes.index(index) for index in groups["mandatory"].matching]
    selective_indexes = set(groups["selective"].matching)
    if len(base.signatures) != len(non_mandatory_indexes):
        raise SdProofValueError("the base proof's signature count does not match the document")
    signatures = [
        signature
        for index, signature in zip(non_mandatory_indexes, base.signatures, strict=True)
        if index in selective_indexes
    ]
    reveal_document = select_jsonld(combined, document) or {}
    _lines, canonical_id_map = rdfc10.canonical_lines_and_map(
        groups["combined"].deskolemized_nquads
    )
    verifier_label_map = {
        c14n_label: label_map[input_label] for input_label, c14n_label in canonical_id_map.items()
    }
    return DisclosureData(
        base.base_signature,
        base.public_key,
        signatures,
        verifier_label_map,
        mandatory_indexes,
        reveal_document,
    )


@dataclass
class VerifyData:
    base_signature: bytes
    proof_hash: bytes
    public_key: bytes
    signatures: list[bytes]
    non_mandatory: Nquads
    mandatory_hash: bytes
    nquads: Nquads


def create_verify_data(document: Mapping[str, Any], proof: Mapping[str, Any]) -> VerifyData:
    """§ 3.5.9 createVerifyData: the verifier's hashes and N-Quads for a derived proof."""
    proof_hash = hashlib.sha256(base_proof_configuration(document, proof).encode("utf-8")).digest()
    derived = parse_derived_proof_value(proof.get("proofValue"))
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    _label_map, nquads = label_replacement_canonicalize_jsonld(
        unsecured, create_label_map_function(derived.label_map)
    )
    wanted = set(derived.mandatory_indexes)
    if any(index >= len(nquads) for index in wanted):
        raise SdProofValueError("a mandatory index points past the revealed N-Quads")
    mandatory = [nquad for index, nquad in enumerate(nquads) if index in wanted]
    non_mandatory = [nquad for index, nquad in enumerate(nquads) if index not in wanted]
    mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
    return VerifyData(
        derived.base_signature,
        proof_hash,
        derived.public_key,
        derived.signatures,
        non_mandatory,
        mandatory_hash,
        nquads,
    )


# --- § 3.6 Algorithms ------------------------------------------------------------------------


@dataclass
class TransformedDocument:
    mandatory_pointers: list[str]
    mandatory: dict[int, str]
    non_mandatory: dict[int, str]
    hmac_key: bytes


def base_proof_transformation(
    unsecured_document: Mapping[str, Any],
    mandatory_pointers: Sequence[str],
    *,
    hmac_key: bytes | None = None,
) -> TransformedDocument:
    """§ 3.6.1 Base Proof Transformation: HMAC-relabelled N-Quads, mandatory and not."""
    hmac_key = secrets.token_bytes(32) if hmac_key is None else hmac_key
    groups, _label_map, _nquads = canonicalize_and_group(
        unsecured_document,
        create_hmac_id_label_map_function(hmac_key),
        {"mandatory": list(mandatory_pointers)},
    )
    group = groups["mandatory"]
    return TransformedDocument(
        list(mandatory_pointers), group.matching, group.non_matching, hmac_key
    )


@dataclass
class HashData:
    proof_hash: bytes
    mandatory_hash: bytes
    transformed: TransformedDocument


def base_proof_hashing(transformed: TransformedDocument, canonical_proof_config: str) -> HashData:
    """§ 3.6.2 Base Proof Hashing: SHA-256 of the proof config and of the mandatory N-Quads."""
    return HashData(
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest(),
        hashlib.sha256("".join(transformed.mandatory.values()).encode("utf-8")).digest(),
        transformed,
    )


def base_proof_configuration(document: Mapping[str, Any], proof: Mapping[str, Any]) -> str:
    """§ 3.6.3 Base Proof Configuration: the proof options (no proofValue) canonicalized."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise MalformedProofError("not a DataIntegrityProof with cryptosuite ecdsa-sd-2023")
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = document.get("@context")
    return jsonld.canonicalize(config)


def _p256_multikey_bytes(key: PublicKey) -> bytes:
    data = multibase.decode(key.to_multibase())
    if not data.startswith(_P256_MULTIKEY_PREFIX) or len(data) != 35:
        raise KeyFormatError("ecdsa-sd-2023 proof-scoped keys must be P-256")
    return data


def base_proof_serialization(
    hash_data: HashData, issuer_key: KeyPair, *, proof_key: KeyPair | None = None
) -> str:
    """§ 3.6.4 Base Proof Serialization: per-quad signatures with an ephemeral P-256 key."""
    proof_key = KeyPair.generate("P-256") if proof_key is None else proof_key
    public_key = _p256_multikey_bytes(proof_key.public)
    signatures = [
        proof_key.sign(nquad.encode("utf-8"))
        for nquad in hash_data.transformed.non_mandatory.values()
    ]
    to_sign = serialize_sign_data(hash_data.proof_hash, public_key, hash_data.mandatory_hash)
    return serialize_base_proof_value(
        issuer_key.sign(to_sign),
        public_key,
        hash_data.transformed.hmac_key,
        signatures,
        hash_data.transformed.mandatory_pointers,
    )


def create_base_proof(
    unsecured_document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    issuer_key: KeyPair,
    mandatory_pointers: Sequence[str],
    *,
    hmac_key: bytes | None = None,
    proof_key: KeyPair | None = None,
) -> dict[str, Any]:
    """Issuer: the secured document with an ecdsa-sd-2023 base proof (§ 3.6.1 to § 3.6.4)."""
    if issuer_key.public.kind != "P-256":
        raise KeyFormatError("ecdsa-sd-2023 is implemented for P-256 issuer keys only")
    proof = {key: value for key, value in proof_options.items() if key != "proofValue"}
    canonical_config = base_proof_configuration(unsecured_document, proof)
    transformed = base_proof_transformation(
        unsecured_document, mandatory_pointers, hmac_key=hmac_key
    )
    hash_data = base_proof_hashing(transformed, canonical_config)
    proof["proofValue"] = base_proof_serialization(hash_data, issuer_key, proof_key=proof_key)
    secured = copy.deepcopy(dict(unsecured_document))
    secured["proof"] = proof
    return secured


def add_derived_proof(
    secured_document: Mapping[str, Any], selective_pointers: Sequence[str]
) -> dict[str, Any]:
    """§ 3.6.5 Add Derived Proof: the holder's reveal document with its derived proof."""
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single base proof")
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    data = create_disclosure_data(unsecured, proof, selective_pointers)
    derived = {key: value for key, value in proof.items() if key != "proofValue"}
    derived["proofValue"] = serialize_derived_proof_value(
        data.base_signature,
        data.public_key,
        data.signatures,
        data.label_map,
        data.mandatory_indexes,
    )
    reveal = data.reveal_document
    reveal["proof"] = derived
    return reveal


def verify_derived_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """§ 3.6.6 Verify Derived Proof; raises :class:`InvalidSignatureError` when it fails.

    ``issuer_key`` is the key of the proof's verificationMethod (resolved by the caller).
    """
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single derived proof")
    data = create_verify_data(secured_document, proof)
    if len(data.signatures) != len(data.non_mandatory):
        raise InvalidSignatureError(
            f"{len(data.signatures)} signatures for {len(data.non_mandatory)} non-mandatory "
            "statements"
        )
    to_verify = serialize_sign_data(data.proof_hash, data.public_key, data.mandatory_hash)
    if not issuer_key.verify(data.base_signature, to_verify):
        raise InvalidSignatureError(
            "the base signature does not verify (a mandatory statement or the proof options "
            "changed, or another issuer key)"
        )
    proof_key = _proof_scoped_key(data.public_key)
    for index, (signature, nquad) in enumerate(
        zip(data.signatures, data.non_mandatory, strict=True)
    ):
        if not proof_key.verify(signature, nquad.encode("utf-8")):
            raise InvalidSignatureError(
                f"the signature of non-mandatory statement {index} does not verify "
                "(a disclosed field was changed)"
            )


def verify_base_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """The holder's check of a base proof (§ 3.6.1 to § 3.6.4 recomputed with the proof's
    HMAC key): the base signature over the proof options and the mandatory statements, and
    every per-statement signature. Raises :class:`InvalidSignatureError` when one fails."""
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single base proof")
    base = parse_base_proof_value(proof.get("proofValue"))
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    canonical_config = base_proof_configuration(unsecured, proof)
    transformed = base_proof_transformation(
        unsecured, base.mandatory_pointers, hmac_key=base.hmac_key
    )
    hash_data = base_proof_hashing(transformed, canonical_config)
    to_verify = serialize_sign_data(hash_data.proof_hash, base.public_key, hash_data.mandatory_hash)
    if not issuer_key.verify(base.base_signature, to_verify):
        raise InvalidSignatureError(
            "the base signature does not verify (a mandatory statement or the proof options "
            "changed, or another issuer key)"
        )
    statements = list(transformed.non_mandatory.values())
    if len(base.signatures) != len(statements):
        raise InvalidSignatureError(
            f"{len(base.signatures)} signatures for {len(statements)} non-mandatory statements"
        )
    proof_key = _proof_scoped_key(base.public_key)
    for index, (signature, nquad) in enumerate(zip(base.signatures, statements, strict=True)):
        if not proof_key.verify(signature, nquad.encode("utf-8")):
            raise InvalidSignatureError(
                f"the signature of non-mandatory statement {index} does not verify "
                "(a field was changed)"
            )


def _proof_scoped_key(public_key: bytes) -> PublicKey:
    if not public_key.startswith(_P256_MULTIKEY_PREFIX) or len(public_key) != 35:
        raise SdProofValueError("the proof-scoped key is not a P-256 Multikey")
    return PublicKey.from_multibase(multibase.encode(public_key, "base58btc"))


def proof_kind(proof: Mapping[str, Any]) -> str | None:
    """``base`` or ``derived`` for an ecdsa-sd-2023 proof (by its proofValue header), else None."""
    value = proof.get("proofValue")
    if proof.get("cryptosuite") != CRYPTOSUITE or not isinstance(value, str):
        return None
    try:
        header = multibase.base64url_nopad_decode(value[1:5])[:3]
    except Exception:
        return None
    if not value.startswith("u"):
        return None
    return {BASE_PROOF_HEADER: "base", DERIVED_PROOF_HEADER: "derived"}.get(header)


def verify_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """Verify the ecdsa-sd-2023 proof of ``secured_document``, base or derived."""
    proof = secured_document.get("proof")
    kind = proof_kind(proof) if isinstance(proof, Mapping) else None
    if kind == "base":
        verify_base_proof(secured_document, issuer_key)
    elif kind == "derived":
        verify_derived_proof(secured_document, issuer_key)
    else:
        raise SdProofValueError("the proofValue is neither an ecdsa-sd-2023 base nor derived proof")
