"""Reading a credential's parts (VC Data Model 2.0 §4.5 type, §4.7 issuer), never raising."""

from __future__ import annotations

from typing import Any

import pytest

from vckit.credential import issuer_id, types_of

TYPES = [
    pytest.param({"type": "VerifiableCredential"}, ["VerifiableCredential"], id="one-string"),
    pytest.param({"type": ["VerifiableCredential", "X"]}, ["VerifiableCredential", "X"], id="list"),
    pytest.param({"type": ["A", 7, None, {"b": 1}]}, ["A"], id="non-strings-skipped"),
    pytest.param({}, [], id="missing"),
    pytest.param({"type": 7}, [], id="number"),
    pytest.param({"type": {"id": "A"}}, [], id="object"),
]


@pytest.mark.parametrize(("document", "expected"), TYPES)
def test_types_of(document: dict[str, Any], expected: list[str]) -> None:
    assert types_of(document) == expected


ISSUERS = [
    pytest.param({"issuer": "did:example:1"}, "did:example:1", id="url"),
    pytest.param({"issuer": {"id": "did:example:1", "name": "X"}}, "did:example:1", id="object"),
    pytest.param({"issuer": {"name": "X"}}, None, id="object-without-id"),
    pytest.param({"issuer": {"id": 7}}, None, id="id-not-a-string"),
    pytest.param({"issuer": ["did:example:1"]}, None, id="list"),
    pytest.param({}, None, id="missing"),
]


@pytest.mark.parametrize(("credential", "expected"), ISSUERS)
def test_issuer_id(credential: dict[str, Any], expected: str | None) -> None:
    assert issuer_id(credential) == expected
