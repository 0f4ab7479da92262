"""Expanded JSON-LD to RDF quads in one walk (JSON-LD 1.1 API § 8.1 Deserialize JSON-LD to RDF).

The spec (and pyld) first flattens the expanded document into a node map (§ 7.2 Node Map
Generation) and then writes the triples of each node (§ 8.1, § 8.2 Object to RDF, § 8.3 List
to RDF). The node map only merges nodes and removes repeated values; for an RDF *dataset*,
a set of quads, that is a union, and :mod:`vckit.jsonld.rdfc10` removes duplicate quads. So this
module writes each triple the moment it meets it, which gives the same dataset with a quarter
of the work. Blank nodes get fresh labels ``_:b0``, ``_:b1``, ... (one label per blank node
identifier of the input, as the node map's issuer does); their order differs from pyld's,
which canonicalization (RDFC-1.0) makes irrelevant. ``tests/vckit/jsonld/test_rdf.py`` checks that
both paths canonicalize to the same dataset on every vector and on edge-case documents.

Options as :mod:`vckit.jsonld.expansion` uses them: no generalized RDF (triples with a blank-node
predicate are skipped, as § 8.1 step 1.3.2.1.1 says), ``rdfDirection`` ``"i18n-datatype"``,
processing mode ``json-ld-1.1``. The input must already have passed
:func:`vckit.jsonld.strict.check_absolute` (so every ``@id``, ``@type`` and datatype is
absolute); pyld would silently skip a relative one.

Base direction (``@direction``): a value object with one becomes a literal whose datatype is
``https://www.w3.org/ns/i18n#<language>_<direction>`` (JSON-LD 1.1 API § 8.2 Object to RDF
Conversion, its ``i18n-datatype`` case: the ``@language`` lower-cased, empty when there is
none), e.g. ``"مرحبا"^^<https://www.w3.org/ns/i18n#ar_rtl>``. The default ``rdfDirection``
null would drop the direction from the dataset, so a Data Integrity proof over it (eddsa-rdfc-2022,
ecdsa-rdfc-2019, ecdsa-sd-2023: all take their quads from here) would not cover it: "ltr"
flipped to "rtl" would still verify, against VC Data Integrity 1.0 § "Securing Data
Losslessly". ``i18n-datatype`` is what Digital Bazaar's cryptosuites hard-code for signing
and verifying (jsonld-signatures since 11.5.0, ``di-sd-primitives``), so signatures verify
across the two; w3c/vc-data-integrity#366 (open) lists the behaviours in use. Values without
``@direction`` convert exactly as before. A proof made over the old (direction-less) form of
a document with ``@direction`` no longer verifies: by design, it never covered the direction.
The language goes into an IRI, so one that is not made of BCP 47 characters (letters, digits,
``-``) is refused there rather than written into the N-Quads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyld import jsonld as pyld_jsonld

from vckit.errors import JsonLdSyntaxError
from vckit.jsonld import rdfc10
from vckit.jsonld.failures import pyld_errors

Quad = rdfc10.Quad

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = f"<{RDF}type>"
_FIRST = f"<{RDF}first>"
_REST = f"<{RDF}rest>"
_NIL = f"<{RDF}nil>"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
RDF_LANG_STRING = rdfc10.RDF_LANG_STRING
I18N = "https://www.w3.org/ns/i18n#"
"""The namespace of the ``i18n-datatype`` base-direction datatypes (JSON-LD 1.1 API § 8.2)."""
_LANGUAGE_CHARS = re.compile(r"[A-Za-z0-9-]*")
_RDF_OPTIONS = {
    "produceGeneralizedRdf": False,
    "rdfDirection": "i18n-datatype",  # only text reaches pyld's conversion: no @direction
    "processingMode": "json-ld-1.1",
}


class _Writer:
    """The quads of one expanded document, with its blank node labels."""

    def __init__(self, processor: pyld_jsonld.JsonLdProcessor) -> None:
        self.quads: list[Quad] = []
        self._processor = processor
        self._labels: dict[str, str] = {}
        self._issued = 0
        self._indexed: set[tuple[str, str]] = set()

    def blank(self, identifier: str | None = None) -> str:
        """A fresh label, or the one already issued for ``identifier`` (§ 4.4 Blank Node Ids)."""
        if identifier is not None:
            label = self._labels.get(identifier)
            if label is not None:
                return label
        label = f"_:b{self._issued}"
        self._issued += 1
        if identifier is not None:
            self._labels[identifier] = label
        return label

    def resource(self, iri: str) -> str:
        """An ``@id`` or ``@type`` value as an N-Quads term (blank node or IRI)."""
        return self.blank(iri) if iri.startswith("_:") else f"<{iri}>"

    def walk(self, element: Any, graph: str) -> None:
        """An element that is nobody's property value: only the nodes in it make triples."""
        if "@value" in element:
            return
        if "@list" in element:
            for item in element["@list"]:
                self.walk(item, graph)
            return
        self.node(element, graph)

    def node(self, element: Mapping[str, Any], graph: str) -> str:
        """§ 7.2 steps 6-6.12 and § 8.1 step 1.3 for one node object; returns its term."""
        identifier = element.get("@id")
        subject = self.blank() if identifier is None else self.resource(identifier)
        quads = self.quads
        for key, values in element.items():
            if key[0] != "@":
                if key.startswith("_:"):  # a blank-node predicate: no triple (§ 8.1 1.3.2.1.1)
                    self.blank(key)
                    for item in values:
                        self.walk(item, graph)
                    continue
                predicate = f"<{key}>"
                for item in values:
                    quads.append((subject, predicate, self.object(item, graph), graph))
            elif key == "@type":
                for type_ in values:
                    quads.append((subject, _TYPE, self.resource(type_), graph))
            elif key == "@reverse":
                for reverse_property, items in values.items():
                    for item in items:
                        if "@value" in item or "@list" in item:
                            continue  # expansion refuses these (invalid reverse property value)
                        referenced = self.node(item, graph)
                        if not reverse_property.startswith("_:"):
                            quads.append((referenced, f"<{reverse_property}>", subject, graph))
            elif key == "@graph":
                for item in values:
                    self.walk(item, subject)
            elif key == "@included":
                for item in values:
                    self.walk(item, graph)
            elif key == "@index":
                self._check_index(subject, graph)
        return subject

    def _check_index(self, subject: str, graph: str) -> None:
        """§ 7.2 step 6.7: a node met twice may not carry ``@index`` both times."""
        if (graph, subject) in self._indexed:
            raise JsonLdSyntaxError(
                f"JSON-LD processing failed: conflicting @index for node {subject} "
                "(JSON-LD 1.1 API § 7.2, conflicting indexes)"
            )
        self._indexed.add((graph, subject))

    def object(self, item: Mapping[str, Any], graph: str) -> str:
        """§ 8.2 Object to RDF (and § 8.3 List to RDF) for one property value."""
        if "@value" in item:
            return self.literal(item)
        if "@list" in item:
            return self.list(item["@list"], graph)
        return self.node(item, graph)

    def list(self, items: list[Any], graph: str) -> str:
        """§ 8.3 List to RDF: a chain of ``rdf:first``/``rdf:rest`` blank nodes."""
        if not items:
            return _NIL
        head = subject = self.blank()
        for position, item in enumerate(items, 1):
            self.quads.append((subject, _FIRST, self.object(item, graph), graph))
            rest = self.blank() if position < len(items) else _NIL
            self.quads.append((subject, _REST, rest, graph))
            subject = rest
        return head

    def literal(self, item: Mapping[str, Any]) -> str:
        """§ 8.2 steps 4-13 for a value object (pyld's conversion for anything but text)."""
        value = item["@value"]
        datatype = item.get("@type")
        if type(value) is str and datatype != "@json" and datatype != _XSD_DOUBLE:
            if "@direction" in item:
                return rdfc10.literal_term(value, direction_datatype(item))
            if "@language" in item:  # pyld: the language wins over a datatype
                language = item["@language"]
                return rdfc10.literal_term(value, datatype or RDF_LANG_STRING, language)
            return rdfc10.literal_term(value, datatype)
        converted = self._processor._object_to_rdf(dict(item), None, [], _RDF_OPTIONS)
        return rdfc10.literal_term(
            converted["value"], converted.get("datatype"), converted.get("language")
        )


