"""Protected terms (JSON-LD 1.1 § 4.1.11) and the one translation of pyld's errors."""

from __future__ import annotations

from typing import Any

import pytest

from vckit.errors import (
    JsonLdError,
    JsonLdSyntaxError,
    ProtectedTermError,
    RelativeIriError,
    UnknownContextError,
)
from vckit.jsonld.contexts import VC_V2_CONTEXT
from vckit.jsonld.expansion import canonicalize, expand
from vckit.protocols.dcql import expanded_types

SUBJECT_IRI = "https://www.w3.org/2018/credentials#credentialSubject"


def credential(*extra: Any, **members: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2_CONTEXT, *extra],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
        **members,
    }


@pytest.mark.parametrize(
    ("redefinition", "term"),
    [
        # protected inside VerifiableCredential's type-scoped context (JSON-LD alone lets it by)
        pytest.param(
            {"credentialSubject": {"@id": "https://example.org/x"}},
            "credentialSubject",
            id="scoped-credentialSubject",
        ),
        pytest.param({"issuer": "https://example.org/issuer"}, "issuer", id="scoped-issuer"),
        # protected in the VC 2.0 context itself (pyld refuses it; vckit names the term)
        pytest.param({"id": "@type"}, "id", id="top-id"),
        pytest.param({"name": "https://example.org/name"}, "name", id="top-name"),
    ],
)
def test_a_protected_term_redefined_is_refused_naming_it(
    redefinition: dict[str, Any], term: str
) -> None:
    with pytest.raises(ProtectedTermError, match=repr(term)) as raised:
        expand(credential(redefinition))
    assert raised.value.term == term
    assert raised.value.jsonld_code == "protected term redefinition"
    with pytest.raises(ProtectedTermError):
        canonicalize(credential(redefinition))


def test_a_redefinition_in_a_nested_context_is_refused_too() -> None:
    document = credential()
    document["credentialSubject"] = {
        "@context": {"issuer": "https://example.org/issuer"},
        "id": "did:example:subject",
    }
    with pytest.raises(ProtectedTermError, match="'issuer'"):
        expand(document)


@pytest.mark.parametrize(
    "same",
    [
        {"credentialSubject": {"@id": SUBJECT_IRI, "@type": "@id"}},
        {"id": "@id", "type": "@type"},
        {"name": "https://schema.org/name"},
        {"shoeSize": "https://example.org/shoeSize"},
    ],
    ids=["scoped-identical", "top-identical", "top-identical-name", "new-term"],
)
def test_an_identical_redefinition_or_a_new_term_is_allowed(same: dict[str, Any]) -> None:
    expanded = expand(credential(same))
    assert SUBJECT_IRI in expanded[0]


@pytest.mark.parametrize(
    ("context", "error", "code"),
    [
        ("relative/context", RelativeIriError, None),
        ("", RelativeIriError, None),
        (5, JsonLdSyntaxError, "invalid local context"),
        ({"@version": 1.0}, JsonLdSyntaxError, "invalid @version value"),
        ({"term": 5}, JsonLdSyntaxError, "invalid term definition"),
        ({"@vocab": 5}, JsonLdSyntaxError, "invalid vocab mapping"),
    ],
    ids=["relative", "empty", "number", "version", "term-number", "vocab-number"],
)
def test_a_document_breaking_json_ld_is_a_syntax_error(
    context: Any, error: type[JsonLdSyntaxError], code: str | None
) -> None:
    with pytest.raises(error) as raised:
        expand(credential(context))
    assert isinstance(raised.value, JsonLdSyntaxError)
    if code is not None:
        assert raised.value.jsonld_code == code


def test_an_unknown_context_is_not_the_documents_fault() -> None:
    with pytest.raises(UnknownContextError) as raised:
        expand(credential("https://example.org/unknown-context"))
    assert not isinstance(raised.value, JsonLdSyntaxError)


@pytest.mark.parametrize(
    ("context", "error"),
    [
        ("relative/context", RelativeIriError),
        ({"id": "@type"}, ProtectedTermError),
        (5, JsonLdSyntaxError),
        ("https://example.org/unknown-context", UnknownContextError),
    ],
    ids=["relative", "protected", "number", "unknown"],
)
def test_dcql_type_matching_uses_the_same_translation(context: Any, error: type[Exception]) -> None:
    """Before, a relative context IRI escaped as a bare ValueError (a 500 in the wallet)."""
    with pytest.raises(error):
        expanded_types(credential(context))
    with pytest.raises(JsonLdError):
        expanded_types(credential(context))


def test_protected_false_in_a_document_context_is_valid_json_ld() -> None:
    """pyld 3.3 called ``"@protected": false`` a cyclic definition (a valid document failed)."""
    expanded = expand(
        credential({"@protected": False, "shoeSize": "https://example.org/size"}, shoeSize=44)
    )
    assert expanded[0]["https://example.org/size"] == [{"@value": 44}]


def test_protected_must_be_a_boolean() -> None:
    with pytest.raises(JsonLdSyntaxError, match="@protected must be"):
        expand(credential({"@protected": "yes", "shoeSize": "https://example.org/size"}))
