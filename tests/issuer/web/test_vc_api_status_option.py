"""Issue 14: which status entries a VC-API credential gets (``options.credentialStatus``).

The VC-API leaves status to the issuer instance's configuration (VCALM §Instances: the instance
is "configured to know ... whether or not a status list is involved"); a caller may ask with
``options.credentialStatus``. VC 2.0 input gets a BitstringStatusListEntry by default; VC 1.1
input none (the W3C vc-di-eddsa and vc-di-ecdsa suites send VC 1.1 and their offline loaders
cannot load the StatusList2021 context), unless asked or ``LER_ISSUER_VC11_STATUS`` is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import AppFactory, authorized, checks_by_id, verify_options
from tests.issuer.web.test_api import COLLEGE, assert_problem, vc_api_credential
from vckit import verify

VC_V1 = "https://www.w3.org/2018/credentials/v1"
SL2021 = "https://w3id.org/vc/status-list/2021/v1"
TERMS = {"alumniOf": "https://schema.org/alumniOf"}


def vc11() -> dict[str, Any]:
    """A VC 1.1 credential the way the vc-di-eddsa suite sends one (no status)."""
    return {
        "@context": [VC_V1, TERMS],
        "type": ["VerifiableCredential"],
        "issuer": COLLEGE,
        "issuanceDate": "2026-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
    }


def issue(client: TestClient, credential: dict[str, Any], **options: Any) -> Any:
    return client.post("/credentials/issue", json={"credential": credential, "options": options})


def issued(client: TestClient, credential: dict[str, Any], **options: Any) -> dict[str, Any]:
    response = issue(client, credential, **options)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()["verifiableCredential"]
    return document


def test_vc11_input_is_issued_without_status_and_with_the_callers_contexts(
    client: TestClient,
) -> None:
    document = issued(client, vc11(), cryptosuite="eddsa-rdfc-2022")
    assert "credentialStatus" not in document
    assert document["@context"] == [VC_V1, TERMS, "https://w3id.org/security/data-integrity/v2"]
    assert SL2021 not in document["@context"]
    report = verify(document, verify_options(client))
    assert report.verification == "pass", report.to_json()


@pytest.mark.parametrize("wanted", [True, {"type": "StatusList2021Entry"}])
def test_vc11_input_gets_a_status_list_2021_entry_when_asked(
    client: TestClient, wanted: Any
) -> None:
    document = issued(client, vc11(), credentialStatus=wanted)
    assert document["credentialStatus"]["type"] == "StatusList2021Entry"
    assert SL2021 in document["@context"]
    checks = checks_by_id(verify(document, verify_options(client)))
    assert checks["status"] == "pass", checks


def test_the_installation_may_give_vc11_input_status_by_default(issuer_app: AppFactory) -> None:
    client = authorized(issuer_app(vc11_status=True))
    document = issued(client, vc11())
    assert document["credentialStatus"]["type"] == "StatusList2021Entry"
    assert issued(client, vc11(), credentialStatus=False).get("credentialStatus") is None


@pytest.mark.parametrize("wanted", [None, True, {"type": "BitstringStatusListEntry"}])
def test_vc20_input_gets_a_bitstring_entry_by_default_or_when_asked(
    client: TestClient, wanted: Any
) -> None:
    options = {} if wanted is None else {"credentialStatus": wanted}
    document = issued(client, vc_api_credential(), **options)
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["credentialStatus"]["statusPurpose"] == "revocation"


def test_vc20_input_without_status_when_the_caller_says_false(client: TestClient) -> None:
    document = issued(client, vc_api_credential(), credentialStatus=False)
    assert "credentialStatus" not in document
    assert verify(document, verify_options(client)).verification == "pass"


@pytest.mark.parametrize(
    ("credential", "options", "status", "words"),
    [
        (vc11(), {"credentialStatus": {"type": "BitstringStatusListEntry"}}, 422, "VC 2.0"),
        (vc_api_credential(), {"credentialStatus": {"type": "StatusList2021Entry"}}, 422, "VC 2.0"),
        (vc_api_credential(), {"credentialStatus": {"type": "Nope"}}, 422, "credentialStatus"),
        (vc_api_credential(), {"credentialStatus": "yes"}, 422, "credentialStatus"),
        (vc_api_credential(), {"credentialStatus": {"type": "X", "n": 1}}, 422, "credentialStatus"),
        (vc_api_credential(), {"credentialStatus": False, "suspension": True}, 422, "suspension"),
        (
            vc_api_credential(
                credentialStatus={
                    "id": "https://status.example/1#5",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "5",
                    "statusListCredential": "https://status.example/1",
                }
            ),
            {"credentialStatus": True},
            422,
            "caller manages status",
        ),
    ],
    ids=[
        "bitstring-on-vc11",
        "statuslist2021-on-vc20",
        "unknown-type",
        "not-an-object",
        "unknown-member",
        "suspension-without-status",
        "caller-status-and-option",
    ],
)
def test_status_options_that_cannot_be_honoured_are_refused(
    client: TestClient, credential: dict[str, Any], options: Any, status: int, words: str
) -> None:
    body = assert_problem(issue(client, credential, **options), status)
    assert words in body["detail"], body
