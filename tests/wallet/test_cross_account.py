"""One learner, one wallet (issue 4): "a learner sees and changes only their own records —
another learner's credential, presentation or share link is a 404, whatever the URL says".

The routes are not listed by hand: every route of the wallet app with a path parameter is
found by walking ``app.routes`` (FastAPI keeps an included router in an ``_IncludedRouter``
whose ``original_router`` holds its routes), and each parameter name is mapped to records
learner A made through the wallet's own pages: a credential received from the real issuer
app, an offer left pending on its transaction code, a presentation, a share link, an
OpenID4VP request (to a verifier written from the spec, tests/wallet/sharing/test_present.py), a
VC-API presentation request and a finished "verify all again" job. A route whose parameter the
map does not know fails the test, so a new object route must be added here.

Learner B, signed in with the CSRF token of B's own session and a body that would work for
the owner (the right transaction code, A's credential and presentation ids), asks every
route with A's ids: every answer is a 404 (an error page, or problem+json under ``/api/``)
that shows nothing of A's, and afterwards every row of A's is as it was, the share link
still opens and the verifier received nothing. Then A asks the same routes with the same
bodies and is not refused with a 404: B's 404s come from whose records they are, not from a
malformed request. Signed-out visitors are sent to sign in (pages) or get a 401 (``/api/``)
on every route that is not public; no answer is a 500.

The share link ``/s/{token}`` is a capability URL, public by design: it opens for anyone
while valid and is 410 for everyone once A withdraws it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.wallet.conftest import (
    ALICE,
    BOB,
    WALLET_URL,
    WalletFactory,
    account_id_of,
    csrf,
    csrf_of,
    sign_up,
)
from tests.wallet.receiving.test_receive import done_id, make_offer, post_offer
from tests.wallet.receiving.test_recheck_job import settled
from tests.wallet.sharing.test_present import (
    SpecVerifier,
    hidden,
    open_request,
    request_claims,
    vpr,
)
from tests.wallet.sharing.test_share import make_presentation, share_presentation
from wallet import store
from wallet.store import oauth

PARAMETER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")

# The path parameters that name a learner's own records (each mapped to A's records below).
OWN_RECORDS = (
    "credential_id",
    "offer_id",
    "presentation_id",
    "link_id",
    "request_id",
    "job_id",  # a "verify all again" job (issue 13)
    "grant_id",  # an application the learner let use the Open Badges API (issue 18)
)
# Path parameters that are capabilities: whoever holds the value may use it (no account).
CAPABILITIES = ("token",)
# Path parameters that name nothing of anyone's: the pages' stylesheets (servicekit.assets).
NOT_RECORDS = ("name", "rest")  # rest: the OB API's own 404/405 for paths it does not have
# Path parameters that point inside a record another parameter names: the value used.
INSIDE = {"index": "0"}  # a CLR's nested credential (issue 17)

# Routes anyone may use without signing in: (method, path template).
PUBLIC = {
    ("GET", "/"),
    ("GET", "/sign-up"),
    ("POST", "/sign-up"),
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
    ("POST", "/sign-out"),
    ("GET", "/s/{token}"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),  # servicekit.health
    ("GET", "/stats"),  # aggregate counts only (servicekit.stats)
    ("GET", "/docs"),  # servicekit.apidocs
    ("GET", "/assets/{name}"),  # the pages' stylesheets (servicekit.assets)
    ("GET", "/privacy"),
    # the Open Badges host (issue 18): discovery and the OAuth endpoints are public by the
    # spec (the token and revocation endpoints authenticate the client), and the API answers
    # its own 404 / 405 for what it does not have
    ("GET", "/ims/ob/v3p0/discovery"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("POST", "/oauth/register"),
    ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"),
    *((method, "/ims/ob/v3p0/{rest:path}") for method in ("GET", "POST", "PUT", "PATCH", "DELETE")),
}
OB_API = "/ims/ob/v3p0/"
"""The Open Badges API: its door is an OAuth access token, not a session (401 Imsx_StatusInfo)."""


# --- the routes, found ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteCase:
    method: str
    path: str

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(name for name in PARAMETER.findall(self.path) if name not in INSIDE)

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _walk(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # FastAPI 0.165: app.include_router keeps the router whole
            yield from _walk(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def all_routes(app: FastAPI) -> list[RouteCase]:
    """Every (method, path) the app answers with one of its own handlers (the OpenAPI
    documents FastAPI adds are plain Starlette routes and are left out)."""
    found = {
        RouteCase(method, route.path)
        for route in _walk(app.routes)
        for method in route.methods or ()
        if method != "HEAD"
    }
    return sorted(found, key=lambda r: (r.path, r.method))


def object_routes(app: FastAPI) -> list[RouteCase]:
    return [r for r in all_routes(app) if set(r.parameters) - set(NOT_RECORDS)]


def test_every_object_route_names_a_record_this_test_knows(wallet_app: WalletFactory) -> None:
    """A new route with a path parameter must be added to this test (OWN_RECORDS or
    CAPABILITIES, and A must make such a record in ``alice_records``)."""
    routes = object_routes(wallet_app())
    unknown = {
        str(r): name
        for r in routes
        for name in r.parameters
        if name not in OWN_RECORDS + CAPABILITIES
    }
    assert unknown == {}, "add these path parameters to tests/wallet/test_cross_account.py"
    # the walk finds the included routers' routes (else every check below would pass vacuously)
    assert {
        "GET /credentials/{credential_id}",
        "POST /requests/{request_id}/send",
        "GET /credentials/{credential_id}/disclose",  # selective disclosure (issue 6)
        "POST /credentials/{credential_id}/disclose/share",
        "GET /api/credentials/{credential_id}/fields",
        "POST /api/credentials/{credential_id}/preview",
        "GET /api/credentials/recheck/{job_id}",  # a re-check job (issue 13)
        "GET /credentials/recheck/{job_id}",
    } <= {str(r) for r in routes}
    assert {n for r in routes for n in r.parameters} == set(OWN_RECORDS + CAPABILITIES)
    capability_routes = [r for r in routes if set(r.parameters) & set(CAPABILITIES)]
    assert [str(r) for r in capability_routes] == ["GET /s/{token}"]


# --- learner A's records ----------------------------------------------------------------------


@dataclass
class World:
    app: FastAPI
    verifier: SpecVerifier
    alice: TestClient
    alice_account: str
    alice_did: str
    records: dict[str, list[str]]  # path parameter -> A's record ids
    answers: dict[str, str]  # A's prepared answers: form field -> presentation id
    tx_code: str
    share_path: str
    achievement: str


def client_of(app: FastAPI) -> TestClient:
    """A browser of the wallet that shows a server error as a 500 instead of raising it."""
    return TestClient(app, base_url=WALLET_URL, raise_server_exceptions=False)


def rows(app: FastAPI, account_id: str) -> dict[str, list[dict[str, Any]]]:
    with app.state.inst.db.transaction() as tx:
        return store.rows_of_account(tx, account_id)


@pytest.fixture
def world(wallet_app: WalletFactory, issuer_service: FastAPI, database_url: str | None) -> World:
    """Learner A with one record of each kind, each made through the wallet's own pages."""
    verifier = SpecVerifier()
    app = wallet_app(
        database_url, apps={"issuer.test": issuer_service, "verifier.test": verifier.app()}
    )
    alice = sign_up(client_of(app), ALICE)
    credential_id = done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    pending = make_offer(issuer_service, tx_code=True)
    asked = post_offer(alice, pending["offer_uri"])
    assert asked.status_code == 303, asked.text[:2000]
    offer_id = asked.headers["location"].removeprefix("/receive/offers/")
    presentation_id = make_presentation(alice, credential_id)
    share_path = share_presentation(alice, presentation_id, "30d")
    opened = open_request(alice, verifier.publish("r1", request_claims("nonce-of-a")))
    assert opened.status_code == 303, opened.text[:2000]
    oid4vp_id = opened.headers["location"].rsplit("/", 1)[1]
    opened = open_request(alice, vpr("challenge-of-a"))
    assert opened.status_code == 303, opened.text[:2000]
    vpr_id = opened.headers["location"].rsplit("/", 1)[1]
    # both requests prepared (signed, kept) but not sent: what B might try to send
    prepared = {
        "p:nursing": (oid4vp_id, {"q:nursing": credential_id}),
        "presentation": (vpr_id, {f"c:q0:{credential_id}": "on"}),
    }
    answers: dict[str, str] = {}
    for field, (request_id, choice) in prepared.items():
        preview = alice.post(
            f"/requests/{request_id}/prepare", data={"csrf": csrf(alice), **choice}
        )
        assert preview.status_code == 200, preview.text[:2000]
        answers[field] = hidden(preview.text, field)

    started = alice.post("/api/credentials/recheck")
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    settled(app, ALICE, job_id)  # A's rows stay as they are while B asks

    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [link] = store.list_share_links(tx, account_id)
        [credential] = store.list_credentials(tx, account_id)
        [offer] = [o for o in store.list_offers(tx, account_id) if o.id == offer_id]
        did = store.get_account(tx, account_id).did  # type: ignore[union-attr]
    assert offer.state == "pending"
    assert isinstance(credential.document, dict)
    grant_id = "grant-of-a"  # A let an application use the Open Badges API
    with app.state.inst.db.transaction() as tx:
        oauth.add_client(tx, "client-of-a", None, "none", {"client_name": "A's app"}, "2026")
        oauth.add_grant(tx, grant_id, account_id, "client-of-a", "scope", "2026")
    return World(
        app=app,
        verifier=verifier,
        alice=alice,
        alice_account=account_id,
        alice_did=did,
        records={
            "credential_id": [credential_id],
            "offer_id": [offer_id],
            "presentation_id": [presentation_id, *answers.values()],
            "link_id": [link.id],
            "request_id": [oid4vp_id, vpr_id],
            "job_id": [job_id],
            "grant_id": [grant_id],
        },
        answers=answers,
        tx_code=pending["tx_code"],
        share_path=share_path,
        achievement=credential.document["credentialSubject"]["achievement"]["name"],
    )


