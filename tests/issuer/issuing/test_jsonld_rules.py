"""The issuer refuses to sign what would defeat JSON-LD strictness, through every door.

Each rule of :mod:`vckit.jsonld.policy` through the VC-API (``POST /credentials/issue``) in each
format, and through the project API (an achievement carrying a context, then issued): a 422
problem whose type names the rule, and nothing stored.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.web.test_api import (
    NEW_ACHIEVEMENT,
    assert_problem,
    credential_count,
    vc_api_credential,
)

VOCAB = {"@vocab": "https://example.org/vocab#"}
BASE = {"@base": "https://example.org/"}
REDEFINED = {"credentialSubject": {"@id": "https://example.org/subject"}}


def with_context(*extra: Any, **changes: Any) -> dict[str, Any]:
    credential = vc_api_credential(**changes)
    credential["@context"] = [*credential["@context"], *extra]
    return credential


def with_graph(nodes: int) -> dict[str, Any]:
    credential = vc_api_credential()
    credential["credentialSubject"]["@graph"] = [{"@id": f"urn:n:{i}"} for i in range(nodes)]
    return credential


def with_objects(count: int) -> dict[str, Any]:
    credential = vc_api_credential()
    credential["credentialSubject"]["alumniOf"] = [{"name": str(i)} for i in range(count)]
    return credential


CASES = [
    pytest.param(with_context(VOCAB), "unsafe-context", "@vocab", id="inline-vocab"),
    pytest.param(with_context(BASE), "unsafe-context", "@base", id="inline-base"),
    pytest.param(
        with_context(REDEFINED),
        "protected-term-redefinition",
        "'credentialSubject'",
        id="protected-scoped",
    ),
    pytest.param(
        with_context({"id": "@type"}), "protected-term-redefinition", "'id'", id="protected-top"
    ),
    pytest.param(with_graph(3000), "graph-too-large", "@graph", id="graph-3000"),
    pytest.param(with_objects(1200), "graph-too-large", "more than 1000", id="objects-1200"),
]


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
@pytest.mark.parametrize(("credential", "code", "named"), CASES)
def test_vc_api_refuses_to_sign_naming_the_rule(
    client: TestClient, credential: dict[str, Any], code: str, named: str, format: str
) -> None:
    body = {"credential": credential, "options": {"cryptosuite": format}}
    if format == "vc-jwt":
        body = {"credential": credential, "options": {"format": "vc-jwt"}}
    problem = assert_problem(client.post("/credentials/issue", json=body), 422)
    assert problem["type"] == f"urn:ler:problem:{code}", problem
    assert named in problem["detail"]
    assert credential_count(client) == 0


def test_vc_api_still_signs_the_published_undefined_terms_context(client: TestClient) -> None:
    credential = with_context("https://www.w3.org/ns/credentials/undefined-terms/v2")
    credential["credentialSubject"]["shoeSize"] = "44"
    response = client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("context", "code"),
    [
        pytest.param(VOCAB, "unsafe-context", id="inline-vocab"),
        pytest.param(
            {"name": "https://example.org/name"}, "protected-term-redefinition", id="protected-name"
        ),
    ],
)
def test_project_api_refuses_an_achievement_carrying_such_a_context(
    client: TestClient, context: dict[str, Any], code: str
) -> None:
    achievement = {**copy.deepcopy(NEW_ACHIEVEMENT), "@context": context}
    created = client.post(
        "/issuers/community-college/achievements",
        json={"slug": "sneaky", "achievement": achievement},
    )
    assert created.status_code in (201, 422), created.text
    if created.status_code == 422:
        return  # refused when added: nothing can be issued from it
    before = credential_count(client)
    issued = client.post(
        "/issuers/community-college/credentials",
        json={"achievement": "sneaky", "recipient": {"did": "did:example:c"}},
    )
    problem = assert_problem(issued, 422)
    assert problem["type"] == f"urn:ler:problem:{code}", problem
    assert credential_count(client) == before
