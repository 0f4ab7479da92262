"""Selective disclosure, end to end over HTTP: the REAL issuer issues ecdsa-sd-2023 and SD-JWT VC
credentials with learner data to the learner's did:key, the wallet receives and verifies them, the
learner hides the grade and date of birth, and the REAL verifier app (a job's OpenID4VP request,
``ldp_vc`` or ``dc+sd-jwt``) verifies what arrives and stores the result. The three apps reach
each other in-process (the conftest's AppsTransport); nothing is mocked.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.verifier.callers import as_employer
from tests.wallet.conftest import (
    ALICE,
    BOB,
    ISSUER_TOKEN,
    ISSUER_URL,
    Clock,
    WalletFactory,
    account_id_of,
    browser,
    csrf,
    sign_up,
)
from vckit.disclosure import fields as sd_fields
from verifier.app import create_app as create_verifier_app
from verifier.checking.registry import REGISTRY_FILE
from verifier.settings import Settings as VerifierSettings
from wallet import store
from wallet.views import field_text

VERIFIER_URL = "https://verifier.test"
SLUG = "community-college"
NURSING_1, NURSING_2 = "fundamentals-of-nursing-1", "fundamentals-of-nursing-2"
DOB, GRADE, NAME = "2001-04-17", "B", "Alex Rivera"
HIDE = ["/credentialSubject/result", "/credentialSubject/identifier/1"]  # grade, date of birth
REQUIREMENTS = {"types": ["OpenBadgeCredential"]}


@dataclass
class World:
    wallet: FastAPI
    issuer: TestClient  # the issuer's staff (API token)
    employer: TestClient  # the verifier's API
    learner: TestClient  # Alice in the wallet
    did: str

    def issue(self, fmt: str, achievement: str = NURSING_1) -> Any:
        body = {
            "achievement": achievement,
            "recipient": {"did": self.did},
            "format": fmt,
            "recipient_name": NAME,
            "date_of_birth": DOB,
            "grade": GRADE,
        }
        made = self.issuer.post(f"/issuers/{SLUG}/credentials", json=body)
        assert made.status_code == 201, made.text
        return made.json()["credential"]

    def receive(self, credential: Any) -> dict[str, Any]:
        sd_jwt = isinstance(credential, str)
        got = self.learner.post(
            "/api/receive/credential",
            content=credential if sd_jwt else json.dumps(credential),
            headers={"Content-Type": "application/dc+sd-jwt" if sd_jwt else "application/json"},
        )
        assert got.status_code == 201, got.text
        body: dict[str, Any] = got.json()
        return body

    def request_link(self) -> tuple[str, str]:
        """(job id, the openid4vp:// link by reference) of a fresh request for a job."""
        job = self.employer.post(
            "/api/jobs", json={"title": "Care assistant", "requirements": REQUIREMENTS}
        )
        assert job.status_code == 201, job.text
        job_id = job.json()["id"]
        made = self.employer.post(f"/api/jobs/{job_id}/requests", json={"kind": "openid4vp"})
        assert made.status_code == 201, made.text
        return job_id, made.json()["links"]["by_reference"]

    def result(self, job_id: str) -> dict[str, Any]:
        listed = self.employer.get(f"/api/jobs/{job_id}/results")
        assert listed.status_code == 200, listed.text
        [result] = listed.json()
        found: dict[str, Any] = result
        return found


@pytest.fixture
def world(
    wallet_app: WalletFactory, issuer_service: FastAPI, tmp_path: Path, clock: Clock
) -> Iterator[World]:
    clock.advance(timedelta(days=1))
    to_issuer = TestClient(issuer_service, base_url=ISSUER_URL)

    def fetch(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.netloc != "issuer.test":
            raise OSError(f"no route to {parts.netloc}")
        answer = to_issuer.get(parts.path)
        if answer.status_code != 200:
            raise OSError(f"GET {url}: HTTP {answer.status_code}")
        return answer.content

    settings = VerifierSettings(
        base_url=VERIFIER_URL, data_dir=tmp_path / "verifier", issuer_url=ISSUER_URL,
        registry_file=REGISTRY_FILE,
    )  # fmt: skip
    verifier = create_verifier_app(settings, fetch=fetch, clock=clock)
    wallet = wallet_app(apps={"issuer.test": issuer_service, "verifier.test": verifier})
    learner = sign_up(browser(wallet), ALICE)
    account_id = account_id_of(wallet, ALICE)
    with wallet.state.inst.db.transaction() as tx:
        account = store.get_account(tx, account_id)
    assert account is not None
    staff = TestClient(
        issuer_service, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
    )
    employer = as_employer(TestClient(verifier, base_url=VERIFIER_URL))
    yield World(wallet, staff, employer, learner, account.did)
    verifier.state.inst.db.close()


def checks_of(report: dict[str, Any]) -> dict[str, list[str]]:
    """check id -> every status in the report, credentials included."""
    out: dict[str, list[str]] = {}

    def walk(part: dict[str, Any]) -> None:
        for check in part.get("checks", []):
            out.setdefault(check["id"], []).append(check["status"])
        for inner in part.get("credentials", []):
            walk(inner)

    walk(report)
    return out


def hides_learner_data(raw: str) -> None:
    """Neither the grade nor the date of birth appears anywhere in ``raw`` (JSON text)."""
    compact = raw.replace(" ", "").replace("\n", "")
    assert DOB not in compact and "dateOfBirth" not in compact
    assert '"result":' not in compact and '"value":"B"' not in compact


# --- receiving ------------------------------------------------------------------------------------


def test_ecdsa_sd_and_sd_jwt_credentials_arrive_verified_with_their_fields(world: World) -> None:
    ecdsa = world.receive(world.issue("ecdsa-sd-2023"))
    sd_jwt = world.receive(world.issue("sd-jwt-vc", NURSING_2))
    assert ecdsa["format"] == "ldp_vc" and sd_jwt["format"] == "dc+sd-jwt"
    assert ecdsa["verdict"] == "verified", ecdsa["report"]
    assert sd_jwt["verdict"] == "verified", sd_jwt["report"]
    assert checks_of(sd_jwt["report"])["disclosures"] == ["pass"]
    assert "holder_key" in sd_jwt["recipient"]
    for held in (ecdsa, sd_jwt):
        fields = world.learner.get(f"/api/credentials/{held['id']}/fields").json()
        by_pointer = {f["pointer"]: f for f in fields["fields"]}
        assert fields["selective"] is True
        for pointer in HIDE:
            assert by_pointer[pointer]["mandatory"] is False, pointer
        assert by_pointer["/issuer"]["mandatory"] and by_pointer["/issuer"]["why"]
        card = world.learner.get(f"/credentials/{held['id']}")
        assert card.status_code == 200 and "Fundamentals of Nursing" in card.text
        assert "Verified" in card.text


def test_an_sd_jwt_bound_to_another_key_is_refused(world: World) -> None:
    token = world.issue("sd-jwt-vc")
    bob = sign_up(browser(world.wallet), BOB)
    got = bob.post(
        "/api/receive/credential", content=token, headers={"Content-Type": "application/dc+sd-jwt"}
    )
    assert got.status_code == 422, got.text
    assert "someone else" in got.json()["detail"]
    pasted = bob.post("/receive/paste", data={"csrf": csrf(bob), "credential": token})
    assert pasted.status_code == 422 and "someone else" in html.unescape(pasted.text)


def test_an_sd_jwt_offer_is_redeemed_with_the_holder_key(
    world: World, issuer_service: FastAPI
) -> None:
    made = world.issuer.post(
        f"/issuers/{SLUG}/offers",
        json={
            "achievement": NURSING_1,
            "configuration_ids": ["OpenBadgeCredential_dc_sd_jwt"],
            "date_of_birth": DOB,
            "grade": GRADE,
        },
    )
    assert made.status_code == 201, made.text
    got = world.learner.post("/api/receive/offer", json={"offer": made.json()["offer_uri"]})
    assert got.status_code == 201, got.text
    body = got.json()
    assert body["format"] == "dc+sd-jwt" and body["verdict"] == "verified", body["report"]


# --- the field page -----------------------------------------------------------------------------


def test_the_field_page_locks_mandatory_fields_and_previews_what_goes(world: World) -> None:
    held = world.receive(world.issue("ecdsa-sd-2023"))
    url = f"/credentials/{held['id']}/disclose"
    page = world.learner.get(url)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Nothing: every field is shared." in text
    issuer_box = re.search(r'<input type="checkbox"[^>]*value="/issuer"[^>]*>', page.text)
    assert issuer_box and "disabled" in issuer_box.group(0) and "checked" in issuer_box.group(0)
    words = re.sub(r"<[^>]+>", "", text)
    assert f"Always shared ({field_text.GROUP_REASONS[sd_fields.WHY_ECDSA_SD]}): " in words

    fields = world.learner.get(f"/api/credentials/{held['id']}/fields").json()["fields"]
    keep = [f["pointer"] for f in fields if not f["mandatory"] and f["pointer"] not in HIDE]
    query = urlencode([("chosen", "1"), *(("show", p) for p in keep)])
    chosen = world.learner.get(f"{url}?{query}")
    shown = re.search(r'<pre id="preview">(.*?)</pre>', chosen.text, re.S)
    assert shown is not None
    preview = json.loads(html.unescape(shown.group(1)))
    assert DOB not in json.dumps(preview) and "result" not in preview["credentialSubject"]
    hidden = re.search(r'<ul id="hidden">(.*?)</ul>', chosen.text, re.S)
    assert hidden and "Grade" in hidden.group(1) and "Date of birth" in hidden.group(1)
    api = world.learner.post(f"/api/credentials/{held['id']}/preview", json={"hide": HIDE})
    assert api.status_code == 200 and api.json()["credential"] == preview


def _labels(page: str) -> list[str]:
    """Each switch's label as a person reads it (tags dropped), in page order."""
    found = re.findall(r"<label class=\"inline\"[^>]*>(.*?)</label>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", label)) for label in found]


