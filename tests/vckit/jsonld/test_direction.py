"""Base direction (``@direction``) in the RDF dataset: ``rdfDirection`` ``"i18n-datatype"``.

The expected N-Quads are written by hand from JSON-LD 1.1 API § 8.2 Object to RDF Conversion
(``rdfDirection`` ``i18n-datatype``): a value object with ``@direction`` becomes a literal with
datatype ``https://www.w3.org/ns/i18n#`` + its ``@language`` lower-cased (the empty string when
it has none) + ``_`` + its direction; value objects without ``@direction`` keep their usual
form (``rdf:langString`` or ``xsd:string``). Digital Bazaar's jsonld.js 9.0.0 (``toRdf.js``,
which its cryptosuites call with ``rdfDirection: "i18n-datatype"``) writes the same; the
interop test ``tests/interop/test_js_data_integrity.py`` (document ``direction``) compares
with it byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.vckit.jsonld.test_fast import _fast, _strict
from vckit.errors import JsonLdSyntaxError
from vckit.jsonld import expansion as jsonld

LABEL = "https://example.org/label"
CONTEXT_URL = "https://example.org/direction-context"
CONTEXT = {
    "@context": {
        "@version": 1.1,
        "id": "@id",
        "label": LABEL,
        "rtlLabel": {"@id": LABEL, "@language": "he", "@direction": "rtl"},
        "ltrLabel": {"@id": LABEL, "@direction": "ltr"},
    }
}

DOCUMENT = {
    "@context": CONTEXT["@context"],
    "@id": "https://example.org/doc",
    "label": [
        {"@value": "مرحبا", "@language": "AR", "@direction": "rtl"},
        {"@value": "no language", "@direction": "ltr"},
        {"@value": "plain", "@language": "en"},
        "untagged",
    ],
    "rtlLabel": "שלום",
}

# sorted by code point (RDFC-1.0): Hebrew (U+05D0-) before Arabic (U+0627-)
EXPECTED = (
    '<https://example.org/doc> <https://example.org/label> "no language"'
    "^^<https://www.w3.org/ns/i18n#_ltr> .\n"
    '<https://example.org/doc> <https://example.org/label> "plain"@en .\n'
    '<https://example.org/doc> <https://example.org/label> "untagged" .\n'
    '<https://example.org/doc> <https://example.org/label> "שלום"'
    "^^<https://www.w3.org/ns/i18n#he_rtl> .\n"
    '<https://example.org/doc> <https://example.org/label> "مرحبا"'
    "^^<https://www.w3.org/ns/i18n#ar_rtl> .\n"
)


def test_canonical_nquads_carry_the_direction_as_i18n_datatype() -> None:
    assert jsonld.canonicalize(DOCUMENT) == EXPECTED


def test_documents_without_direction_keep_their_literals() -> None:
    """No ``@direction``: ``rdf:langString`` and plain strings, as before."""
    doc = {
        "@context": {"@version": 1.1, "label": LABEL},
        "@id": "https://example.org/doc",
        "label": [{"@value": "colour", "@language": "en-GB"}, "plain"],
    }
    assert jsonld.canonicalize(doc) == (
        '<https://example.org/doc> <https://example.org/label> "colour"@en-gb .\n'
        '<https://example.org/doc> <https://example.org/label> "plain" .\n'
    )


def test_fast_expansion_gives_the_strict_answer_for_term_directions() -> None:
    """A sealed context whose terms carry ``@direction``: the fast walk answers (it does not
    refuse), with exactly the strict expansion, and the quads carry the direction."""
    loader = jsonld.SealedLoader({CONTEXT_URL: CONTEXT})
    doc = {
        "@context": CONTEXT_URL,
        "id": "https://example.org/doc",
        "rtlLabel": "שלום",
        "ltrLabel": ["left", "to right"],
    }
    fast = _fast(doc, loader)
    assert fast is not None
    assert json.dumps(fast) == json.dumps(_strict(doc, loader))
    assert jsonld.canonicalize(doc, loader) == (
        '<https://example.org/doc> <https://example.org/label> "left"'
        "^^<https://www.w3.org/ns/i18n#_ltr> .\n"
        '<https://example.org/doc> <https://example.org/label> "to right"'
        "^^<https://www.w3.org/ns/i18n#_ltr> .\n"
        '<https://example.org/doc> <https://example.org/label> "שלום"'
        "^^<https://www.w3.org/ns/i18n#he_rtl> .\n"
    )


def test_fast_expansion_leaves_value_objects_with_direction_to_the_strict_path() -> None:
    doc: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "VerifiableCredential",
        "name": {"@value": "مرحبا", "@language": "ar", "@direction": "rtl"},
    }
    loader = jsonld.default_loader()
    assert _fast(doc, loader) is None
    assert '"مرحبا"^^<https://www.w3.org/ns/i18n#ar_rtl>' in jsonld.canonicalize(doc)


@pytest.mark.parametrize("language", ["en> <https://evil.example/x", "en us", 'en"'])
def test_language_that_cannot_go_into_the_datatype_iri_is_refused(language: str) -> None:
    doc = {
        "@context": {"@version": 1.1, "label": LABEL},
        "@id": "https://example.org/doc",
        "label": {"@value": "x", "@language": language, "@direction": "ltr"},
    }
    with pytest.raises(JsonLdSyntaxError, match="i18n datatype"):
        jsonld.canonicalize(doc)
