"""The issuer as an Open Badges Service Consumer (Write), "send to my backpack": the real
issuer and the real wallet (an OB 3.0 host) in-process, talking over HTTP through an httpx
transport; the learner's browser answers the wallet's consent page. Nothing is mocked.

The conformance guide's Service Consumer (Write) tests (cert-issuer.md) as our own: an access
token obtained from the host's discovery document by the authorization-code flow with the
right scope, then ``upsertCredential`` with an AchievementCredential of the recipient."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.offers import oid4vci
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from tests.issuer.backpack.conformance_host import BASE as CONFORMANCE
from tests.issuer.backpack.conformance_host import conformance_host
from tests.wallet.conftest import (
    ALICE,
    BOB,
    ISSUER_TOKEN,
    ISSUER_URL,
    WALLET_URL,
    AppsTransport,
    Clock,
    sign_up,
)
from wallet import store as wallet_store
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings

COLLEGE = "community-college"
NURSING = "fundamentals-of-nursing-1"
UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"


class LateApps(httpx.BaseTransport):
    """:class:`AppsTransport` over apps made after the app that uses it."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.apps = apps
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return AppsTransport(self.apps).handle_request(request)


class Pair:
    def __init__(self, issuer: FastAPI, wallet: FastAPI, outbound: LateApps) -> None:
        self.issuer, self.wallet, self.outbound = issuer, wallet, outbound

    def learner_at_issuer(self) -> TestClient:
        return TestClient(self.issuer, base_url=ISSUER_URL)

    def api(self) -> TestClient:
        return TestClient(
            self.issuer, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
        )

    def offer(self, **options: Any) -> str:
        return oid4vci.create_offer(self.issuer.state.inst, COLLEGE, NURSING, **options).id


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    clock = Clock()
    apps: dict[str, FastAPI] = {}
    outbound = LateApps(apps)
    issuer = create_issuer(
        IssuerSettings(base_url=ISSUER_URL, data_dir=tmp_path / "issuer", api_token=ISSUER_TOKEN,
                       demo_file=EXAMPLES / "issuers.json", allow_private=True),
        clock=clock, transport=outbound,
    )  # fmt: skip
    wallet = create_wallet(
        WalletSettings(base_url=WALLET_URL, data_dir=tmp_path / "wallet", allow_private=True),
        clock=clock, transport=AppsTransport({"issuer.test": issuer}),
    )  # fmt: skip
    apps |= {"wallet.test": wallet, "issuer.test": issuer}
    yield Pair(issuer, wallet, outbound)
    issuer.state.inst.db.close()
    wallet.state.inst.db.close()


def signed_in_staff(pair: Pair) -> TestClient:
    staff = pair.learner_at_issuer()
    csrf = re.search(r'name="csrf" value="([^"]+)"', staff.get("/sign-in").text)
    assert csrf is not None
    staff.post("/sign-in", data={"csrf": csrf.group(1), "token": ISSUER_TOKEN, "next": "/"})
    return staff


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def consent(learner: TestClient, authorize_url: str, decision: str = "allow") -> str:
    """The learner at the wallet's consent page: their decision; where the wallet sends them."""
    page = learner.get(path_of(authorize_url))
    assert page.status_code == 200, page.text
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    action, inner = next((a, f) for a, f in forms if 'name="decision"' in f)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', inner))
    fields = {k: v.replace("&amp;", "&").replace("&#34;", '"') for k, v in fields.items()}
    back = learner.post(action, data=fields | {"decision": decision}, follow_redirects=False)
    assert back.status_code == 303, back.text
    location: str = back.headers["location"]
    return location


def send_offer(pair: Pair, at_issuer: TestClient, offer_id: str, email: str = ALICE) -> Any:
    return at_issuer.post(
        f"/issuers/{COLLEGE}/offers/{offer_id}/backpack",
        data={"host": WALLET_URL, "email": email}, follow_redirects=False,
    )  # fmt: skip