@pytest.mark.parametrize("fmt", ["ecdsa-sd-2023", "sd-jwt-vc"])
def test_the_field_page_shows_values_in_words_learner_fields_first(world: World, fmt: str) -> None:
    """The switches say "Recipient name: Alex Rivera", not the IdentityObject's JSON; the
    fields the learner can switch come first, the locked ones after, in one group."""
    held = world.receive(world.issue(fmt))
    page = world.learner.get(f"/credentials/{held['id']}/disclose").text
    labels = _labels(page)
    assert "Recipient name: Alex Rivera" in labels
    assert "Date of birth: 17 April 2001" in labels
    assert f"Grade: {GRADE} (Final grade)" in labels
    assert "Issuer: Riverside Community College" in labels
    assert not any("identityHash" in label or "{" in label for label in labels), labels
    switchable = [
        label.split(":")[0]
        for label in labels[: labels.index("Issuer: Riverside Community College")]
    ]
    assert switchable[:3] == ["Recipient name", "Date of birth", "Grade"], labels
    locked = page[page.index('<details class="locked">') :]
    assert "Recipient name" not in locked and "Issuer" in locked
    preview = re.search(r'<pre id="preview">(.*?)</pre>', page, re.S)
    assert preview and '"identityHash": "Alex Rivera"' in html.unescape(preview.group(1))


