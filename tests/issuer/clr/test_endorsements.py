"""Endorsements over the issuer's API: the nursing board endorses the college's programme and
the college itself; the endorsement verifies on its own, later credentials carry it embedded,
and the college's public page lists it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.issuer.conftest import AppFactory, authorized, revoke, verify_options
from vckit import ob as openbadges
from vckit.jose import vc_jwt as jose
from vckit.verification import verify

BOARD = "nursing-board"
COLLEGE = "community-college"
PROGRAMME = "practical-nursing-programme"
COURSE = "fundamentals-of-nursing-1"
LEARNER = "did:example:learner"
COMMENT = "Approved practical nursing programme under Board rule 12.4."


@pytest.fixture
def client(issuer_app: AppFactory) -> TestClient:
    return authorized(issuer_app())


def endorse(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(f"/issuers/{BOARD}/endorsements", json=body)
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def issue(client: TestClient, achievement: str) -> dict[str, Any]:
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": achievement, "recipient": {"did": LEARNER}},
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def test_the_board_endorses_an_achievement_and_it_verifies(client: TestClient) -> None:
    endorsement = endorse(client, issuer=COLLEGE, achievement=COURSE, comment=COMMENT)
    assert endorsement["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert endorsement["issuer"]["name"] == "State Board of Nursing"
    subject = endorsement["credentialSubject"]
    assert subject["id"].endswith(f"/issuers/{COLLEGE}/achievements/{COURSE}")
    assert subject["endorsementComment"] == COMMENT
    assert openbadges.validate(endorsement) == []  # 1EdTech's EndorsementCredential schema
    assert verify(endorsement, verify_options(client)).verdict == "pass"


def test_credentials_issued_afterwards_carry_the_endorsements(client: TestClient) -> None:
    before = issue(client, COURSE)
    assert "endorsement" not in before["credentialSubject"]["achievement"]
    of_course = endorse(client, issuer=COLLEGE, achievement=COURSE, comment=COMMENT)
    of_college = endorse(client, issuer=COLLEGE, comment="A college the board works with.")
    after = issue(client, COURSE)
    achievement = after["credentialSubject"]["achievement"]
    assert [e["id"] for e in achievement["endorsement"]] == [of_course["id"]]
    assert [e["id"] for e in after["issuer"]["endorsement"]] == [of_college["id"]]
    assert openbadges.validate(after) == []
    report = verify(after, verify_options(client))
    assert report.verdict == "pass", report
    endorsements = [p for p in report.parts if p.role == "endorsement"]
    assert len(endorsements) == 2 and all(p.report.verdict == "pass" for p in endorsements)
    other = issue(client, "fundamentals-of-nursing-2")  # not endorsed itself
    assert "endorsement" not in other["credentialSubject"]["achievement"]
    revoke(client, of_course["id"])
    later = issue(client, COURSE)
    assert "endorsement" not in later["credentialSubject"]["achievement"]  # revoked: left out


def test_the_public_page_lists_the_endorsements(client: TestClient) -> None:
    endorse(client, issuer=COLLEGE, achievement=PROGRAMME, comment=COMMENT)
    page = client.get(f"/issuers/{COLLEGE}", headers={"Authorization": ""}).text
    assert "State Board of Nursing</strong> endorses <strong>Practical Nursing Certificate" in page
    assert COMMENT in page
    board = client.get(f"/issuers/{BOARD}", headers={"Authorization": ""}).text
    assert "No organisation has endorsed" in board


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"issuer": "nobody", "comment": "x"}, "no issuer 'nobody'"),
        ({"issuer": COLLEGE, "achievement": "nope", "comment": "x"}, "no achievement"),
        ({"issuer": COLLEGE, "comment": "   "}, "comment"),
        ({"issuer": BOARD, "comment": "Us."}, "own profile"),
        ({"issuer": COLLEGE}, "comment"),
        ({"issuer": COLLEGE, "comment": "x", "extra": 1}, "extra"),
        ({"issuer": COLLEGE, "comment": "Approved \u202e4.21 elur"}, "comment: must be printable"),
        ({"issuer": COLLEGE, "comment": "Approved\u200d."}, "comment: must be printable"),
    ],
)
def test_bad_endorsements_are_problems(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    response = client.post(f"/issuers/{BOARD}/endorsements", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.text


def test_endorsing_needs_the_token(client: TestClient) -> None:
    response = client.post(
        f"/issuers/{BOARD}/endorsements",
        json={"issuer": COLLEGE, "comment": COMMENT},
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 403
    assert (
        client.post(
            "/issuers/nobody/endorsements", json={"issuer": COLLEGE, "comment": "x"}
        ).status_code
        == 404
    )


def issue_as(client: TestClient, achievement: str, format: str) -> dict[str, Any] | str:
    response = client.post(
        f"/issuers/{COLLEGE}/credentials",
        json={"achievement": achievement, "recipient": {"did": LEARNER}, "format": format},
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] | str = response.json()["credential"]
    return credential


def test_a_vc_jwt_endorsement_goes_in_endorsement_jwt_of_jwt_credentials(
    client: TestClient,
) -> None:
    """OB 3.0 §B ``endorsementJwt``: endorsements signed as VC-JWTs, embedded in credentials
    issued as JWTs (a Data Integrity credential cannot sign the term: the OB 3.0.3 context
    does not define it) and verified there like any endorsement, trusted-issuer check too."""
    response = client.post(
        f"/issuers/{BOARD}/endorsements",
        json={"issuer": COLLEGE, "achievement": COURSE, "comment": COMMENT, "format": "ob3-jwt"},
    )
    assert response.status_code == 201, response.text
    token = response.json()["credential"]
    assert isinstance(token, str) and token.count(".") == 2
    _, payload = jose.peek(token)
    assert "EndorsementCredential" in payload["vc"]["type"]

    as_jwt = issue_as(client, COURSE, "ob3-jwt")
    assert isinstance(as_jwt, str)
    credential = jose.peek(as_jwt)[1]["vc"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["endorsementJwt"] == [token]
    assert openbadges.validate(credential) == []  # 1EdTech's schema allows it
    report = verify(as_jwt, verify_options(client))
    assert report.verdict == "pass", report
    [part] = [p for p in report.parts if p.role == "endorsement"]
    assert part.where.endswith("/achievement/endorsementJwt/0")
    assert part.report.verdict == "pass", part.report
    assert part.report.check("proof") is not None and part.report.check("proof").status == "pass"

    as_di = issue_as(client, COURSE, "eddsa-rdfc-2022")  # signs: the term is left out
    assert isinstance(as_di, dict)
    assert "endorsementJwt" not in as_di["credentialSubject"]["achievement"]
    page = client.get(f"/issuers/{COLLEGE}").text
    assert "State Board of Nursing" in page and COMMENT in page


def test_an_endorsement_in_an_unknown_format_is_refused(client: TestClient) -> None:
    response = client.post(
        f"/issuers/{BOARD}/endorsements",
        json={"issuer": COLLEGE, "comment": COMMENT, "format": "vc-cose"},
    )
    assert response.status_code == 422
    assert "ob3-jwt" in response.json()["detail"]