def held(wallet: FastAPI, email: str = ALICE) -> list[Any]:
    with wallet.state.inst.db.transaction() as tx:
        account = wallet_store.get_account_by_email(tx, email)
        assert account is not None
        return list(wallet_store.list_credentials(tx, account.id))


def test_the_college_sends_a_nursing_credential_to_the_learners_wallet(pair: Pair) -> None:
    at_wallet = sign_up(TestClient(pair.wallet, base_url=WALLET_URL), ALICE)
    # staff make the offer; its page gives the learner's "send to my backpack" link
    staff = signed_in_staff(pair)
    token = re.search(r'name="csrf" value="([^"]+)"', staff.get(f"/issuers/{COLLEGE}/issue").text)
    assert token is not None
    offer_page = staff.post(f"/issuers/{COLLEGE}/issue", data={
        "csrf": token.group(1), "achievement": NURSING, "delivery": "offer"})  # fmt: skip
    assert offer_page.status_code == 201, offer_page.text
    link = re.search(r'<a href="([^"]+/backpack)">send to my backpack</a>', offer_page.text)
    assert link is not None and link.group(1).startswith(ISSUER_URL + "/issuers/")
    offer_id = link.group(1).split("/")[-2]
    at_issuer = pair.learner_at_issuer()
    form = at_issuer.get(path_of(link.group(1)))
    assert form.status_code == 200 and "Send to my backpack" in form.text
    started = send_offer(pair, at_issuer, offer_id)
    assert started.status_code == 303, started.text
    authorize = started.headers["location"]
    assert authorize.startswith(WALLET_URL + "/oauth/authorize?")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert asked["scope"] == UPSERT and asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == ISSUER_URL + "/backpack/callback" and asked["state"]
    consent_page = at_wallet.get(path_of(authorize)).text
    assert "LER issuer" in consent_page and "add Open Badges" in consent_page
    back = consent(at_wallet, authorize)
    assert back.startswith(ISSUER_URL + "/backpack/callback?")
    done = at_issuer.get(path_of(back))
    assert done.status_code == 200, done.text
    assert "now holds your credential" in done.text

    # the learner sees it in the wallet, verified
    [record] = held(pair.wallet)
    assert record.verdict == "verified"
    page = at_wallet.get(f"/credentials/{record.id}")
    assert "Fundamentals of Nursing" in page.text and "Verified" in page.text
    # the offer is spent: OpenID4VCI can no longer redeem it
    with pair.issuer.state.inst.db.transaction() as tx:
        offer = tx.one("SELECT * FROM offers WHERE pre_authorized_code = ?", (offer_id,))
        assert offer is not None and offer["credential_id"] and offer["redeemed_at"]
    # a reload of the callback sends nothing twice
    again = at_issuer.get(path_of(back))
    assert "now holds your credential" in again.text and len(held(pair.wallet)) == 1
    # staff see the outcome
    with pair.issuer.state.inst.db.transaction() as tx:
        [send] = tx.all("SELECT * FROM backpack_sends")
        [client] = tx.all("SELECT * FROM backpack_clients")
    assert send["status"] == "created"
    shown = pair.api().get(f"/backpack/sends/{send['id']}").json()
    assert shown["status"] == "created" and shown["credential"] == offer["credential_id"]
    # secrets sealed at rest; no token kept
    assert client["secret"].startswith("sealed:") and send["secrets_json"].startswith("sealed:")
    # a second offer: the issuer registered once at this host
    second = send_offer(pair, at_issuer, pair.offer())
    at_issuer.get(path_of(consent(at_wallet, second.headers["location"])))
    registrations = [r for r in pair.outbound.seen if r.url.path == "/oauth/register"]
    assert len(registrations) == 1 and len(held(pair.wallet)) == 2