def test_a_plain_credential_is_explained_and_everything_locked(world: World) -> None:
    held = world.receive(world.issue("eddsa-rdfc-2022"))
    fields = world.learner.get(f"/api/credentials/{held['id']}/fields").json()
    assert fields["kind"] == "plain" and fields["selective"] is False
    assert all(f["mandatory"] and f["why"] == sd_fields.WHY_PLAIN for f in fields["fields"])
    page = world.learner.get(f"/credentials/{held['id']}/disclose")
    assert "cannot hide fields" in html.unescape(page.text)


def test_bad_pointers_and_mandatory_fields(world: World) -> None:
    held = world.receive(world.issue("ecdsa-sd-2023"))
    preview_url = f"/api/credentials/{held['id']}/preview"
    unknown = world.learner.post(preview_url, json={"hide": ["/credentialSubject/nope"]})
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "/credentialSubject/nope" in unknown.json()["detail"]
    both = world.learner.post(preview_url, json={"hide": HIDE, "disclose": HIDE})
    assert both.status_code == 422
    kept = world.learner.post(preview_url, json={"hide": ["/issuer", *HIDE]})
    assert kept.status_code == 200
    assert kept.json()["kept"] == ["/issuer"] and "issuer" in kept.json()["credential"]


# --- answering the verifier ---------------------------------------------------------------------