def direction_datatype(item: Mapping[str, Any]) -> str:
    """The ``i18n-datatype`` IRI of a value object with ``@direction`` (§ 8.2).

    Expansion has checked the direction (``ltr`` or ``rtl``) and that ``@language`` is a
    string; its characters are checked here, as it becomes part of an IRI.
    """
    language = str(item.get("@language", "")).lower()
    if _LANGUAGE_CHARS.fullmatch(language) is None:
        raise JsonLdSyntaxError(
            f"JSON-LD to RDF failed: the language {language[:40]!r} of a value with @direction "
            "is not a BCP 47 tag, so it cannot be written into its i18n datatype IRI "
            "(JSON-LD 1.1 API § 8.2, rdfDirection i18n-datatype)"
        )
    return f"{I18N}{language}_{item['@direction']}"


def quads_of(expanded: list[dict[str, Any]], processor: pyld_jsonld.JsonLdProcessor) -> list[Quad]:
    """The RDF dataset of an expanded (and absolute-checked) document, as quads.

    ``processor`` converts the literals that are not plain text (numbers, booleans,
    ``@json``, ``xsd:double``), so their lexical forms are pyld's exactly.
    """
    writer = _Writer(processor)
    with pyld_errors("RDF conversion"):  # pyld converts the non-text literals
        for element in expanded:
            writer.walk(element, "")
    return writer.quads