def test_refusals_give_a_clear_outcome(pair: Pair) -> None:
    at_wallet = sign_up(TestClient(pair.wallet, base_url=WALLET_URL), ALICE)
    at_issuer = pair.learner_at_issuer()
    offer_id = pair.offer()
    # a host that is not an Open Badges host; not an address
    for host in ("https://issuer.test", "wallet"):
        refused = at_issuer.post(f"/issuers/{COLLEGE}/offers/{offer_id}/backpack",
                                 data={"host": host, "email": ALICE})  # fmt: skip
        assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert "not an Open Badges host" in refused.text or "address" in refused.text
    # the learner says no at the wallet: nothing sent, the offer still open
    started = send_offer(pair, at_issuer, offer_id)
    denied = at_issuer.get(path_of(consent(at_wallet, started.headers["location"], "deny")))
    assert denied.status_code == 200 and "was not sent" in denied.text
    assert held(pair.wallet) == []
    assert at_issuer.get(f"/issuers/{COLLEGE}/offers/{offer_id}/backpack").status_code == 200
    # an email that is not the learner's at the host: the credential is issued to it, the
    # wallet refuses it (about someone else), and the learner reads why
    started = send_offer(pair, at_issuer, offer_id, email=BOB)
    answer = at_issuer.get(path_of(consent(at_wallet, started.headers["location"])))
    assert "was not sent" in answer.text and "another email address" in answer.text
    assert held(pair.wallet) == []
    # nobody holds that credential: it is revoked, and the offer is open again
    with pair.issuer.state.inst.db.transaction() as tx:
        [wrong] = tx.all("SELECT revoked, revoked_code FROM credentials")
    assert wrong["revoked"] and wrong["revoked_code"] == "issued-in-error"
    assert at_issuer.get(f"/issuers/{COLLEGE}/offers/{offer_id}/backpack").status_code == 200
    # a credential about someone else: the wallet refuses it (Imsx), and the issuer says so
    api = pair.api()
    someone = {"achievement": NURSING, "recipient": {"did": "did:example:someone-else"}}
    made = api.post(f"/issuers/{COLLEGE}/credentials", json=someone).json()
    sent = api.post("/backpack/sends", json={"credential": made["id"], "host": WALLET_URL}).json()
    browser = pair.learner_at_issuer()
    go = browser.get(path_of(sent["start"]), follow_redirects=False)
    answer = browser.get(path_of(consent(at_wallet, go.headers["location"])))
    assert answer.status_code == 200
    assert "was not sent" in answer.text and "someone else" in answer.text
    outcome = api.get(f"/backpack/sends/{sent['id']}").json()
    assert outcome["status"] == "refused" and outcome["outcome"]["httpStatus"] == 400
    assert outcome["outcome"]["codeMinor"]
    assert held(pair.wallet) == []
    with pair.issuer.state.inst.db.transaction() as tx:
        statuses = [r["status"] for r in tx.all("SELECT status FROM backpack_sends")]
    assert sorted(statuses) == ["refused", "refused", "refused"]
    # staff see them on the issuer's page
    listing = signed_in_staff(pair).get(f"/issuers/{COLLEGE}/backpack").text
    assert listing.count(">refused<") == 3 and "did not allow" in listing
    # the learner tries again with their own email: sent
    started = send_offer(pair, at_issuer, offer_id)
    answer = at_issuer.get(path_of(consent(at_wallet, started.headers["location"])))
    assert "now holds your credential" in answer.text and len(held(pair.wallet)) == 1


def test_the_callback_opens_only_for_the_browser_that_started(pair: Pair) -> None:
    at_wallet = sign_up(TestClient(pair.wallet, base_url=WALLET_URL), ALICE)
    at_issuer = pair.learner_at_issuer()
    started = send_offer(pair, at_issuer, pair.offer())
    back = path_of(consent(at_wallet, started.headers["location"]))
    stranger = pair.learner_at_issuer()
    assert stranger.get(back).status_code == 403  # no cookie
    stranger.cookies.set("ler_backpack", "guessed", domain="issuer.test", path="/backpack")
    assert stranger.get(back).status_code == 403  # another browser's cookie
    assert at_issuer.get("/backpack/callback?state=unknown&code=x").status_code == 404
    assert held(pair.wallet) == []
    assert "now holds your credential" in at_issuer.get(back).text