def test_the_request_page_says_what_is_asked_in_words(world: World) -> None:
    """The queries are named in words; the SD-JWT alternative the learner cannot answer is one
    line, not an empty box; each field switch shows its value as a person reads it."""
    held = world.receive(world.issue("ecdsa-sd-2023"))
    _job_id, link = world.request_link()
    opened = world.learner.post(
        "/requests", data={"csrf": csrf(world.learner), "request": link}, follow_redirects=False
    )
    page = world.learner.get(opened.headers["location"]).text
    words = html.unescape(re.sub(r"<[^>]+>", "", page))
    legends = [
        html.unescape(re.sub(r"<[^>]+>", "", legend))
        for legend in re.findall(r"<legend>(.*?)</legend>", page, re.S)
    ]
    assert legends == [
        "Open Badges credentials (signed JSON-LD) (one of the forms the verifier accepts)"
    ]
    technical = page.split('<details class="technical">', 1)[1]
    assert "ldp_vc · OpenBadgeCredential" in technical and "redirect_uri:" in technical
    assert "redirect_uri:" not in page.split('<details class="technical">', 1)[0]
    assert "You have no Open Badges credentials as SD-JWT; the verifier accepts either form." in (
        words
    )
    assert "None of your credentials matches" not in words and "vocab.html#" not in words
    labels = _labels(page)
    assert "Recipient name: Alex Rivera" in labels and f"Grade: {GRADE} (Final grade)" in labels
    assert "Achievement: Fundamentals of Nursing I" in labels
    assert "identityHash" not in page and "resultDescription" not in page
    assert f'name="show:{held["id"]}:/credentialSubject/result"' in page


def test_the_request_names_the_requester_and_preselects_what_meets_it(world: World) -> None:
    """The job's skill travels in the DCQL query (claims with values): the aligned nursing
    credentials are ticked, the food one is listed unticked; the requester is the job's
    client_name; nonce and client identifier only in the technical fold; switches open."""
    nursing = [world.receive(world.issue("ecdsa-sd-2023", a))["id"] for a in (NURSING_1, NURSING_2)]
    food = world.issuer.post(
        "/issuers/food-safety/credentials",
        json={"achievement": "food-handler", "recipient": {"did": world.did}},
    )
    assert food.status_code == 201, food.text
    food_id = world.receive(food.json()["credential"])["id"]
    job = world.employer.post("/api/jobs", json={"title": "Care assistant", "requirements": {
        "types": ["OpenBadgeCredential"], "skills": ["Patient data privacy"]}})  # fmt: skip
    made = world.employer.post(f"/api/jobs/{job.json()['id']}/requests", json={"kind": "openid4vp"})
    opened = world.learner.post(
        "/requests",
        data={"csrf": csrf(world.learner), "request": made.json()["links"]["by_reference"]},
        follow_redirects=False,
    )
    page = world.learner.get(opened.headers["location"]).text
    top, technical = page.split('<details class="technical">', 1)
    words = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", top)))
    assert "Care assistant asks for your credentials." in words
    assert "showing the skill Patient data privacy" in words
    assert made.json()["nonce"] not in top and "redirect_uri:" not in top
    assert made.json()["nonce"] in technical
    ticked = set(re.findall(r'name="c:learning_records:([^"]+)" value="on" checked', page))
    assert ticked == set(nursing)
    assert f'name="c:learning_records:{food_id}" value="on">' in page
    assert '<details class="fields">' not in page and 'name="show:' in page
    listed = world.learner.get("/requests").text
    assert "Care assistant" in listed


