"""vc-di-ecdsa § 3.4 Selective Disclosure Functions, the blank node labels:
§ 3.4.2 :func:`create_label_map_function` (the verifier's), § 3.4.3
:func:`label_replacement_canonicalize_nquads`, § 3.4.4 :func:`create_hmac_id_label_map_function`
(the issuer's and holder's), § 3.4.5 :func:`label_replacement_canonicalize_jsonld`.

The issuer's HMAC key turns each canonical ``c14nN`` label into ``u`` + base64url(HMAC), so the
labels of a derived document give nothing away about the statements withheld.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from vckit.errors import SdPointerError, SdProofValueError
from vckit.jsonld import expansion as jsonld
from vckit.jsonld import rdfc10
from vckit.keys import multibase

LabelMap = dict[str, str]
LabelMapFactory = Callable[[Mapping[str, str]], LabelMap]
Nquads = list[str]


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


def relabel(quad: rdfc10.Quad, label_map: Mapping[str, str]) -> rdfc10.Quad:
    """``quad`` with each blank node label replaced through ``label_map``."""

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
    nquads = sorted({rdfc10.serialize_quad(relabel(quad, label_map)) for quad in quads})
    return label_map, nquads


def label_replacement_canonicalize_jsonld(
    document: Mapping[str, Any], label_map_factory: LabelMapFactory
) -> tuple[LabelMap, Nquads]:
    """§ 3.4.5 labelReplacementCanonicalizeJsonLd: to RDF, then § 3.4.3."""
    return label_replacement_canonicalize_nquads(jsonld.to_quads(document), label_map_factory)
