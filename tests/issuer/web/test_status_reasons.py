"""Revocation reasons and the Bitstring Status List ``message`` entry, over the VC-API.

A revocation carries the issuer's words (``reason``, stored, returned, shown to the learner)
and a code (``reasonCode``); a credential issued with a ``message`` entry
(``options.credentialStatus.statusPurpose``) publishes the code in a 2-bit status list
(Bitstring Status List v1.0 §2.1 ``statusSize``, ``statusMessage``, ``statusReference``), and a
verifier reads it (§3.2: "If the statusPurpose is message, set the message key in result").
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import BASE_URL, AppFactory, authorized, verify_options
from tests.issuer.web.test_api import assert_problem, vc_api_credential
from vckit import verify
from vckit.status.status_list import check_entry

WITH_MESSAGE = {"type": "BitstringStatusListEntry", "statusPurpose": ["revocation", "message"]}
REFERENCE = f"{BASE_URL}/status/revocation-reasons"


def issue(client: TestClient, credential: dict[str, Any] | None = None, **options: Any) -> Any:
    body = {"credential": credential or vc_api_credential(), "options": options}
    return client.post("/credentials/issue", json=body)


def issued_with_message(client: TestClient) -> dict[str, Any]:
    response = issue(client, credentialStatus=WITH_MESSAGE)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()["verifiableCredential"]
    return document


def entry_of(document: dict[str, Any], purpose: str) -> dict[str, Any]:
    entries = document["credentialStatus"]
    found: dict[str, Any] = next(e for e in entries if e["statusPurpose"] == purpose)
    return found


def revoke(client: TestClient, credential_id: str, **reason: Any) -> Any:
    return client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
            **reason,
        },
    )


def status_detail(client: TestClient, document: dict[str, Any]) -> tuple[str, str]:
    report = verify(document, verify_options(client))
    check = next(c for c in report.all_checks() if c.id == "status")
    return check.status, check.detail


def test_a_message_entry_commits_to_the_reasons_at_issuance(client: TestClient) -> None:
    document = issued_with_message(client)
    message = entry_of(document, "message")
    assert message["type"] == "BitstringStatusListEntry" and message["statusSize"] == 2
    assert [m["status"] for m in message["statusMessage"]] == ["0x0", "0x1", "0x2", "0x3"]
    assert message["statusMessage"][2]["message"] == "revoked:superseded"
    assert message["statusReference"] == REFERENCE
    described = client.get("/status/revocation-reasons").json()
    assert {v["message"] for v in described["values"]} == {
        m["message"] for m in message["statusMessage"]
    }
    listed = client.get(message["statusListCredential"]).json()
    assert listed["credentialSubject"]["statusPurpose"] == "message"
    assert check_entry(message, listed).value == 0
    state, detail = status_detail(client, document)
    assert state == "pass" and "message status 0x0" in detail and "not-revoked" in detail


def test_a_revocation_with_a_reason_is_stored_returned_and_published(client: TestClient) -> None:
    document = issued_with_message(client)
    words = "A corrected credential replaces this one (grade fixed)."
    response = revoke(client, document["id"], reason=words, reasonCode="superseded")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["changed"] is True and answer["status"]["revocation"] is True
    assert (answer["reason"], answer["reasonCode"]) == (words, "superseded")
    assert answer["revoked"]
    message = entry_of(document, "message")
    listed = client.get(message["statusListCredential"]).json()
    result = check_entry(message, listed)
    assert (result.value, result.message) == (2, "revoked:superseded")
    state, detail = status_detail(client, document)
    assert state == "fail" and detail.startswith("revocation: the issuer set index")
    assert "revoked:superseded" in detail and words not in detail  # the words stay private
    # revoked once: a second revocation changes nothing, the first reason stays
    again = revoke(client, document["id"], reason="other words").json()
    assert again["changed"] is False and again["reason"] == words


def test_a_reason_without_a_message_entry_is_still_kept(client: TestClient) -> None:
    response = issue(client)
    assert response.status_code == 201, response.text
    document = response.json()["verifiableCredential"]
    assert document["credentialStatus"]["statusPurpose"] == "revocation"  # the default
    answer = revoke(client, document["id"], reason="Issued to the wrong learner.").json()
    assert answer["reason"] == "Issued to the wrong learner." and answer["reasonCode"] is None
    shown = client.get("/issuers/community-college/credentials", params={"limit": 500}).json()
    row = next(c for c in shown if c["id"] == document["id"])
    assert row["revokedReason"] == "Issued to the wrong learner."


def test_the_default_code_is_withdrawn(client: TestClient) -> None:
    document = issued_with_message(client)
    assert revoke(client, document["id"]).status_code == 200
    message = entry_of(document, "message")
    listed = client.get(message["statusListCredential"]).json()
    assert check_entry(message, listed).message == "revoked:withdrawn"


def test_suspension_leaves_the_message_alone(client: TestClient) -> None:
    options = {"type": "BitstringStatusListEntry", "statusPurpose": ["revocation", "message"]}
    response = issue(client, credentialStatus=options, suspension=True)
    assert response.status_code == 201, response.text
    document = response.json()["verifiableCredential"]
    assert [e["statusPurpose"] for e in document["credentialStatus"]] == [
        "revocation",
        "suspension",
        "message",
    ]
    suspended = client.post(
        "/credentials/status",
        json={
            "credentialId": document["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
            "status": True,
        },
    )
    assert suspended.status_code == 200, suspended.text
    message = entry_of(document, "message")
    assert check_entry(message, client.get(message["statusListCredential"]).json()).value == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": "x", "suspend": True}, 400),
        ({"reasonCode": "because"}, 400),
        ({"reason": ""}, 400),
        ({"reason": "x" * 501}, 400),
        ({"reason": 5}, 400),
    ],
    ids=["reason-with-suspension", "unknown-code", "empty", "too-long", "not-text"],
)
def test_bad_reasons_are_refused(client: TestClient, body: dict[str, Any], status: int) -> None:
    document = issued_with_message(client)
    request: dict[str, Any] = {
        "credentialId": document["id"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    if body.pop("suspend", False):
        request["credentialStatus"] = [{"type": "BitstringStatusListEntry", "status": "suspended"}]
    request.update(body)
    assert_problem(client.post("/credentials/status", json=request), status)
    assert client.get(entry_of(document, "revocation")["statusListCredential"]).status_code == 200


HIDDEN = {
    "right-to-left-override": "Grade \u202efixed",
    "isolate": "Grade \u2066fixed\u2069",
    "zero-width-space": "Grade\u200bfixed",
    "byte-order-mark": "\ufeffGrade fixed",
    "control": "Grade \x1bfixed",
}


@pytest.mark.parametrize("words", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_reason_with_hidden_or_direction_changing_characters_is_a_422(
    client: TestClient, words: str
) -> None:
    """The learner's wallet shows the reason: text that reads otherwise than it says (a bidi
    override, an isolate, a zero-width or control character) is refused, naming the field."""
    document = issued_with_message(client)
    body = assert_problem(revoke(client, document["id"], reason=words), 422)
    assert body["detail"].startswith("reason: must be printable text"), body
    assert body["errors"] == [{"field": "reason", "message": body["detail"][len("reason: ") :]}]
    assert status_detail(client, document)[0] == "pass"  # nothing revoked


@pytest.mark.parametrize(
    ("credential", "wanted", "words"),
    [
        (None, {"type": "BitstringStatusListEntry", "statusPurpose": "message"}, "revocation"),
        (None, {"type": "BitstringStatusListEntry", "statusPurpose": "refresh"}, "statusPurpose"),
        (
            {
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiableCredential"],
                "issuer": "did:web:issuer.test:issuers:community-college",
                "credentialSubject": {"id": "did:example:learner"},
            },
            {"type": "StatusList2021Entry", "statusPurpose": ["revocation", "message"]},
            "StatusList2021",
        ),
    ],
    ids=["message-alone", "unknown-purpose", "message-on-vc11"],
)
def test_message_entries_that_cannot_be_issued_are_refused(
    client: TestClient, credential: dict[str, Any] | None, wanted: dict[str, Any], words: str
) -> None:
    body = assert_problem(issue(client, credential, credentialStatus=wanted), 422)
    assert words in body["detail"], body


def test_reasons_and_message_values_on_sqlite_and_postgresql(
    issuer_app: AppFactory, database_url: str
) -> None:
    client = authorized(issuer_app(database_url=database_url))
    document = issued_with_message(client)
    answer = revoke(client, document["id"], reason="Wrong learner.", reasonCode="issued-in-error")
    assert answer.status_code == 200, answer.text
    assert answer.json()["reasonCode"] == "issued-in-error"
    message = entry_of(document, "message")
    result = check_entry(message, client.get(message["statusListCredential"]).json())
    assert (result.value, result.message) == (1, "revoked:issued-in-error")
    revocation = entry_of(document, "revocation")
    assert check_entry(revocation, client.get(revocation["statusListCredential"]).json()).is_set


@pytest.mark.parametrize(
    "second",
    [
        pytest.param("unsuspended", id="revoke-then-unsuspend"),
        pytest.param("suspended", id="revoke-then-suspend-without-a-suspension-entry"),
    ],
)
def test_a_refused_status_request_changes_nothing_not_even_its_first_change(
    client: TestClient, second: str
) -> None:
    """The changes of one request are one transaction: when a later change is refused (4xx),
    the revocation listed before it is not kept either: not in the issuer's record, not in
    the published lists (it was: the 422 answer hid a revocation already committed)."""
    document = issued_with_message(client)
    body = {
        "credentialId": document["id"],
        "credentialStatus": [
            {"type": "BitstringStatusListEntry", "status": "revoked"},
            {"type": "BitstringStatusListEntry", "status": second},
        ],
        "reason": "Sent by mistake.",
        "reasonCode": "issued-in-error",
    }
    refused = client.post("/credentials/status", json=body)
    assert 400 <= refused.status_code < 500, refused.text
    assert status_detail(client, document)[0] == "pass"  # the revocation list: not revoked
    message = entry_of(document, "message")
    listed = client.get(message["statusListCredential"]).json()
    assert check_entry(message, listed).message == "not-revoked"
    shown = client.get("/issuers/community-college/credentials", params={"limit": 500}).json()
    row = next(c for c in shown if c["id"] == document["id"])
    assert row["revoked"] is None and row["revokedReason"] is None
    # the same revocation alone is then made, with its reason
    done = revoke(client, document["id"], reason="Sent by mistake.", reasonCode="issued-in-error")
    assert done.status_code == 200 and done.json()["changed"] is True