def test_hidden_fields_never_reach_the_verifier_ecdsa_sd_via_the_pages(world: World) -> None:
    ids = [world.receive(world.issue("ecdsa-sd-2023", a))["id"] for a in (NURSING_1, NURSING_2)]
    job_id, link = world.request_link()
    opened = world.learner.post(
        "/requests", data={"csrf": csrf(world.learner), "request": link}, follow_redirects=False
    )
    assert opened.status_code == 303, opened.text
    path = opened.headers["location"]
    page = world.learner.get(path)
    assert page.status_code == 200 and f"show:{ids[0]}:/credentialSubject/result" in page.text

    form: dict[str, str] = {"csrf": csrf(world.learner)}
    fields = world.learner.get(f"/api/credentials/{ids[0]}/fields").json()["fields"]
    for credential_id in ids:
        form[f"c:learning_records:{credential_id}"] = "on"
        form[f"sd:{credential_id}"] = "1"
        for f in fields:
            if not f["mandatory"] and f["pointer"] not in HIDE:
                form[f"show:{credential_id}:{f['pointer']}"] = "on"
    preview = world.learner.post(f"{path}/prepare", data=form)
    assert preview.status_code == 200, preview.text
    assert "hidden from the verifier: Date of birth, Grade" in html.unescape(preview.text) or (
        "hidden from the verifier: Grade, Date of birth" in html.unescape(preview.text)
    )
    prepared = re.search(r'name="p:learning_records" value="([^"]*)"', preview.text)
    assert prepared is not None
    shown = re.search(r"<pre>(.*?)</pre>", preview.text, re.S)
    assert shown is not None
    sent = world.learner.post(
        f"{path}/send",
        data={"csrf": csrf(world.learner), "p:learning_records": prepared.group(1)},
    )
    assert sent.status_code == 200, sent.text

    result = world.result(job_id)
    assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
    token = json.loads(html.unescape(shown.group(1)))
    raw = json.dumps(token, separators=(",", ":"))
    hides_learner_data(raw)
    credentials = [vc for vp in token["learning_records"] for vc in vp["verifiableCredential"]]
    assert len(credentials) == 2
    assert all(vc["proof"]["cryptosuite"] == "ecdsa-sd-2023" for vc in credentials)


def _answer(world: World, link: str, ids: list[str], **choice: list[str]) -> Any:
    body = {"request": link, "credentials": [{"id": i, **choice} for i in ids]}
    return world.learner.post("/api/answers", json=body)


def test_hidden_fields_never_reach_the_verifier_ecdsa_sd_via_the_api(world: World) -> None:
    ids = [world.receive(world.issue("ecdsa-sd-2023", a))["id"] for a in (NURSING_1, NURSING_2)]
    previews = [
        world.learner.post(f"/api/credentials/{i}/preview", json={"hide": HIDE}).json() for i in ids
    ]
    job_id, link = world.request_link()
    answered = _answer(world, link, ids, hide=HIDE)
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["accepted"] and body["kind"] == "openid4vp"
    assert sorted(body["credentials"][ids[0]]["hidden"]) == sorted(HIDE)
    result = world.result(job_id)
    assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
    checks = checks_of(result["report"])
    assert set(checks["proof"]) == {"pass"} and checks["challenge"] == ["pass"]
    vps = body["sent"]["learning_records"]  # one presentation per credential
    hides_learner_data(json.dumps(vps, separators=(",", ":")))
    sent = [vc for vp in vps for vc in vp["verifiableCredential"]]
    for vc, preview in zip(sent, previews, strict=True):
        without_proof = {k: v for k, v in vc.items() if k != "proof"}
        same = json.dumps(preview["credential"], sort_keys=True, separators=(",", ":"))
        assert json.dumps(without_proof, sort_keys=True, separators=(",", ":")) == same
    disclosed = [c.get("disclosure") for c in result["report"].get("credentials", [])]
    assert all(d is not None and "Grade" in d["absent"] for d in disclosed), disclosed


def test_hidden_fields_never_reach_the_verifier_sd_jwt_with_key_binding(world: World) -> None:
    ids = [world.receive(world.issue("sd-jwt-vc", a))["id"] for a in (NURSING_1, NURSING_2)]
    previews = [
        world.learner.post(f"/api/credentials/{i}/preview", json={"hide": HIDE}).json() for i in ids
    ]
    job_id, link = world.request_link()
    answered = _answer(world, link, ids, hide=HIDE)
    assert answered.status_code == 200, answered.text
    body = answered.json()
    tokens = body["sent"]["learning_records_sd_jwt"]
    assert len(tokens) == 2 and all(isinstance(t, str) for t in tokens)
    result = world.result(job_id)
    assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
    checks = checks_of(result["report"])
    assert set(checks["holder-binding"]) == {"pass"} and set(checks["disclosures"]) == {"pass"}
    for token, preview in zip(tokens, previews, strict=True):
        *_, kb_jwt = token.split("~")
        assert kb_jwt  # a Key Binding JWT ends it
        claims = sd_fields.credential_view(_claims(token))
        hides_learner_data(json.dumps(claims, separators=(",", ":")))
        for disclosure in token.split("~")[1:-1]:
            hides_learner_data(_decoded(disclosure))
        same = json.dumps(preview["credential"], sort_keys=True, separators=(",", ":"))
        assert json.dumps(claims, sort_keys=True, separators=(",", ":")) == same


