"""The issuer refuses to sign what breaks the VC Data Model, and signs a caller's status as given.

The bad inputs are the ones the W3C vc-data-model-2.0 suite sends the issuer (``tests/input``
and ``tests/5-advanced-concepts.js``), each through the VC-API (``POST /credentials/issue``): a
422 ``urn:ler:problem:data-model`` whose detail names the member and the rule, and nothing
stored. The verifier's ``format`` check reports the same rules (:mod:`vckit.data_model`).

A well-formed digest is compared with the resource when we hold the bytes W3C serves
(:mod:`vckit.related_resources`: the VC 2.0 base and examples contexts, whose digests the VC DM
2.0 Recommendation publishes): the suite's wrong ``digestMultibase`` for the base context is
refused, and so are the suite's "valid" digests, which are those of the 2024 Candidate
Recommendation's base context (``24a18c90…``), not of the published one (``59955ced…``). A
digest for a resource we do not hold is signed as given (we fetch nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import checks_by_id, verify_options
from tests.issuer.web.test_api import assert_problem, credential_count, vc_api_credential
from vckit.data_model import violations
from vckit.verification import verify

V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
RESOURCE = V2_CONTEXT
# The base context's digests as the VC DM 2.0 Recommendation publishes them (Examples 25, 26;
# its SRI example shows a stray multibase "M" after "sha384-", dropped here)
GOOD_SRI = "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"
GOOD_MULTIBASE = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"
# The suite's fixture digests: the 2024 Candidate Recommendation's base context
CR2_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
CR2_MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"
# The suite's "wrong digest" (tests/5-advanced-concepts.js)
WRONG_MULTIBASE = "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"
NOT_HELD = "https://example.org/resources/syllabus.pdf"


def subject_only(**changes: Any) -> dict[str, Any]:
    return vc_api_credential(credentialSubject={"id": "did:example:subject"}, **changes)


REFUSED = [
    pytest.param(
        vc_api_credential(credentialSubject={}), "credentialSubject: must not be empty", id="empty"
    ),
    pytest.param(
        vc_api_credential(credentialSubject=[{"id": "did:example:subject"}, {}]),
        "credentialSubject[1]: must not be empty",
        id="one-subject-empty",
    ),
    pytest.param(
        subject_only(validFrom="Sat 25 Feb 2023 07:16:31 PM CST"),
        "validFrom: must be an xsd:dateTimeStamp",
        id="validFrom-words",
    ),
    pytest.param(
        subject_only(
            validFrom="2023-02-26T01:21:51Z", validUntil="Sun, 26 Feb 2023 01:22:14 +0000"
        ),
        "validUntil: must be an xsd:dateTimeStamp",
        id="validUntil-rfc2822",
    ),
    pytest.param(subject_only(termsOfUse={}), "termsOfUse.type: is required", id="terms-empty"),
    pytest.param(
        subject_only(termsOfUse={"id": "did:example:terms/1"}),
        "termsOfUse.type: is required",
        id="terms-no-type",
    ),
    pytest.param(subject_only(evidence={}), "evidence.type: is required", id="evidence"),
    pytest.param(
        subject_only(refreshService={"id": "did:example:refresh/1"}),
        "refreshService.type: is required",
        id="refresh",
    ),
    pytest.param(
        subject_only(credentialSchema={"id": "did:example:schemas/1"}),
        "credentialSchema.type: is required",
        id="schema",
    ),
    pytest.param(
        subject_only(relatedResource=[RESOURCE]),
        "relatedResource[0]: must be an object",
        id="related-string",
    ),
    pytest.param(
        subject_only(relatedResource=[{"digestMultibase": GOOD_MULTIBASE}]),
        "relatedResource[0].id: is required",
        id="related-no-id",
    ),
    pytest.param(
        subject_only(
            relatedResource=[
                {"id": RESOURCE, "digestSRI": GOOD_SRI},
                {"id": RESOURCE, "digestMultibase": GOOD_MULTIBASE},
            ]
        ),
        "relatedResource[1].id: https://www.w3.org/ns/credentials/v2 is listed twice",
        id="related-duplicate",
    ),
    pytest.param(
        subject_only(relatedResource=[{"id": RESOURCE}]),
        "relatedResource[0]: needs a digestSRI or a digestMultibase",
        id="related-no-digest",
    ),
    pytest.param(
        subject_only(
            relatedResource=[
                {
                    "id": RESOURCE,
                    "digestSRI": "sha384-"
                    "_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P",
                }
            ]
        ),
        "relatedResource[0].digestSRI: is not a SHA-2 SRI digest",
        id="related-wrong-sri",
    ),
    pytest.param(
        subject_only(relatedResource=[{"id": RESOURCE, "digestMultibase": WRONG_MULTIBASE}]),
        "relatedResource[0].digestMultibase: does not match the digest of "
        "https://www.w3.org/ns/credentials/v2",
        id="related-wrong-multibase",
    ),
    pytest.param(
        subject_only(relatedResource={"id": RESOURCE, "digestSRI": CR2_SRI}),
        "relatedResource.digestSRI: does not match the digest of "
        "https://www.w3.org/ns/credentials/v2",
        id="related-superseded-sri",
    ),
    pytest.param(subject_only(id=None), "id: must be one URL when present, not null", id="id-null"),
    pytest.param(
        subject_only(credentialStatus={"id": "did:example:status"}),
        "credentialStatus.type: is required",
        id="status-no-type",
    ),
    pytest.param(
        subject_only(credentialStatus={"id": "did:example:status", "type": 2}),
        "credentialStatus.type: is required, a string",
        id="status-type-number",
    ),
    pytest.param(
        subject_only(
            credentialStatus={
                "id": ["did:example:status:1", "did:example:status:2"],
                "type": "CredentialStatusList2017",
            }
        ),
        "credentialStatus.id: must be one URL",
        id="status-two-ids",
    ),
    pytest.param(
        subject_only(
            credentialStatus={
                "type": "CredentialStatusList2017",
                "id": "https ://not-a-url/statusList/4",
            }
        ),
        "credentialStatus.id: must be one URL",
        id="status-id-not-url",
    ),
    pytest.param(
        subject_only(
            credentialStatus=[
                {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": 94567,
                    "statusListCredential": "https://example.org/status/3",
                }
            ]
        ),
        "credentialStatus[0].statusListIndex: must be a non-negative integer as a string",
        id="bitstring-index-number",
    ),
    pytest.param(
        subject_only(
            credentialStatus={
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
            }
        ),
        "credentialStatus.statusListCredential: must be a URL",
        id="bitstring-no-list",
    ),
]


@pytest.mark.parametrize(("credential", "named"), REFUSED)
def test_vc_api_refuses_naming_the_member_and_rule(
    client: TestClient, credential: dict[str, Any], named: str
) -> None:
    response = client.post("/credentials/issue", json={"credential": credential})
    problem = assert_problem(response, 422)
    assert problem["type"] == "urn:ler:problem:data-model", problem
    assert named in problem["detail"], problem["detail"]
    assert credential_count(client) == 0


@pytest.mark.parametrize(("credential", "named"), REFUSED)
def test_the_verifier_format_check_applies_the_same_rules(
    credential: dict[str, Any], named: str
) -> None:
    assert any(named in str(v) for v in violations(credential)), violations(credential)


@pytest.mark.parametrize(
    "related",
    [
        {"id": RESOURCE, "digestSRI": GOOD_SRI},
        {"id": RESOURCE, "digestMultibase": GOOD_MULTIBASE},
        [{"id": RESOURCE, "mediaType": "application/ld+json", "digestSRI": GOOD_SRI}],
        {"id": NOT_HELD, "digestSRI": CR2_SRI, "digestMultibase": WRONG_MULTIBASE},
    ],
    ids=["sri", "multibase", "list-with-media-type", "not-held"],
)
def test_well_formed_related_resources_are_signed(client: TestClient, related: Any) -> None:
    response = client.post(
        "/credentials/issue", json={"credential": subject_only(relatedResource=related)}
    )
    assert response.status_code == 201, response.text
    assert response.json()["verifiableCredential"]["relatedResource"] == related


def test_a_missing_id_is_still_given_one(client: TestClient) -> None:
    response = client.post("/credentials/issue", json={"credential": subject_only()})
    assert response.status_code == 201, response.text
    assert response.json()["verifiableCredential"]["id"].startswith("urn:uuid:")


def test_the_suite_status_example_is_signed_as_given(client: TestClient) -> None:
    credential = subject_only(
        credentialStatus={"id": "did:example:status", "type": "CredentialStatusList2017"}
    )
    credential["type"] = ["VerifiableCredential"]
    credential["@context"] = [
        V2_CONTEXT,
        {"CredentialStatusList2017": "https://example.org/examples#CredentialStatusList2017"},
    ]
    response = client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    issued = response.json()["verifiableCredential"]
    assert issued["credentialStatus"] == credential["credentialStatus"]


def test_a_caller_managed_bitstring_entry_is_signed_as_given_and_verifies(
    client: TestClient,
) -> None:
    """The caller points at a list it manages (here the issuer's own published list, at an
    index the issuer never allocated): signed unchanged, no entry allocated, and the
    verifier checks the status against that list."""
    first = client.post("/credentials/issue", json={"credential": subject_only()})
    assert first.status_code == 201, first.text
    issued_entry = first.json()["verifiableCredential"]["credentialStatus"]
    entry = {
        "id": f"{issued_entry['statusListCredential']}#4242",
        "type": "BitstringStatusListEntry",
        "statusPurpose": issued_entry["statusPurpose"],
        "statusListIndex": "4242",
        "statusListCredential": issued_entry["statusListCredential"],
    }
    response = client.post(
        "/credentials/issue", json={"credential": subject_only(credentialStatus=[entry])}
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["credentialStatus"] == [entry]
    report = verify(vc, verify_options(client))
    assert report.verdict == "pass", report
    assert checks_by_id(report)["status"] == "pass"


def test_the_verifier_fails_a_wrong_digest_of_a_resource_it_holds(client: TestClient) -> None:
    """Signed by hand past the issuer's rule would be the real case; here the issuer signs
    a good digest and one member is changed after: the proof breaks too, so the
    ``related-resources`` check is what is looked at (it names the resource)."""
    response = client.post(
        "/credentials/issue",
        json={
            "credential": subject_only(relatedResource=[{"id": RESOURCE, "digestSRI": GOOD_SRI}])
        },
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    report = verify(vc, verify_options(client))
    assert report.verdict == "pass", report
    assert checks_by_id(report)["related-resources"] == "pass"
    vc["relatedResource"][0]["digestSRI"] = CR2_SRI
    report = verify(vc, verify_options(client))
    checks = {c.id: c for c in report.all_checks()}
    assert checks["related-resources"].status == "fail"
    assert RESOURCE in checks["related-resources"].detail
    assert "relatedResource[0].digestSRI: does not match" in checks["format"].detail


def test_a_resource_the_verifier_does_not_hold_is_could_not_check(client: TestClient) -> None:
    related = [{"id": NOT_HELD, "digestMultibase": WRONG_MULTIBASE}]
    response = client.post(
        "/credentials/issue", json={"credential": subject_only(relatedResource=related)}
    )
    assert response.status_code == 201, response.text
    report = verify(response.json()["verifiableCredential"], verify_options(client))
    check = {c.id: c for c in report.all_checks()}["related-resources"]
    assert check.status == "could-not-check", check
    assert NOT_HELD in check.detail
    assert check.advisory
    assert report.verdict == "pass", report