def owned_routes(app: FastAPI) -> list[RouteCase]:
    routes = object_routes(app)
    unknown = {n for r in routes for n in r.parameters} - set(OWN_RECORDS + CAPABILITIES)
    assert not unknown, f"unknown path parameters {sorted(unknown)}: add them to this test"
    return [r for r in routes if not set(r.parameters) & set(CAPABILITIES)]


def urls(route: RouteCase, world: World) -> list[str]:
    """The route's path with each of A's records of the kind its parameter names."""
    [name] = route.parameters  # every object route of the wallet names one record
    path = route.path
    for inside, value in INSIDE.items():
        path = path.replace("{" + inside + "}", value)
    return [path.replace("{" + name + "}", value) for value in world.records[name]]


def form_for(world: World, token: str) -> dict[str, str]:
    """A body that would do something for the owner on any of the POST routes: the CSRF token
    of the asking session, the offer's transaction code, A's credential and A's prepared
    answers to the requests (``p:nursing`` for OpenID4VP, ``presentation`` for VC-API)."""
    [credential_id] = world.records["credential_id"]
    return {
        "csrf": token,
        "tx_code": world.tx_code,
        "expiry": "1d",
        f"c:{credential_id}": "on",
        f"c:q0:{credential_id}": "on",
        "q:nursing": credential_id,
        "confirm": "on",
        **world.answers,
    }