def _decoded(segment: str) -> str:
    import base64

    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()


def _claims(token: str) -> dict[str, Any]:
    from vckit import sdjwt as sd_jwt
    from vckit.jose.vc_jwt import peek

    jwt, disclosures, _ = sd_jwt.split(token)
    return sd_jwt.process_disclosures(peek(jwt)[1], disclosures).claims


def test_a_mandatory_field_cannot_be_hidden(world: World) -> None:
    held = world.receive(world.issue("ecdsa-sd-2023"))
    job_id, link = world.request_link()
    answered = _answer(world, link, [held["id"]], hide=["/issuer", "/validFrom", *HIDE])
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert sorted(body["credentials"][held["id"]]["kept"]) == ["/issuer", "/validFrom"]
    [vp] = body["sent"]["learning_records"]
    [vc] = vp["verifiableCredential"]
    assert vc["issuer"] and vc["validFrom"]
    assert world.result(job_id)["verdict"] == "pass"


def test_unknown_credentials_are_not_found_and_bad_pointers_refused(world: World) -> None:
    held = world.receive(world.issue("ecdsa-sd-2023"))
    _, link = world.request_link()
    missing = _answer(world, link, ["0" * 32])
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    bad = _answer(world, link, [held["id"]], hide=["/nope"])
    assert bad.status_code == 422 and "/nope" in bad.json()["detail"]


def test_a_share_link_carries_only_the_chosen_fields(world: World) -> None:
    held = world.receive(world.issue("ecdsa-sd-2023"))
    fields = world.learner.get(f"/api/credentials/{held['id']}/fields").json()["fields"]
    form = {"csrf": csrf(world.learner), "expiry": "1d", "chosen": "1"}
    for f in fields:
        if not f["mandatory"] and f["pointer"] not in HIDE:
            form[f"show:{f['pointer']}"] = "on"
    made = world.learner.post(f"/credentials/{held['id']}/disclose/share", data=form)
    assert made.status_code == 200, made.text
    url = re.search(r"<code>(https://wallet\.test/s/[^<]+)</code>", made.text)
    assert url is not None
    shared = browser(world.wallet).get(urlsplit(url.group(1)).path)
    assert shared.status_code == 200
    hides_learner_data(html.unescape(shared.text).replace(" ", "").replace("\n", ""))
    assert "ecdsa-sd-2023" in shared.text


def test_a_vc_api_request_is_answered_with_derived_credentials(world: World) -> None:
    """A VC-API presentation request (QueryByExample): the wallet hands over the presentation
    with the derived credentials; the verifier's answer endpoint verifies it."""
    ids = [world.receive(world.issue("ecdsa-sd-2023", a))["id"] for a in (NURSING_1, NURSING_2)]
    job_id, _ = world.request_link()
    made = world.employer.post(f"/api/jobs/{job_id}/requests", json={"kind": "vc-api"})
    assert made.status_code == 201, made.text
    request = json.dumps(made.json()["presentation_request"])
    answered = world.learner.post(
        "/api/answers",
        json={"request": request, "credentials": [{"id": i, "hide": HIDE} for i in ids]},
    )
    assert answered.status_code == 200, answered.text
    [vp] = answered.json()["sent"]["all"]
    assert len(vp["verifiableCredential"]) == 2
    hides_learner_data(json.dumps(vp, separators=(",", ":")))
    path = urlsplit(made.json()["answer_at"]).path
    verified = world.employer.post(path, json={"verifiablePresentation": vp})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verdict"] == "pass", verified.text
