"""The wallet as an Open Badges 3.0 host, in Chromium: a badge platform (this test, speaking
OAuth from the RFCs with httpx) registers, the learner reads the consent page and allows,
the platform reads the learner's badges; the account page lists the connection and the
learner ends it. At 1100 and 390 px, with no horizontal overflow."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Actor, Services, Shoot, problems_of

READ = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
CALLBACK = "http://localhost:9/platform/callback"  # nothing listens: the browser's visit is caught


def _no_overflow(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} overflows: {width}"


@pytest.mark.parametrize("width", [1100, 390])
def test_a_platform_is_allowed_and_then_revoked(
    services: Services, actor: Actor, shoot: Shoot, width: int, request: pytest.FixtureRequest
) -> None:
    learner = actor(f"ob-learner-{width}")
    learner.set_viewport_size({"width": width, "height": 900})
    email = f"ob-{width}@example.org"
    learner.goto(f"{services.wallet}/sign-up")
    learner.get_by_label("Email").fill(email)
    learner.get_by_label("Password", exact=True).fill("a long and memorable passphrase")
    learner.get_by_label("Password again").fill("a long and memorable passphrase")
    learner.get_by_role("button", name="Create the account").click()
    expect(learner.get_by_text(f"Signed in as {email}")).to_be_visible()

    api = httpx.Client(base_url=services.wallet, timeout=20)
    request.addfinalizer(api.close)
    sdd = api.get("/ims/ob/v3p0/discovery").json()
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    registered = api.post(scheme["x-imssf-registrationUrl"], json={
        "client_name": "Example Badge Platform", "client_uri": "https://platform.example/",
        "redirect_uris": [CALLBACK], "scope": READ,
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
    })  # fmt: skip
    assert registered.status_code == 201, registered.text
    client = registered.json()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    state = secrets.token_urlsafe(16)
    flow = scheme["flows"]["authorizationCode"]
    query = urlencode({
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": CALLBACK,
        "scope": READ, "state": state, "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
    })  # fmt: skip
    caught: list[str] = []

    def platform(route: Route) -> None:
        caught.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Back at the platform</h1>")

    learner.route("http://localhost:9/**", platform)
    learner.goto(f"{flow['authorizationUrl']}?{query}")
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Allow Example Badge Platform to use your wallet?"
    )
    expect(learner.get_by_text("read the Open Badges in your wallet")).to_be_visible()
    _no_overflow(learner)
    shoot(learner, f"wallet-ob-consent-{width}")
    learner.get_by_role("button", name="Allow").click()
    expect(learner.get_by_role("heading", name="Back at the platform")).to_be_visible()
    back = parse_qs(urlsplit(caught[-1]).query)
    assert back["state"] == [state]

    token = api.post(flow["tokenUrl"], auth=(client["client_id"], client["client_secret"]), data={
        "grant_type": "authorization_code", "code": back["code"][0], "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    })  # fmt: skip
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert api.get("/ims/ob/v3p0/credentials", headers=bearer).status_code == 200

    learner.goto(f"{services.wallet}/account")
    connections = learner.locator("#connections + p, #connections ~ ul").first
    expect(learner.get_by_text("Example Badge Platform")).to_be_visible()
    _no_overflow(learner)
    shoot(learner, f"wallet-ob-connections-{width}", part=connections)
    learner.get_by_role("button", name="Revoke access").click()
    expect(learner.get_by_text("No application may use your wallet")).to_be_visible()
    assert api.get("/ims/ob/v3p0/credentials", headers=bearer).status_code == 401
    problems = problems_of(learner)
    assert problems.console == [] and problems.outside == [], problems.all()
