"""vc-di-ecdsa § 3.4 Selective Disclosure Functions, from JSON pointers to a selection:
§ 3.4.8 skolemizeExpandedJsonLd, § 3.4.9 :func:`skolemize_compact_jsonld`, § 3.4.10
:func:`to_deskolemized_nquads`, § 3.4.11 :func:`select_jsonld`, § 3.4.12 :func:`parse_pointer`,
§ 3.4.13 :func:`select_paths`, § 3.4.14 createInitialSelection.

Skolemization gives every node object an IRI (``urn:custom-scheme:...``) so that a selection and
the whole document name their nodes alike; deskolemizing turns those IRIs back into blank nodes.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pyld import jsonld as pyld_jsonld

from vckit.errors import SdPointerError
from vckit.jsonld import expansion as jsonld
from vckit.jsonld import rdfc10
from vckit.jsonld.failures import pyld_errors

_SKOLEM_PREFIX = "urn:custom-scheme:"


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
    with loader.lock, pyld_errors("compacting the skolemized document"):
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