def ask(client: TestClient, route: RouteCase, url: str, form: dict[str, str]) -> Any:
    if route.method == "GET":
        return client.get(url, follow_redirects=False)
    if route.api:
        return client.request(route.method, url, follow_redirects=False)
    return client.request(route.method, url, data=form, follow_redirects=False)


def what_went_wrong(response: Any, route: RouteCase, world: World) -> str | None:
    """None when ``response`` is the 404 the rule asks for, else what is wrong with it."""
    if response.status_code != 404:
        return f"HTTP {response.status_code}: {response.text[:300]!r}"
    media_type = response.headers.get("content-type", "")
    wanted = "application/problem+json" if route.api else "text/html"
    if not media_type.startswith(wanted):
        return f"404 as {media_type!r}, not {wanted}"
    for secret in (ALICE, world.alice_did, world.achievement):
        if secret in response.text:
            return f"the 404 shows A's {secret!r}"
    return None


# Routes that end a record other routes name, in the order the owner may run them last:
# a withdrawn link, a redeemed offer (removing it after that is a 409, not a 404), then a
# deleted presentation (its links end with it) and a deleted credential.
ENDING = (
    ("POST", "/share-links/{link_id}/withdraw"),
    ("POST", "/receive/offers/{offer_id}"),
    ("DELETE", "/api/receive/offers/{offer_id}"),
    ("POST", "/presentations/{presentation_id}/delete"),
    ("POST", "/credentials/{credential_id}/delete"),
)


def ending_rank(route: RouteCase) -> int:
    key = (route.method, route.path)
    return 1 + ENDING.index(key) if key in ENDING else 0


# --- the rule -------------------------------------------------------------------------------------