def test_service_consumer_write_conformance(pair: Pair) -> None:
    """cert-issuer.md, Service Consumer (Write): discovery → registration → authorize (the
    right scope) → token → upsertCredential of an AchievementCredential about the recipient;
    the same credential again is 200; a JWT goes as text/plain."""
    at_wallet = sign_up(TestClient(pair.wallet, base_url=WALLET_URL), ALICE)
    api = pair.api()
    ids = []
    for fmt in ("eddsa-rdfc-2022", "vc-jwt"):
        made = api.post(f"/issuers/{COLLEGE}/credentials", json={
            "achievement": NURSING, "recipient": {"email": ALICE}, "format": fmt})  # fmt: skip
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    outcomes = []
    for credential_id in (*ids, ids[0]):
        sent = api.post("/backpack/sends", json={"credential": credential_id, "host": WALLET_URL})
        assert sent.status_code == 201, sent.text
        browser = pair.learner_at_issuer()
        go = browser.get(path_of(sent.json()["start"]), follow_redirects=False)
        assert go.status_code == 303
        # the start link works once
        assert browser.get(path_of(sent.json()["start"])).status_code in (403, 409)
        browser.get(path_of(consent(at_wallet, go.headers["location"])))
        outcomes.append(api.get(f"/backpack/sends/{sent.json()['id']}").json())
    assert [o["status"] for o in outcomes] == ["created", "created", "existing"]
    assert [o["outcome"]["httpStatus"] for o in outcomes] == [201, 201, 200]
    # what went to the host, in order, with the right methods, scopes and content types
    calls = [(r.method, r.url.path) for r in pair.outbound.seen if r.url.host == "wallet.test"]
    assert calls[:4] == [
        ("GET", "/ims/ob/v3p0/discovery"), ("POST", "/oauth/register"),
        ("POST", "/oauth/token"), ("POST", "/ims/ob/v3p0/credentials"),
    ]  # fmt: skip
    register = next(r for r in pair.outbound.seen if r.url.path == "/oauth/register")
    assert UPSERT in register.read().decode()
    upserts = [r for r in pair.outbound.seen if r.url.path == "/ims/ob/v3p0/credentials"]
    assert [r.headers["content-type"].split(";")[0] for r in upserts] == [
        "application/json", "text/plain", "application/json"]  # fmt: skip
    assert all(r.headers["authorization"].startswith("Bearer ") for r in upserts)
    token_requests = [r for r in pair.outbound.seen if r.url.path == "/oauth/token"]
    assert all("code_verifier=" in r.read().decode() for r in token_requests)
    # a subsequent getCredentials at the host returns them
    assert {r.verdict for r in held(pair.wallet)} == {"verified"} and len(held(pair.wallet)) == 2


