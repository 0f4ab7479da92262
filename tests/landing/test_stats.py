"""Statistics over HTTP: real credentials issued, received, shared and verified by the real
apps, counted by each service's ``/stats`` and merged by the landing page, with no
personal data anywhere; a service that is down shows as unavailable."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from landing.app import create_app
from tests.landing.conftest import (
    ISSUER_URL,
    VERIFIER_URL,
    WALLET_URL,
    Demo,
    landing_settings,
)
from tests.scenarios import HOLDER, did_of, ob3_credential, sign, vm_of
from tests.verifier.callers import as_employer
from tests.wallet.conftest import ALICE, AppsTransport, account_id_of, csrf, sign_up
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation
from wallet import store as wallet_store

NURSING_1 = "Fundamentals of Nursing I"
FOOD = "Food Handler"
LEARNER_NAME = "Ana Quintero-Private"
PRIVACY_SKILL = re.compile(r"patient data privacy", re.I)


def issue(demo: Demo, slug: str, achievement: str, **recipient: str) -> dict[str, Any]:
    body = {"achievement": achievement, "recipient": recipient, "recipient_name": LEARNER_NAME}
    made = demo.staff.post(f"/issuers/{slug}/credentials", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json()["credential"])


def receive_by_offer(demo: Demo, learner: TestClient, slug: str, achievement: str) -> None:
    made = demo.staff.post(f"/issuers/{slug}/offers", json={"achievement": achievement})
    assert made.status_code == 201, made.text
    offer = made.json()
    text = next(v for k, v in offer.items() if isinstance(v, str) and "credential_offer" in v)
    posted = learner.post(
        "/receive/offer", data={"csrf": csrf(learner), "offer": text}, follow_redirects=False
    )
    assert posted.status_code == 303, posted.text[:2000]


def share_one(learner: TestClient, credential_id: str) -> None:
    made = learner.post(
        "/presentations",
        data={"csrf": csrf(learner), f"c:{credential_id}": "on"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:2000]
    presentation_id = made.headers["location"].rsplit("/", 1)[1]
    shared = learner.post(
        f"/presentations/{presentation_id}/share", data={"csrf": csrf(learner), "expiry": "1d"}
    )
    assert shared.status_code == 200, shared.text[:2000]


def present_to_verifier(demo: Demo, credential: dict[str, Any]) -> str:
    """A job at the verifier; HOLDER answers its OpenID4VP request (direct_post)."""
    employer = as_employer(TestClient(demo.verifier, base_url=VERIFIER_URL))
    job = employer.post(
        "/api/jobs",
        json={"title": "Care assistant", "requirements": {"types": ["OpenBadgeCredential"]}},
    )
    assert job.status_code == 201, job.text
    job_id = job.json()["id"]
    request = employer.post(f"/api/jobs/{job_id}/requests", json={"kind": "openid4vp"})
    assert request.status_code == 201, request.text
    link = request.json()["links"]["by_reference"]
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    token = employer.get(urlsplit(params["request_uri"]).path).text
    payload = token.split(".")[1]
    claims = json.loads(httpx.Response(200, content=_b64(payload)).text)
    vp = sign_presentation(
        build_presentation([credential], holder=did_of(HOLDER)),
        HOLDER,
        verification_method=vm_of(HOLDER),
        challenge=claims["nonce"],
        domain=claims["client_id"],
    )
    query_id = claims["dcql_query"]["credentials"][0]["id"]
    answer = employer.post(
        urlsplit(claims["response_uri"]).path,
        data={"vp_token": json.dumps({query_id: [vp]}), "state": claims["state"]},
    )
    assert answer.status_code == 200, answer.text
    [result] = employer.get(f"/api/jobs/{job_id}/results").json()
    return str(result["verdict"])


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_stats_count_what_really_happened_and_hold_no_personal_data(demo: Demo) -> None:
    learner = sign_up(TestClient(demo.wallet, base_url=WALLET_URL), ALICE)
    receive_by_offer(demo, learner, "community-college", "fundamentals-of-nursing-1")
    receive_by_offer(demo, learner, "food-safety", "food-handler")
    account_id = account_id_of(demo.wallet, ALICE)
    with demo.wallet.state.inst.db.transaction() as tx:
        held = wallet_store.list_credentials(tx, account_id)
        learner_did = wallet_store.get_account(tx, account_id).did  # type: ignore[union-attr]
    assert len(held) == 2
    nursing = next(c for c in held if NURSING_1 in json.dumps(c.document))
    share_one(learner, nursing.id)
    presented = issue(demo, "community-college", "fundamentals-of-nursing-1", did=did_of(HOLDER))
    verdict = present_to_verifier(demo, presented)

    issuer_stats = TestClient(demo.issuer, base_url=ISSUER_URL).get("/stats").json()
    assert issuer_stats["totals"]["issued"] == 3
    assert issuer_stats["by_achievement"]["issued"] == {NURSING_1: 2, FOOD: 1}
    skills = issuer_stats["by_skill"]["issued"]
    assert [n for n in skills if PRIVACY_SKILL.search(n)] and max(skills.values()) == 2
    wallet_stats = TestClient(demo.wallet, base_url=WALLET_URL).get("/stats").json()
    assert wallet_stats["totals"] == {
        "learners": 1, "held": 2, "verified": 2, "presentations": 1, "shares": 1,
        "share_links": 1,
    }  # fmt: skip
    assert wallet_stats["by_achievement"] == {} and wallet_stats["by_skill"] == {}
    verifier_stats = TestClient(demo.verifier, base_url=VERIFIER_URL).get("/stats").json()
    assert verifier_stats["totals"]["presentations_verified"] == 1
    assert verifier_stats["totals"][f"verdict_{verdict.replace('-', '_')}"] == 1
    assert verifier_stats["by_achievement"]["checked"] == {NURSING_1: 1}
    assert verifier_stats["by_achievement"]["shared"] == {NURSING_1: 1}

    merged = demo.visitor.get("/stats.json")
    assert merged.status_code == 200
    body = merged.json()
    assert all(s["available"] for s in body["services"].values())
    assert body["by_achievement"][NURSING_1] == {
        "issued": 2, "shared": 1, "checked": 1, "verified": 1 if verdict == "pass" else 0,
    }  # fmt: skip
    assert body["services"]["wallet"]["totals"]["held"] == 2
    page = demo.visitor.get("/stats")
    assert page.status_code == 200 and "<svg" in page.text and NURSING_1 in page.text
    assert "<script" not in page.text

    everything = " ".join(
        [merged.text, page.text, json.dumps([issuer_stats, wallet_stats, verifier_stats])]
    )
    for secret in (ALICE, learner_did, did_of(HOLDER), LEARNER_NAME, "Ana", nursing.id):
        assert secret not in everything, secret


def self_signed(subject: str, achievement: str, skill: str) -> dict[str, Any]:
    """A credential a learner signed with a key they made, naming what they chose."""
    key = KeyPair.generate("Ed25519")
    credential = ob3_credential(did_of(key), subject, name=achievement)
    credential["credentialSubject"]["achievement"]["name"] = achievement
    credential["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = skill
    return sign(credential, key)


def test_a_learners_own_text_never_reaches_any_stats(demo: Demo) -> None:
    planted = "Alex Rivera (DOB 2001-04-17) - HIV clinic"
    planted_skill = "Call Alex on 555-0142"
    learner = sign_up(TestClient(demo.wallet, base_url=WALLET_URL), ALICE)
    account_id = account_id_of(demo.wallet, ALICE)
    with demo.wallet.state.inst.db.transaction() as tx:
        learner_did = wallet_store.get_account(tx, account_id).did  # type: ignore[union-attr]
    pasted = learner.post(
        "/receive/paste",
        data={
            "csrf": csrf(learner),
            "credential": json.dumps(self_signed(learner_did, planted, planted_skill)),
        },
        follow_redirects=False,
    )
    assert pasted.status_code == 303, pasted.text[pasted.text.find("<main") :][:1500]
    with demo.wallet.state.inst.db.transaction() as tx:
        [held] = wallet_store.list_credentials(tx, account_id)
    share_one(learner, held.id)  # shared by link from the wallet
    # and the same text in a holder-signed answer to an employer's request
    present_to_verifier(demo, self_signed(did_of(HOLDER), planted, planted_skill))

    wallet_stats = TestClient(demo.wallet, base_url=WALLET_URL).get("/stats")
    verifier_stats = TestClient(demo.verifier, base_url=VERIFIER_URL).get("/stats")
    assert wallet_stats.json()["totals"]["held"] == 1
    assert wallet_stats.json()["totals"]["share_links"] == 1
    assert verifier_stats.json()["totals"]["credentials_checked"] == 1  # counted, not named
    merged = demo.visitor.get("/stats.json")
    assert merged.json()["services"]["wallet"]["totals"]["held"] == 1
    assert merged.json()["by_achievement"] == {} and merged.json()["by_skill"] == {}
    page = demo.visitor.get("/stats")
    assert page.status_code == 200 and "Nothing counted yet." in page.text
    for response in (wallet_stats, verifier_stats, merged, page):
        text = response.text
        for secret in (planted, planted_skill, "Alex", "555-0142", "HIV"):
            assert secret not in text, (response.url, secret)


def test_a_service_that_is_down_shows_unavailable_never_an_error_page(demo: Demo) -> None:
    only_issuer = AppsTransport({"issuer.test": demo.issuer})  # wallet and verifier are down
    landing = create_app(landing_settings(), transport=only_issuer)
    visitor = TestClient(landing)
    body = visitor.get("/stats.json").json()
    assert body["services"]["issuer"]["available"] is True
    assert body["services"]["wallet"] == {
        "available": False, "reason": "not reachable (ConnectError)",
    }  # fmt: skip
    assert body["services"]["verifier"]["available"] is False
    page = visitor.get("/stats")
    assert page.status_code == 200 and page.text.count("unavailable") >= 2


def test_a_service_answering_nonsense_is_unavailable_too(demo: Demo) -> None:
    def nonsense(request: httpx.Request) -> httpx.Response:
        if request.url.host == "wallet.test":
            return httpx.Response(200, json={"totals": {"held": "many"}})
        if request.url.host == "verifier.test":
            return httpx.Response(500, text="boom")
        return httpx.Response(200, content=b"not json")

    landing = create_app(landing_settings(), transport=httpx.MockTransport(nonsense))
    body = TestClient(landing).get("/stats.json").json()
    assert body["services"]["wallet"]["reason"] == "its answer is not statistics"
    assert body["services"]["verifier"]["reason"] == "HTTP 500"
    assert body["services"]["issuer"]["reason"] == "its answer is not JSON"