def test_another_learner_gets_404_on_every_object_route_and_changes_nothing(
    world: World,
) -> None:
    app = world.app
    routes = owned_routes(app)
    bob = sign_up(client_of(app), BOB)
    bob_account = account_id_of(app, BOB)
    before, bob_before = rows(app, world.alice_account), rows(app, bob_account)
    form = form_for(world, csrf(bob))

    wrong = {
        f"{route.method} {url}": problem
        for route in routes
        for url in urls(route, world)
        if (problem := what_went_wrong(ask(bob, route, url, form), route, world)) is not None
    }
    assert wrong == {}, "B reached A's records"

    assert rows(app, world.alice_account) == before  # every row of A's, as it was
    assert rows(app, bob_account) == bob_before  # and nothing of A's was copied to B
    assert world.verifier.received == []  # A's request was not answered
    for visitor in (bob, client_of(app)):
        assert visitor.get(world.share_path).status_code == 200  # the link still open

    # The same asks by the owner are not 404s: B's came from whose records they are.
    # (Withdrawing, deleting and redeeming last: they end the records other routes name.)
    own_form = form_for(world, csrf(world.alice))
    ordered = sorted(routes, key=ending_rank)
    refused = {
        f"{route.method} {url}": f"HTTP {answer.status_code}: {answer.text[:300]!r}"
        for route in ordered
        for url in urls(route, world)
        if (answer := ask(world.alice, route, url, own_form)).status_code in (403, 404)
        or answer.status_code >= 500
    }
    assert refused == {}, "the owner was refused: the checks above may prove nothing"
    assert len(world.verifier.received) == 1  # A's own send reached the verifier
    with app.state.inst.db.transaction() as tx:  # the code B sent was right: A redeemed with it
        [offer_id] = world.records["offer_id"]
        assert store.get_offer(tx, world.alice_account, offer_id).state == "redeemed"  # type: ignore[union-attr]


def test_another_learner_cannot_answer_or_preview_with_a_credential_of_a(world: World) -> None:
    """The JSON routes that take credential ids in their body (issue 6): A's ids are not
    found for B, before anything is opened, made or sent."""
    app = world.app
    bob = sign_up(client_of(app), BOB)
    before = rows(app, world.alice_account)
    [credential_id] = world.records["credential_id"]
    link = world.verifier.publish("r-bob", request_claims("nonce-of-b"))
    body = {"request": link, "credentials": [{"id": credential_id, "hide": ["/awardedDate"]}]}
    answered = bob.post("/api/answers", json=body)
    previewed = bob.post(f"/api/credentials/{credential_id}/preview", json={"hide": []})
    for answer in (answered, previewed):
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert world.achievement not in answer.text and ALICE not in answer.text
    assert rows(app, world.alice_account) == before
    assert world.verifier.received == []
    assert rows(app, account_id_of(app, BOB))["requests"] == []  # nothing opened for B either


def test_a_share_link_is_a_capability_open_to_anyone_until_withdrawn(world: World) -> None:
    app = world.app
    bob = sign_up(client_of(app), BOB)
    visitors = {"owner": world.alice, "other learner": bob, "signed out": client_of(app)}
    assert {who: c.get(world.share_path).status_code for who, c in visitors.items()} == {
        who: 200 for who in visitors
    }
    [link_id] = world.records["link_id"]
    refused = bob.post(f"/share-links/{link_id}/withdraw", data={"csrf": csrf(bob)})
    assert refused.status_code == 404
    assert bob.get(world.share_path).status_code == 200
    withdrawn = world.alice.post(
        f"/share-links/{link_id}/withdraw",
        data={"csrf": csrf(world.alice)},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    assert {who: c.get(world.share_path).status_code for who, c in visitors.items()} == {
        who: 410 for who in visitors
    }


def test_signed_out_visitors_are_sent_to_sign_in_on_every_private_route(world: World) -> None:
    app = world.app
    before = rows(app, world.alice_account)
    no_cookie = client_of(app)
    anonymous = client_of(app)  # an anonymous session (the sign-in form's), with its token
    token = csrf_of(anonymous.get("/sign-in").text)
    private = [r for r in all_routes(app) if (r.method, r.path) not in PUBLIC]
    assert len(private) > len(owned_routes(app))  # pages without parameters are in too

    wrong: dict[str, str] = {}
    for route in private:
        for url in urls(route, world) if route.parameters else [route.path]:
            for who, visitor in (("no cookie", no_cookie), ("anonymous", anonymous)):
                answer = ask(visitor, route, url, form_for(world, token))
                if route.path.startswith(OB_API):
                    ok = answer.status_code == 401 and "imsx_codeMajor" in answer.json()
                elif route.api:
                    ok = answer.status_code == 401 and answer.headers.get(
                        "content-type", ""
                    ).startswith("application/problem+json")
                else:
                    location = answer.headers.get("location", "")
                    ok = answer.status_code == 303 and location.startswith("/sign-in")
                if not ok:
                    wrong[f"{route.method} {url} ({who})"] = (
                        f"HTTP {answer.status_code} {answer.headers.get('location', '')}"
                        f" {answer.text[:200]!r}"
                    )
    assert wrong == {}
    assert rows(app, world.alice_account) == before
    assert world.verifier.received == []
