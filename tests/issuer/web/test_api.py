"""The issuer's JSON routes over HTTP: good and bad input, auth, and what gets written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import BASE_URL, FROZEN, TOKEN, AppFactory
from vckit.ob import baking as vckit_baking

PROBLEM = "application/problem+json"
COLLEGE = "did:web:issuer.test:issuers:community-college"
NURSING_1 = "fundamentals-of-nursing-1"


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("urn:ler:problem:")
    return body


def credential_count(client: TestClient, slug: str = "community-college") -> int:
    return len(client.get(f"/issuers/{slug}/credentials", params={"limit": 500}).json())


def vc_api_credential(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": COLLEGE,
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Riverside CC"},
    }
    credential.update(changes)
    return credential


# --- public reads --------------------------------------------------------------------------


def test_health_and_installation_did(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/.well-known/did.json").json()["id"] == "did:web:issuer.test"


def test_issuers_list_and_did_documents(client: TestClient) -> None:
    issuers = client.get("/issuers", headers={"Authorization": ""}).json()
    assert len(issuers) == 4
    for issuer in issuers:
        response = client.get(f"/issuers/{issuer['slug']}/did.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/did+json")
        document = response.json()
        assert document["id"] == issuer["did"] == issuer["profile"]["id"]
        assert len(document["assertionMethod"]) == 4  # Ed25519, P-256, P-384, RSA


def test_unknown_issuer_did_is_404(client: TestClient) -> None:
    assert_problem(client.get("/issuers/nobody/did.json"), 404)


def test_catalogue_reads(client: TestClient) -> None:
    listed = client.get("/issuers/community-college/achievements").json()
    assert [a["name"] for a in listed] == [
        "Fundamentals of Nursing I",
        "Fundamentals of Nursing II",
        "Practical Nursing Certificate",
    ]
    assert listed[2]["courses"] == [NURSING_1, "fundamentals-of-nursing-2"]
    assert "courses" not in listed[0]
    one = client.get(f"/issuers/community-college/achievements/{NURSING_1}").json()
    assert one["id"] == f"{BASE_URL}/issuers/community-college/achievements/{NURSING_1}"
    assert {a["targetName"] for a in one["alignment"]} >= {"Patient data privacy"}
    assert_problem(client.get("/issuers/community-college/achievements/nope"), 404)
    assert_problem(client.get("/issuers/nobody/achievements"), 404)


# --- the API token -------------------------------------------------------------------------

WRITE_ROUTES = [
    ("post", "/credentials/issue"),
    ("post", "/credentials/status"),
    ("post", "/issuers/community-college/credentials"),
    ("get", "/issuers/community-college/credentials"),
    ("post", "/issuers/community-college/achievements"),
    ("post", "/issuers/community-college/keys/rotate"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES, ids=lambda v: str(v))
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="missing"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, 401, id="not-bearer"),
        pytest.param({"Authorization": "Bearer wrong-token"}, 403, id="wrong"),
    ],
)
def test_write_routes_need_the_token(
    issuer_app: AppFactory, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    anonymous = TestClient(issuer_app(), base_url=BASE_URL)
    response = anonymous.request(method, path, headers=headers, json={})
    body = assert_problem(response, status)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert body["type"] in ("urn:ler:problem:unauthorized", "urn:ler:problem:forbidden")
    authorized = TestClient(
        anonymous.app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert credential_count(authorized) == 0  # nothing was issued


# --- project route: issue ------------------------------------------------------------------


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"])
def test_issue_each_format(client: TestClient, format: str) -> None:
    response = client.post(
        "/issuers/community-college/credentials",
        json={"achievement": NURSING_1, "recipient": {"did": "did:example:ana"}, "format": format},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == format and body["id"].startswith("urn:uuid:")
    assert body["download"].startswith(f"{BASE_URL}/credentials/")
    assert isinstance(
        body["credential"], dict if format.endswith("2022") or format.endswith("2019") else str
    )


def test_issue_to_an_email_with_suspension_and_expiry(client: TestClient) -> None:
    response = client.post(
        "/issuers/food-safety/credentials",
        json={
            "achievement": "food-handler",
            "recipient": {"email": "ana@example.org"},
            "suspension": True,
            "valid_until": "2027-03-02T00:00:00Z",
        },
    )
    assert response.status_code == 201, response.text
    credential = response.json()["credential"]
    assert credential["validUntil"] == "2027-03-02T00:00:00Z"
    [identifier] = credential["credentialSubject"]["identifier"]
    assert identifier["hashed"] is True and identifier["salt"]
    assert credential["credentialStatus"]["statusPurpose"] == "suspension"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({}, 422, id="empty"),
        pytest.param({"achievement": NURSING_1}, 422, id="no-recipient"),
        pytest.param({"achievement": NURSING_1, "recipient": {}}, 422, id="empty-recipient"),
        pytest.param(
            {
                "achievement": NURSING_1,
                "recipient": {"did": "did:example:a", "email": "a@b.example"},
            },
            422,
            id="two-recipients",
        ),
        pytest.param(
            {"achievement": "pastry-chef", "recipient": {"did": "did:example:a"}},
            422,
            id="unknown-achievement",
        ),
        pytest.param(
            {"achievement": NURSING_1, "recipient": {"did": "did:example:a"}, "format": "jwt"},
            422,
            id="unknown-format",
        ),
        pytest.param(
            {
                "achievement": NURSING_1,
                "recipient": {"did": "did:example:a"},
                "valid_until": "2020-01-01T00:00:00Z",
            },
            422,
            id="expired",
        ),
        pytest.param(
            {
                "achievement": NURSING_1,
                "recipient": {"did": "did:example:a"},
                "valid_until": "soon",
            },
            422,
            id="bad-date",
        ),
        pytest.param(
            {"achievement": NURSING_1, "recipient": {"did": "did:example:a"}, "colour": "blue"},
            422,
            id="unknown-field",
        ),
        pytest.param(["not", "an", "object"], 400, id="not-an-object"),
    ],
)
def test_issue_bad_requests(client: TestClient, body: Any, status: int) -> None:
    response = client.post("/issuers/community-college/credentials", json=body)
    assert_problem(response, status)
    assert credential_count(client) == 0


def test_issue_malformed_json_and_unknown_issuer(client: TestClient) -> None:
    response = client.post(
        "/issuers/community-college/credentials",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert assert_problem(response, 400)["type"] == "urn:ler:problem:malformed-json"
    response = client.post(
        "/issuers/nobody/credentials",
        json={"achievement": NURSING_1, "recipient": {"did": "did:example:a"}},
    )
    assert_problem(response, 404)


def test_oversized_body_is_413_and_writes_nothing(client: TestClient) -> None:
    body = {"achievement": NURSING_1, "recipient": {"did": "did:example:" + "a" * 200_000}}
    assert_problem(client.post("/issuers/community-college/credentials", json=body), 413)

    def chunks() -> Any:  # no Content-Length: counted as it streams
        yield b'{"achievement": "' + b"x" * 60_000
        yield b"y" * 60_000 + b'"}'

    response = client.post(
        "/issuers/community-college/credentials",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 413)
    assert credential_count(client) == 0


# --- download and listing -------------------------------------------------------------------


def test_download_json_and_jwt(client: TestClient) -> None:
    for format, media in (
        ("eddsa-rdfc-2022", "application/ld+json"),
        ("ob3-jwt", "application/jwt"),
    ):
        issued = client.post(
            "/issuers/community-college/credentials",
            json={
                "achievement": NURSING_1,
                "recipient": {"did": "did:example:a"},
                "format": format,
            },
        ).json()
        response = client.get(
            issued["download"].removeprefix(BASE_URL), headers={"Authorization": ""}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert "attachment" in response.headers["content-disposition"]
        expected = issued["credential"]
        assert (response.json() if isinstance(expected, dict) else response.text) == expected
    assert_problem(client.get("/credentials/not-a-token"), 404)


@pytest.mark.parametrize("format", ["eddsa-rdfc-2022", "ob3-jwt"])
@pytest.mark.parametrize("kind", ["png", "svg"])
def test_download_baked_badge(client: TestClient, format: str, kind: str) -> None:
    issued = client.post(
        "/issuers/community-college/credentials",
        json={"achievement": NURSING_1, "recipient": {"did": "did:example:a"}, "format": format},
    ).json()
    url = issued["download"].removeprefix(BASE_URL) + f"/baked.{kind}"
    response = client.get(url, headers={"Authorization": ""})  # public: the URL is the capability
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(f"image/{kind}")
    assert "attachment" in response.headers["content-disposition"]
    assert vckit_baking.extract(response.content) == issued["credential"]
    assert_problem(client.get(url.replace(f"baked.{kind}", "baked.gif")), 404)
    assert_problem(client.get(f"/credentials/not-a-token/baked.{kind}"), 404)


def test_download_by_id_needs_the_token(client: TestClient) -> None:
    issued = client.post(
        "/issuers/community-college/credentials",
        json={"achievement": NURSING_1, "recipient": {"did": "did:example:a"}},
    ).json()
    response = client.get(f"/credentials/{issued['id']}")
    assert response.status_code == 200 and response.json() == issued["credential"]
    assert_problem(client.get(f"/credentials/{issued['id']}", headers={"Authorization": ""}), 401)
    wrong = {"Authorization": "Bearer nope"}
    assert_problem(client.get(f"/credentials/{issued['id']}", headers=wrong), 403)
    assert_problem(client.get("/credentials/urn:uuid:00000000-0000-4000-8000-000000000000"), 404)


def test_issued_list(client: TestClient) -> None:
    client.post(
        "/issuers/employer/credentials",
        json={"achievement": "medication-round-on-the-job", "recipient": {"did": "did:example:b"}},
    )
    listed = client.get("/issuers/employer/credentials").json()
    assert len(listed) == 1 and listed[0]["revoked"] is None
    assert_problem(client.get("/issuers/nobody/credentials"), 404)


# --- catalogue writes -----------------------------------------------------------------------

NEW_ACHIEVEMENT = {
    "name": "Infection Control",
    "description": "Hand hygiene, personal protective equipment and isolation precautions.",
    "criteria": {"narrative": "Passed the infection control module."},
    "achievementType": "Course",
}


def test_create_achievement_then_issue_it(client: TestClient) -> None:
    response = client.post(
        "/issuers/community-college/achievements",
        json={"slug": "infection-control", "achievement": NEW_ACHIEVEMENT},
    )
    assert response.status_code == 201, response.text
    assert response.json()["id"].endswith("/achievements/infection-control")
    issued = client.post(
        "/issuers/community-college/credentials",
        json={"achievement": "infection-control", "recipient": {"did": "did:example:c"}},
    )
    assert issued.status_code == 201
    again = client.post(
        "/issuers/community-college/achievements",
        json={"slug": "infection-control", "achievement": NEW_ACHIEVEMENT},
    )
    assert_problem(again, 409)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"slug": "x"}, 422, id="no-achievement"),
        pytest.param({"slug": "Bad Slug", "achievement": NEW_ACHIEVEMENT}, 422, id="bad-slug"),
        pytest.param(
            {"slug": "no-criteria", "achievement": {"name": "N", "description": "D"}},
            422,
            id="schema-criteria-missing",
        ),
        pytest.param(
            {"slug": "with-id", "achievement": {**NEW_ACHIEVEMENT, "id": "urn:x:1"}},
            422,
            id="id-given",
        ),
        pytest.param(
            {"slug": "bidi", "achievement": {**NEW_ACHIEVEMENT, "name": "Infection \u202eControl"}},
            422,
            id="bidi-name",
        ),
        pytest.param(
            {"slug": "hidden", "achievement": {**NEW_ACHIEVEMENT, "description": "Hand\u200b"}},
            422,
            id="invisible-description",
        ),
    ],
)
def test_create_achievement_bad(client: TestClient, body: dict[str, Any], status: int) -> None:
    before = len(client.get("/issuers/community-college/achievements").json())
    assert_problem(client.post("/issuers/community-college/achievements", json=body), status)
    assert len(client.get("/issuers/community-college/achievements").json()) == before


# --- key rotation ---------------------------------------------------------------------------


def test_rotate_keys(client: TestClient) -> None:
    response = client.post("/issuers/nursing-board/keys/rotate")
    assert response.status_code == 200
    new = response.json()["keys"]
    document = client.get("/issuers/nursing-board/did.json").json()
    assert len(document["verificationMethod"]) == 8  # Ed25519, P-256, P-384, RSA; twice
    assert len(document["assertionMethod"]) == 8 and document["authentication"] == new
    assert_problem(client.post("/issuers/nobody/keys/rotate"), 404)


# --- VC-API issue ---------------------------------------------------------------------------


def test_vc_api_issue_v2(client: TestClient) -> None:
    response = client.post("/credentials/issue", json={"credential": vc_api_credential()})
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["proof"]["verificationMethod"] == f"{COLLEGE}#ed25519-1"
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert vc["validFrom"] == "2026-03-02T09:30:00Z"
    assert vc["id"].startswith("urn:uuid:")


def test_vc_api_issue_v1_gets_a_status_list_2021_entry_when_asked(client: TestClient) -> None:
    credential = vc_api_credential(
        **{
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "credentialSubject": {"id": "did:example:learner"},
            "type": ["VerifiableCredential"],
        }
    )
    options = {"credentialId": "urn:uuid:1", "credentialStatus": {"type": "StatusList2021Entry"}}
    response = client.post(
        "/credentials/issue", json={"credential": credential, "options": options}
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["issuanceDate"] == "2026-03-02T09:30:00Z" and vc["id"] == "urn:uuid:1"
    assert vc["credentialStatus"]["type"] == "StatusList2021Entry"
    assert "https://w3id.org/vc/status-list/2021/v1" in vc["@context"]


def test_vc_api_issue_jwt_is_enveloped(client: TestClient) -> None:
    response = client.post(
        "/credentials/issue",
        json={"credential": vc_api_credential(), "options": {"format": "vc-jwt"}},
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["type"] == "EnvelopedVerifiableCredential"
    assert vc["id"].startswith("data:application/vc+jwt,ey")


def test_vc_api_duplicate_id_is_409(client: TestClient) -> None:
    body = {"credential": vc_api_credential(id="urn:uuid:dup")}
    assert client.post("/credentials/issue", json=body).status_code == 201
    assert_problem(client.post("/credentials/issue", json=body), 409)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({}, 400, id="no-credential"),
        pytest.param({"credential": "a string"}, 400, id="credential-not-object"),
        pytest.param({"credential": vc_api_credential(), "extra": 1}, 400, id="unknown-member"),
        pytest.param(
            {"credential": vc_api_credential(), "options": {"proofType": "x"}},
            422,
            id="unknown-option",
        ),
        pytest.param(
            {"credential": vc_api_credential(), "options": {"mandatoryPointers": ["/a"]}},
            422,
            id="mandatory-pointers",
        ),
        pytest.param(
            {"credential": vc_api_credential(issuer="did:example:someone-else")},
            422,
            id="foreign-issuer",
        ),
        pytest.param({"credential": vc_api_credential(issuer=None)}, 400, id="no-issuer"),
        pytest.param(
            {"credential": vc_api_credential(**{"@context": ["https://example.org/x"]})},
            400,
            id="bad-context",
        ),
        pytest.param(
            {"credential": vc_api_credential(type=["ExampleAlumniCredential"])}, 400, id="not-a-vc"
        ),
        pytest.param(
            {"credential": vc_api_credential(credentialStatus={"id": "x"})},
            422,
            id="status-malformed",
        ),
        pytest.param({"credential": vc_api_credential(proof={"type": "x"})}, 400, id="proof-given"),
        pytest.param(
            {
                "credential": vc_api_credential(
                    **{
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": ["VerifiableCredential"],
                    }
                )
            },
            422,
            id="issuer-dependent-term",
        ),
        pytest.param(
            {"credential": vc_api_credential(issuanceDate="2020-01-01T00:00:00Z")},
            400,
            id="v1-date-in-v2",
        ),
        pytest.param(
            {"credential": vc_api_credential(type=["VerifiableCredential", "OpenBadgeCredential"])},
            422,
            id="ob-schema-fails",
        ),
    ],
)
def test_vc_api_issue_bad(client: TestClient, body: dict[str, Any], status: int) -> None:
    assert_problem(client.post("/credentials/issue", json=body), status)
    assert credential_count(client) == 0


# --- VC-API status --------------------------------------------------------------------------


def issue_one(client: TestClient, **options: Any) -> str:
    response = client.post(
        "/credentials/issue", json={"credential": vc_api_credential(), "options": options}
    )
    assert response.status_code == 201, response.text
    credential_id: str = response.json()["verifiableCredential"]["id"]
    return credential_id


def test_status_revoke_list_form(client: TestClient) -> None:
    credential_id = issue_one(client)
    body = {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    response = client.post("/credentials/status", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "credentialId": credential_id,
        "changed": True,
        "status": {"revocation": True},
        "revoked": "2026-03-02T09:30:00+00:00",
        "reason": None,
        "reasonCode": None,
    }
    again = client.post("/credentials/status", json=body).json()
    assert again["changed"] is False


def test_status_suspend_and_unsuspend_object_form(client: TestClient) -> None:
    credential_id = issue_one(client, suspension=True)

    def set_suspended(value: bool) -> dict[str, Any]:
        response = client.post(
            "/credentials/status",
            json={
                "credentialId": credential_id,
                "status": value,
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "suspension",
                },
            },
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["status"]
        return result

    assert set_suspended(True) == {"revocation": False, "suspension": True}
    assert set_suspended(False) == {"revocation": False, "suspension": False}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({}, 400, id="empty"),
        pytest.param({"credentialId": 5, "credentialStatus": []}, 400, id="id-not-string"),
        pytest.param({"credentialId": "ID", "credentialStatus": []}, 400, id="no-entries"),
        pytest.param(
            {
                "credentialId": "ID",
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "deleted"}],
            },
            400,
            id="unknown-status",
        ),
        pytest.param(
            {
                "credentialId": "ID",
                "credentialStatus": [{"type": "RevocationList2020", "status": "revoked"}],
            },
            400,
            id="wrong-type",
        ),
        pytest.param(
            {
                "credentialId": "ID",
                "status": "yes",
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
            },
            400,
            id="status-not-bool",
        ),
        pytest.param(
            {
                "credentialId": "urn:uuid:unknown",
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
            },
            404,
            id="unknown-credential",
        ),
        pytest.param(
            {
                "credentialId": "ID",
                "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}],
            },
            422,
            id="no-suspension-entry",
        ),
    ],
)
def test_status_bad(client: TestClient, body: dict[str, Any], status: int) -> None:
    credential_id = issue_one(client)
    if body.get("credentialId") == "ID":
        body = {**body, "credentialId": credential_id}
    assert_problem(client.post("/credentials/status", json=body), status)
    listed = client.get("/issuers/community-college/credentials").json()
    assert listed[0]["revoked"] is None


def test_status_list_credential_is_served_and_public(client: TestClient) -> None:
    credential_id = issue_one(client)
    listed = client.get("/issuers/community-college/credentials").json()
    entry = next(c for c in listed if c["id"] == credential_id)["credential"]["credentialStatus"]
    url = entry["statusListCredential"]
    response = client.get(url.removeprefix(BASE_URL), headers={"Authorization": ""})
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == url and "BitstringStatusListCredential" in document["type"]
    assert document["issuer"] == COLLEGE and document["proof"]["proofPurpose"] == "assertionMethod"
    assert document["validFrom"] == FROZEN.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_problem(client.get("/issuers/community-college/status/revocation-99"), 404)
