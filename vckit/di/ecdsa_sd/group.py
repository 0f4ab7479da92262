"""vc-di-ecdsa § 3.4 Selective Disclosure Functions, the grouping: § 3.4.15
:func:`select_canonical_nquads` and § 3.4.16 :func:`canonicalize_and_group`, which split a
document's relabelled canonical N-Quads into those some JSON pointers select and the rest.

A JSON-LD list has no node object to skolemize, so its rdf:first/rdf:rest blank nodes are
matched between a selection and the whole document by :func:`_match_list_nodes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit.di.ecdsa_sd.labels import (
    LabelMap,
    LabelMapFactory,
    Nquads,
    label_replacement_canonicalize_nquads,
    relabel,
)
from vckit.di.ecdsa_sd.select import select_jsonld, skolemize_compact_jsonld, to_deskolemized_nquads
from vckit.jsonld import rdfc10

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
    nquads = [rdfc10.serialize_quad(relabel(quad, label_map)) for quad in deskolemized]
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
