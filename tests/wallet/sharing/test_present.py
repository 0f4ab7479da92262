"""Presentations and answering verifiers' requests, over HTTP, end to end.

The VERIFIER here is written from OpenID4VP 1.0 inside the test: a tiny Starlette app at
https://verifier.test that serves an unsigned request object (``redirect_uri:`` client
identifier prefix, §5.9.3; ``typ: oauth-authz-req+jwt``, §5) at its ``request_uri`` and
receives the ``direct_post`` answer (§8.2) at its ``response_uri``. The wallet reaches it
through its own outbound client (the conftest's AppsTransport), as it would over the
network. What the verifier receives is then verified three ways: ``vckit.verification``,
``ler verify --challenge --domain``, and Digital Bazaar's JavaScript verifier.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ler.cli import main as ler
from tests.interop.conftest import RunJs, js_packages, run_js  # noqa: F401 (fixtures)
from tests.scenarios import ISSUER, did_of, ob3_credential, sign
from tests.wallet.conftest import (
    ALICE,
    BOB,
    Clock,
    WalletFactory,
    account_id_of,
    browser,
    csrf,
    sign_up,
)
from vckit.verification import VerifyOptions, verify
from wallet import store

VERIFIER = "https://verifier.test"
RESPONSE_URI = f"{VERIFIER}/post"
CLIENT_ID = f"redirect_uri:{RESPONSE_URI}"
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
NURSING = "Fundamentals of Nursing I"
FOOD = "Food Handler"
DCQL = {
    "credentials": [
        {
            "id": "nursing",
            "format": "ldp_vc",
            "meta": {"type_values": [[VC_TYPE, OB_TYPE]]},
            "claims": [{"path": ["credentialSubject", "achievement", "name"], "values": [NURSING]}],
        }
    ]
}


def _b64(value: dict[str, Any]) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned_request_object(claims: dict[str, Any]) -> str:
    """RFC 9101 §4 with alg none (the redirect_uri: prefix cannot sign, §5.9.3)."""
    return f"{_b64({'alg': 'none', 'typ': 'oauth-authz-req+jwt'})}.{_b64(claims)}."


def request_claims(nonce: str, **overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "response_uri": RESPONSE_URI,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "nonce": nonce,
        "state": f"state-{nonce}",
        "dcql_query": DCQL,
    }
    claims.update(overrides)
    return claims


@dataclass
class SpecVerifier:
    """Serves request objects by id and keeps what arrives at the response URI."""

    objects: dict[str, str] = field(default_factory=dict)
    received: list[dict[str, str]] = field(default_factory=list)
    answer_status: int = 200

    def app(self) -> Starlette:
        async def request_object(request: Request) -> Response:
            token = self.objects.get(request.path_params["rid"])
            if token is None:
                return Response(status_code=404)
            return Response(token, media_type="application/oauth-authz-req+jwt")

        async def direct_post(request: Request) -> Response:
            assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
            form = parse_qs((await request.body()).decode("utf-8"), strict_parsing=True)
            self.received.append({k: v[0] for k, v in form.items()})
            if self.answer_status != 200:
                return JSONResponse({"error": "invalid_request"}, status_code=self.answer_status)
            return JSONResponse({"redirect_uri": f"{VERIFIER}/done#response_code=abc"})

        return Starlette(
            routes=[
                Route("/request/{rid}", request_object),
                Route("/post", direct_post, methods=["POST"]),
            ]
        )

    def publish(self, rid: str, claims: dict[str, Any]) -> str:
        """The request link a verifier would show (by reference, §5 / RFC 9101)."""
        self.objects[rid] = unsigned_request_object(claims)
        query = urlencode(
            {"client_id": claims["client_id"], "request_uri": f"{VERIFIER}/request/{rid}"}
        )
        return f"openid4vp://?{query}"


def add_credential(app: FastAPI, email: str, name: str, **overrides: Any) -> str:
    """A did:key-issued OB 3.0 credential about the learner, put straight in their wallet
    (receiving is tested elsewhere); its id."""
    account_id = account_id_of(app, email)
    with app.state.inst.db.transaction() as tx:
        did = store.get_account(tx, account_id).did  # type: ignore[union-attr]
    credential = ob3_credential(did_of(ISSUER), did, name=name, **overrides)
    credential["credentialSubject"]["achievement"]["name"] = name
    signed = sign(credential, ISSUER)
    with app.state.inst.db.transaction() as tx:
        record = store.add_credential(
            tx, account_id, signed, format="ldp_vc", source="test",
            received_at="2026-03-01T00:00:00+00:00", verdict="verified",
        )  # fmt: skip
    return record.id


def open_request(client: TestClient, text: str) -> Any:
    return client.post(
        "/requests", data={"csrf": csrf(client), "request": text}, follow_redirects=False
    )


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


@dataclass
class Answered:
    app: FastAPI
    client: TestClient
    verifier: SpecVerifier
    request_id: str
    link: str
    nonce: str
    vp: dict[str, Any]
    nursing_id: str


def answer_flow(wallet_app: WalletFactory, database_url: str | None = None) -> Answered:
    verifier = SpecVerifier()
    app = wallet_app(database_url, apps={"verifier.test": verifier.app()})
    client = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    add_credential(app, ALICE, FOOD)
    nonce = "n-0S6_WzA2Mj"
    link = verifier.publish("r1", request_claims(nonce))

    opened = open_request(client, link)
    assert opened.status_code == 303, opened.text
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/requests/{request_id}")
    assert page.status_code == 200
    assert NURSING in page.text and FOOD not in page.text  # only the matching credential
    assert CLIENT_ID in page.text and nonce in page.text

    preview = client.post(
        f"/requests/{request_id}/prepare",
        data={"csrf": csrf(client), "q:nursing": nursing_id},
    )
    assert preview.status_code == 200, preview.text
    assert RESPONSE_URI in preview.text and f"state-{nonce}" in preview.text
    assert verifier.received == []  # nothing left before the learner says so
    sent = client.post(
        f"/requests/{request_id}/send",
        data={"csrf": csrf(client), "p:nursing": hidden(preview.text, "p:nursing")},
    )
    assert sent.status_code == 200, sent.text
    assert "Continue at the verifier" in sent.text
    [received] = verifier.received
    assert received["state"] == f"state-{nonce}"
    token = json.loads(received["vp_token"])
    assert list(token) == ["nursing"] and len(token["nursing"]) == 1
    vp = token["nursing"][0]
    # exactly what the preview showed was sent
    shown = re.search(r"<pre>(.*?)</pre>", preview.text, re.S)
    assert shown is not None
    assert json.loads(html_lib.unescape(shown.group(1))) == token
    return Answered(app, client, verifier, request_id, link, nonce, vp, nursing_id)


def test_openid4vp_request_answered_and_verified(
    wallet_app: WalletFactory, database_url: str, clock: Clock
) -> None:
    done = answer_flow(wallet_app, database_url)
    proof = done.vp["proof"]
    assert proof["challenge"] == done.nonce and proof["domain"] == CLIENT_ID
    assert proof["proofPurpose"] == "authentication"
    assert [c["name"] for c in done.vp["verifiableCredential"]] == [NURSING]
    report = verify(done.vp, VerifyOptions(challenge=done.nonce, domain=CLIENT_ID, now=clock.now))
    assert report.verdict == "pass", report.to_json()
    wrong = verify(done.vp, VerifyOptions(challenge="other", domain=CLIENT_ID, now=clock.now))
    assert wrong.verdict == "fail"
    log = done.client.get("/shared").text
    words, technical = log.split('<details class="technical">', 1)
    assert f'<a href="/credentials/{done.nursing_id}">{NURSING}</a>' in words
    assert "you answered a request from " in words and CLIENT_ID not in words
    assert not re.search(r"\d{4}-\d\d-\d\dT", words)
    assert CLIENT_ID in technical and done.nursing_id[:8] in technical
    listed = done.client.get("/presentations").text
    assert CLIENT_ID not in listed and f">{NURSING}</a>" in listed
    assert "the verifier at " in listed


@pytest.fixture
def answered(wallet_app: WalletFactory) -> Answered:
    return answer_flow(wallet_app)


def test_ler_verify_accepts_the_sent_presentation(
    answered: Answered, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(answered.vp))
    now = ["--now", "2026-03-02T09:30:00Z"]
    bound = ["--challenge", answered.nonce, "--domain", CLIENT_ID]
    assert ler(["verify", str(path), *bound, *now]) == 0, capsys.readouterr().out
    other = ["--challenge", answered.nonce, "--domain", "redirect_uri:https://evil.example/post"]
    assert ler(["verify", str(path), *other, *now]) == 1


def test_js_verifier_accepts_the_sent_presentation(answered: Answered, run_js: RunJs) -> None:  # noqa: F811
    case = {"op": "verify-presentation", "presentation": answered.vp, "now": "2026-03-02T09:30:00Z"}
    results = run_js(
        "di.mjs",
        [
            {"id": "bound", **case, "challenge": answered.nonce, "domain": CLIENT_ID},
            {"id": "other-challenge", **case, "challenge": "other", "domain": CLIENT_ID},
        ],
    )
    good = results.completed("bound")
    assert good["verified"] is True, good["errors"]
    assert good["credentialsVerified"] == [True]
    assert results.completed("other-challenge")["verified"] is False


def test_replayed_nonce_is_refused(answered: Answered) -> None:
    again = open_request(answered.client, answered.link)  # the same request object, same nonce
    assert again.status_code == 409
    assert "answered already" in again.text
    resend = answered.client.post(
        f"/requests/{answered.request_id}/send",
        data={"csrf": csrf(answered.client), "p:nursing": "x"},
    )
    assert resend.status_code == 409
    assert len(answered.verifier.received) == 1


def test_verifier_refusal_is_shown_and_closes_the_request(wallet_app: WalletFactory) -> None:
    verifier = SpecVerifier(answer_status=400)
    app = wallet_app(apps={"verifier.test": verifier.app()})
    client = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    opened = open_request(client, verifier.publish("r2", request_claims("nonce-2")))
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    preview = client.post(
        f"/requests/{request_id}/prepare", data={"csrf": csrf(client), "q:nursing": nursing_id}
    )
    sent = client.post(
        f"/requests/{request_id}/send",
        data={"csrf": csrf(client), "p:nursing": hidden(preview.text, "p:nursing")},
    )
    assert sent.status_code == 502 and "refused" in sent.text


def test_a_credential_that_does_not_match_cannot_be_sent(wallet_app: WalletFactory) -> None:
    verifier = SpecVerifier()
    app = wallet_app(apps={"verifier.test": verifier.app()})
    client = sign_up(browser(app), ALICE)
    add_credential(app, ALICE, NURSING)
    food_id = add_credential(app, ALICE, FOOD)
    opened = open_request(client, verifier.publish("r3", request_claims("nonce-3")))
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    refused = client.post(
        f"/requests/{request_id}/prepare", data={"csrf": csrf(client), "q:nursing": food_id}
    )
    assert refused.status_code == 422 and "does not match" in refused.text


def _by_value(**overrides: Any) -> str:
    claims = {**request_claims("nonce-by-value"), **overrides}
    if isinstance(claims["dcql_query"], dict):
        claims["dcql_query"] = json.dumps(claims["dcql_query"])
    return "openid4vp://?" + urlencode({k: v for k, v in claims.items() if v is not None})


BAD_REQUESTS: dict[str, tuple[str, str]] = {
    "malformed-json": (
        '{"client_id": "redirect_uri:https://verifier.test/post", ',
        "not valid JSON",
    ),
    "not-an-object": ("[1, 2]", "JSON object"),
    "x509-prefix": (
        _by_value(client_id="x509_san_dns:verifier.test"),
        "supports only 'redirect_uri'",
    ),
    "no-prefix": (_by_value(client_id="verifier.test"), "pre-registered"),
    "missing-nonce": (_by_value(nonce=None), "no nonce"),
    "http-response-uri": (
        _by_value(
            client_id="redirect_uri:http://verifier.test/post",
            response_uri="http://verifier.test/post",
        ),
        "not https",
    ),
    "response-uri-not-client": (
        _by_value(response_uri="https://elsewhere.test/post"),
        "must equal the client_id",
    ),
    "fragment-mode": (_by_value(response_mode="fragment"), "only 'direct_post'"),
    "no-dcql": (_by_value(dcql_query=None), "no dcql_query"),
    "bad-dcql": (_by_value(dcql_query='{"credentials": []}'), "non-empty array"),
    "transaction-data": (_by_value(transaction_data='["e30"]'), "transaction_data"),
    "vpr-without-challenge": ('{"query": {"type": "DIDAuthentication"}}', "no challenge"),
    "vpr-unknown-query": (
        '{"query": {"type": "PresentationExchange"}, "challenge": "c"}',
        "not supported",
    ),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
def test_bad_requests_are_refused_clearly(app: FastAPI, case: str) -> None:
    text, message = BAD_REQUESTS[case]
    client = sign_up(browser(app), ALICE)
    response = open_request(client, text)
    assert 400 <= response.status_code < 500, response.text
    assert message.lower() in html_lib.unescape(response.text).lower()
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        assert store.list_requests(tx, account_id) == []


def test_signed_request_object_is_refused(wallet_app: WalletFactory) -> None:
    verifier = SpecVerifier()
    app = wallet_app(apps={"verifier.test": verifier.app()})
    client = sign_up(browser(app), ALICE)
    verifier.objects["signed"] = (
        f"{_b64({'alg': 'ES256', 'typ': 'oauth-authz-req+jwt'})}.{_b64(request_claims('n'))}.c2ln"
    )
    request_uri = quote(f"{VERIFIER}/request/signed")
    link = f"openid4vp://?client_id={quote(CLIENT_ID)}&request_uri={request_uri}"
    response = open_request(client, link)
    assert response.status_code == 422 and "is signed" in response.text


def test_plain_http_to_localhost_only_when_the_settings_allow_it(
    wallet_app: WalletFactory,
) -> None:
    local = "http://localhost:8003/post"
    text = _by_value(client_id=f"redirect_uri:{local}", response_uri=local)
    allowed = sign_up(browser(wallet_app(allow_http_localhost=True)), ALICE)
    assert open_request(allowed, text).status_code == 303
    refused = sign_up(browser(wallet_app(allow_http_localhost=False)), ALICE)
    assert open_request(refused, text).status_code == 422


# --- VC-API presentation requests -------------------------------------------------------------


def vpr(challenge: str, **query: Any) -> str:
    return json.dumps(
        {
            "verifiablePresentationRequest": {
                "query": [
                    query
                    or {
                        "type": "QueryByExample",
                        "credentialQuery": {
                            "reason": "We hire nurses.",
                            "example": {"type": "OpenBadgeCredential"},
                        },
                    }
                ],
                "challenge": challenge,
                "domain": "https://employer.example",
            }
        }
    )


def test_vc_api_request_answered_as_a_download_once(app: FastAPI, clock: Clock) -> None:
    client = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    opened = open_request(client, vpr("challenge-1"))
    assert opened.status_code == 303
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/requests/{request_id}")
    assert "We hire nurses." in page.text and NURSING in page.text
    preview = client.post(
        f"/requests/{request_id}/prepare",
        data={"csrf": csrf(client), f"c:q0:{nursing_id}": "on"},
    )
    assert preview.status_code == 200, preview.text
    presentation_id = hidden(preview.text, "presentation")
    download = client.post(
        f"/requests/{request_id}/download",
        data={"csrf": csrf(client), "presentation": presentation_id},
    )
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")
    vp = download.json()
    options = VerifyOptions(
        challenge="challenge-1", domain="https://employer.example", now=clock.now
    )
    assert verify(vp, options).verdict == "pass"
    again = client.post(
        f"/requests/{request_id}/download",
        data={"csrf": csrf(client), "presentation": presentation_id},
    )
    assert again.status_code == 409
    assert open_request(client, vpr("challenge-1")).status_code == 409  # replayed challenge
    log = client.get("/shared").text
    assert "you downloaded a presentation for https://employer.example" in log


def test_did_authentication_needs_no_credential(app: FastAPI) -> None:
    client = sign_up(browser(app), ALICE)
    opened = open_request(client, vpr("challenge-2", type="DIDAuthentication"))
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    preview = client.post(f"/requests/{request_id}/prepare", data={"csrf": csrf(client)})
    assert preview.status_code == 200, preview.text
    vp = client.post(
        f"/requests/{request_id}/download",
        data={"csrf": csrf(client), "presentation": hidden(preview.text, "presentation")},
    ).json()
    assert "verifiableCredential" not in vp and vp["proof"]["challenge"] == "challenge-2"


# --- building presentations; who may see them -------------------------------------------------


def test_build_presentation_of_chosen_credentials(app: FastAPI, clock: Clock) -> None:
    client = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    add_credential(app, ALICE, FOOD)
    made = client.post(
        "/presentations",
        data={
            "csrf": csrf(client),
            f"c:{nursing_id}": "on",
            "challenge": "c-9",
            "domain": "d.example",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    presentation_id = made.headers["location"].rsplit("/", 1)[1]
    vp = client.get(f"/api/presentations/{presentation_id}").json()
    assert [c["name"] for c in vp["verifiableCredential"]] == [NURSING]
    options = VerifyOptions(challenge="c-9", domain="d.example", now=clock.now)
    assert verify(vp, options).verdict == "pass"
    assert client.get(f"/presentations/{presentation_id}/download").json() == vp
    assert client.get("/api/share-log").json()[0]["credentialIds"] == [nursing_id]


def test_nothing_chosen_and_no_csrf_are_refused(app: FastAPI) -> None:
    client = sign_up(browser(app), ALICE)
    empty = client.post("/presentations", data={"csrf": csrf(client)})
    assert empty.status_code == 422
    assert client.post("/presentations", data={}).status_code == 403


def test_learner_b_gets_404_on_a_s_records(wallet_app: WalletFactory) -> None:
    app = wallet_app()
    alice = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    made = alice.post(
        "/presentations",
        data={"csrf": csrf(alice), f"c:{nursing_id}": "on"},
        follow_redirects=False,
    )
    presentation_id = made.headers["location"].rsplit("/", 1)[1]
    alice.post(
        f"/presentations/{presentation_id}/share", data={"csrf": csrf(alice), "expiry": "1d"}
    )
    alice_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [link] = store.list_share_links(tx, alice_id)
    request_id = open_request(alice, vpr("c-a")).headers["location"].rsplit("/", 1)[1]

    bob = sign_up(browser(app), BOB)
    token = csrf(bob)
    gets = [
        f"/presentations/{presentation_id}",
        f"/presentations/{presentation_id}/download",
        f"/api/presentations/{presentation_id}",
        f"/requests/{request_id}",
    ]
    posts: list[tuple[str, dict[str, str]]] = [
        (f"/presentations/{presentation_id}/share", {"expiry": "1d"}),
        (f"/presentations/{presentation_id}/delete", {}),
        (f"/share-links/{link.id}/withdraw", {}),
        ("/presentations", {f"c:{nursing_id}": "on"}),
        ("/share-links", {f"c:{nursing_id}": "on", "expiry": "1d"}),
        (f"/requests/{request_id}/prepare", {f"c:q0:{nursing_id}": "on"}),
        (f"/requests/{request_id}/download", {"presentation": presentation_id}),
        (f"/requests/{request_id}/send", {"p:q0": presentation_id}),
    ]
    for path in gets:
        assert bob.get(path).status_code == 404, path
    for path, data in posts:
        assert bob.post(path, data={"csrf": token, **data}).status_code == 404, path
    assert alice.get(f"/presentations/{presentation_id}").status_code == 200  # nothing changed
    with app.state.inst.db.transaction() as tx:
        assert store.list_share_links(tx, alice_id)[0].withdrawn_at is None