def test_the_api_refuses_what_it_cannot_send(pair: Pair) -> None:
    api = pair.api()
    unknown = api.post("/backpack/sends", json={"credential": "urn:uuid:nope", "host": WALLET_URL})
    assert unknown.status_code == 404
    made = api.post(f"/issuers/{COLLEGE}/credentials", json={
        "achievement": NURSING, "recipient": {"email": ALICE}}).json()  # fmt: skip
    for host in ("https://issuer.test", "ftp://wallet.test", "http://wallet.test"):
        refused = api.post("/backpack/sends", json={"credential": made["id"], "host": host})
        assert refused.status_code == 422, (host, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert api.post("/backpack/sends", json={"credential": 3}).status_code in (400, 422)
    revoked = api.post("/credentials/status", json={
        "credentialId": made["id"], "credentialStatus": [{"type": "BitstringStatusListEntry",
                                                          "status": "revoked"}]})  # fmt: skip
    assert revoked.status_code == 200, revoked.text
    refused = api.post("/backpack/sends", json={"credential": made["id"], "host": WALLET_URL})
    assert refused.status_code == 422 and "revoked" in refused.text
    assert pair.learner_at_issuer().get("/backpack/start/guess").status_code == 403


def test_the_outbound_policy_applies(tmp_path: Path) -> None:
    """Default settings: a private address is refused before anything is sent."""
    seen = LateApps({})
    issuer = create_issuer(
        IssuerSettings(base_url=ISSUER_URL, data_dir=tmp_path / "i", api_token=ISSUER_TOKEN,
                       demo_file=EXAMPLES / "issuers.json"), transport=seen,
    )  # fmt: skip
    api = TestClient(issuer, base_url=ISSUER_URL,
                     headers={"Authorization": f"Bearer {ISSUER_TOKEN}"})  # fmt: skip
    made = api.post(f"/issuers/{COLLEGE}/credentials", json={
        "achievement": NURSING, "recipient": {"email": ALICE}}).json()  # fmt: skip
    for host in ("https://10.0.0.1", "http://localhost:9", "https://127.0.0.1"):
        refused = api.post("/backpack/sends", json={"credential": made["id"], "host": host})
        assert refused.status_code == 422, refused.text
    assert seen.seen == []
    issuer.state.inst.db.close()


def test_against_a_spec_following_host_that_is_not_our_wallet(pair: Pair) -> None:
    """cert-issuer.md Service Consumer (Write), against a stand-in of the conformance test
    system: an AchievementCredential issued to conformance@imsglobal.org, upserted."""
    host = conformance_host()
    pair.outbound.apps["conformance.test"] = host
    api = pair.api()
    recipient = {"email": "conformance@imsglobal.org"}
    made = api.post(f"/issuers/{COLLEGE}/credentials",
                    json={"achievement": NURSING, "recipient": recipient}).json()  # fmt: skip
    sent = api.post("/backpack/sends", json={"credential": made["id"], "host": CONFORMANCE})
    assert sent.status_code == 201, sent.text
    browser = pair.learner_at_issuer()
    to_host = browser.get(path_of(sent.json()["start"]), follow_redirects=False)
    authorize = to_host.headers["location"]
    assert authorize.startswith(CONFORMANCE + "/auth?tenant=1&")
    # the host's consent: it sends the browser back at once
    back = TestClient(host, base_url=CONFORMANCE).get(path_of(authorize), follow_redirects=False)
    done = browser.get(path_of(back.headers["location"]))
    assert "now holds your credential" in done.text
    seen = host.state.seen
    assert seen["errors"] == []
    assert seen["registration"]["scope"] == UPSERT
    assert seen["registration"]["redirect_uris"] == [ISSUER_URL + "/backpack/callback"]
    assert seen["authorize"]["scope"] == UPSERT
    assert seen["authorize"]["code_challenge_method"] == "S256"
    [(kind, credential)] = seen["upserts"]
    assert kind == "application/json" and credential == made["credential"]
    assert (
        "AchievementCredential" in credential["type"] or "OpenBadgeCredential" in credential["type"]
    )
    assert api.get(f"/backpack/sends/{sent.json()['id']}").json()["status"] == "created"


def test_a_refusing_host_s_words_reach_the_revocation_reason_printable_only(pair: Pair) -> None:
    """A host refusing the credential of an offer gets it revoked with its own words in the
    reason the learner is shown: a bidi override or an invisible character in them is dropped
    (the revocation is still made; the host's refusal is no 500)."""
    host = conformance_host(refuse_with="Not \u202eyours\u200b at\u2066 all\u2069\x1b")
    pair.outbound.apps["conformance.test"] = host
    offer_id = pair.offer()
    browser = pair.learner_at_issuer()
    to_host = browser.post(f"/issuers/{COLLEGE}/offers/{offer_id}/backpack",
                           data={"host": CONFORMANCE, "email": "conformance@imsglobal.org"},
                           follow_redirects=False)  # fmt: skip
    assert to_host.status_code == 303, to_host.text
    hosts = TestClient(host, base_url=CONFORMANCE)
    back = hosts.get(path_of(to_host.headers["location"]), follow_redirects=False)
    done = browser.get(path_of(back.headers["location"]))
    assert done.status_code == 200 and "was not sent" in done.text
    with pair.issuer.state.inst.db.transaction() as tx:
        [row] = tx.all("SELECT revoked, revoked_reason, revoked_code FROM credentials")
    assert row["revoked"] and row["revoked_code"] == "issued-in-error"
    assert row["revoked_reason"].endswith("(Not yours at all)"), row["revoked_reason"]


def _reinstalled_host(pair: Pair, tmp_path: Path, name: str) -> TestClient:
    """The learner's host starts over on a new database (it forgets every registration):
    the same address, a fresh wallet; the learner signs up there again."""
    fresh = create_wallet(
        WalletSettings(base_url=WALLET_URL, data_dir=tmp_path / name, allow_private=True),
        clock=Clock(), transport=AppsTransport({"issuer.test": pair.issuer}),
    )  # fmt: skip
    pair.outbound.apps["wallet.test"] = fresh
    pair.wallet = fresh
    return sign_up(TestClient(fresh, base_url=WALLET_URL), ALICE)


def test_a_host_that_forgot_the_registration_gets_a_new_one(pair: Pair, tmp_path: Path) -> None:
    at_wallet = sign_up(TestClient(pair.wallet, base_url=WALLET_URL), ALICE)
    at_issuer = pair.learner_at_issuer()
    first = send_offer(pair, at_issuer, pair.offer())
    assert "now holds" in at_issuer.get(path_of(consent(at_wallet, first.headers["location"]))).text
    with pair.issuer.state.inst.db.transaction() as tx:
        [before] = tx.all("SELECT id, client_id FROM backpack_clients")

    # the host forgot it: the issuer registers again (once) and the send goes through
    at_wallet = _reinstalled_host(pair, tmp_path, "reinstalled")
    started = send_offer(pair, at_issuer, pair.offer())
    assert started.status_code == 303, started.text
    done = at_issuer.get(path_of(consent(at_wallet, started.headers["location"])))
    assert "now holds your credential" in done.text
    assert len(held(pair.wallet)) == 1
    with pair.issuer.state.inst.db.transaction() as tx:
        [after] = tx.all("SELECT id, client_id FROM backpack_clients")
    assert after["id"] == before["id"] and after["client_id"] != before["client_id"]
    registrations = [r for r in pair.outbound.seen if r.url.path == "/oauth/register"]
    assert len(registrations) == 2
    # known now: the next send registers nothing more
    again = send_offer(pair, at_issuer, pair.offer())
    assert "now holds" in at_issuer.get(path_of(consent(at_wallet, again.headers["location"]))).text
    assert len([r for r in pair.outbound.seen if r.url.path == "/oauth/register"]) == 2

    # forgotten between the consent and the return: that send fails in a sentence
    started = send_offer(pair, at_issuer, pair.offer())
    back = consent(at_wallet, started.headers["location"])
    _reinstalled_host(pair, tmp_path, "reinstalled-again")
    failed = at_issuer.get(path_of(back))
    assert "could not be sent" in failed.text and "forgot this issuer" in failed.text
    assert "send it again" in failed.text

    # forgotten, and a new registration refused: the learner reads why, nothing is sent
    at_wallet = _reinstalled_host(pair, tmp_path, "refusing")
    platform = TestClient(pair.wallet, base_url=WALLET_URL)
    answers = [platform.post("/oauth/register", json={"redirect_uris": ["https://x.test/cb"]})
               for _ in range(30)]  # fmt: skip
    assert answers[-1].status_code == 429  # the host's registrations per address, spent
    refused = send_offer(pair, at_issuer, pair.offer())
    assert refused.status_code == 422, refused.text
    assert "no longer knows this issuer" in refused.text and 'role="alert"' in refused.text
    assert "not an Open Badges host" not in refused.text
