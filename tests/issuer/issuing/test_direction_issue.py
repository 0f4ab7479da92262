"""The issuer signs a credential whose name has a base direction, and refuses a value with
``@direction`` whose language cannot be written into its i18n datatype IRI (a 4xx problem,
nothing stored): :mod:`vckit.jsonld.rdf`."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import checks_by_id, verify_options
from tests.issuer.web.test_api import assert_problem, credential_count, vc_api_credential
from vckit.verification import verify


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_vc_api_signs_the_direction(client: TestClient, cryptosuite: str) -> None:
    credential = vc_api_credential()
    credential["name"] = {"@value": "شارة", "@language": "ar", "@direction": "rtl"}
    body = {"credential": credential, "options": {"cryptosuite": cryptosuite}}
    response = client.post("/credentials/issue", json=body)
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    assert signed["name"]["@direction"] == "rtl"
    assert checks_by_id(verify(signed, verify_options(client)))["proof"] == "pass"
    flipped = copy.deepcopy(signed)
    flipped["name"]["@direction"] = "ltr"
    assert checks_by_id(verify(flipped, verify_options(client)))["proof"] == "fail"


def test_vc_api_refuses_a_language_that_breaks_the_datatype_iri(client: TestClient) -> None:
    credential = vc_api_credential()
    credential["name"] = {"@value": "x", "@language": "ar> <urn:x", "@direction": "rtl"}
    body = {"credential": credential, "options": {"cryptosuite": "eddsa-rdfc-2022"}}
    response = client.post("/credentials/issue", json=body)
    problem = assert_problem(response, 422)
    assert "i18n datatype" in problem["detail"], problem
    assert credential_count(client) == 0
