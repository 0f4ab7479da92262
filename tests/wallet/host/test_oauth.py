"""OB 3.0 §7 from the client's side: an OAuth client written from the RFCs
(:mod:`tests.wallet.host.rfc_client`) registers, is authorized by the learner with PKCE,
refreshes and revokes; each mistake a client can make fails with the RFC's error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.wallet.conftest import ALICE, BOB, PASSWORD, browser, sign_up
from tests.wallet.host.conftest import Host
from tests.wallet.host.rfc_client import ALL, READ, UPSERT, ObClient, bearer, query_of
from vckit.ob.api import schema_errors


def test_discovery_is_public_and_a_valid_service_description(host: Host) -> None:
    answer = host.api.get("/ims/ob/v3p0/discovery")
    assert answer.status_code == 200
    sdd = answer.json()
    assert schema_errors("ServiceDescriptionDocument", sdd) == []
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["x-imssf-registrationUrl"] == "https://wallet.test/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "https://wallet.test/oauth/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == "https://wallet.test/oauth/token"
    assert set(flow["scopes"]) == set(ALL.split())
    assert sdd["info"]["x-imssf-privacyPolicyUrl"] == "https://wallet.test/privacy"
    assert sdd["servers"] == [
        {"url": "https://wallet.test/ims/ob/v3p0", "description": "LER wallet"}
    ]
    assert set(sdd["paths"]) == {"/credentials", "/profile", "/discovery"}
    assert host.api.get("/privacy").status_code == 200


def test_register_authorize_refresh_revoke(host: Host) -> None:
    client = ObClient(host.api)
    registered = client.register(READ)
    assert registered.status_code == 201, registered.text
    body = registered.json()
    assert body["client_secret"] and body["client_id"] and body["scope"] == READ
    assert body["redirect_uris"] == [client.redirect_uri]
    # the consent page names the client and what it asks for, in words
    page = host.learner.get(client.authorization_url(READ))
    assert "Example Badge Platform" in page.text
    assert "read the Open Badges in your wallet" in page.text
    assert "platform.example" in page.text
    # Allow and Deny redirect to the client: browsers check form-action on that redirect
    csp = page.headers["content-security-policy"]
    assert "form-action 'self' https://platform.example;" in csp
    assert "form-action 'self';" in host.learner.get("/account").headers["content-security-policy"]
    tokens = client.tokens(host.learner, READ)
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == READ
    assert 0 < tokens["expires_in"] <= 3600
    assert (
        host.api.get("/ims/ob/v3p0/credentials", headers=bearer(tokens["access_token"])).status_code
        == 200
    )
    # refresh: a new access token; the refresh token rotates and the old one is spent
    refreshed = client.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()
    assert fresh["access_token"] != tokens["access_token"]
    assert (
        host.api.get("/ims/ob/v3p0/credentials", headers=bearer(fresh["access_token"])).status_code
        == 200
    )
    again = client.refresh(tokens["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # revoking the refresh token ends every token of the grant (RFC 7009 §2.1)
    assert client.revoke(fresh["refresh_token"], "refresh_token").status_code == 200
    after = host.api.get("/ims/ob/v3p0/credentials", headers=bearer(fresh["access_token"]))
    assert after.status_code == 401
    assert after.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == (
        "unauthorizedrequest"
    )
    assert 'error="invalid_token"' in after.headers["www-authenticate"]
    # an unknown token is no error to revoke (RFC 7009 §2.2)
    assert client.revoke("no-such-token").status_code == 200


def test_the_grant_is_on_the_account_page_and_the_learner_can_end_it(host: Host) -> None:
    client = ObClient(host.api)
    tokens = client.tokens(host.learner, READ)
    page = host.learner.get("/account")
    assert "Example Badge Platform" in page.text and "Revoke access" in page.text
    log = host.learner.get("/api/share-log").json()
    assert any(entry["recipient"] == "Example Badge Platform" for entry in log)
    import re

    action = re.search(r'action="(/account/connections/[^"]+/revoke)"', page.text)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert action and csrf
    done = host.learner.post(action.group(1), data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.status_code == 303
    answer = host.api.get("/ims/ob/v3p0/credentials", headers=bearer(tokens["access_token"]))
    assert answer.status_code == 401
    assert client.refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert "Example Badge Platform" not in host.learner.get("/account").text


def test_wrong_verifier_reused_code_and_wrong_redirect_uri(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    code = client.authorize(host.learner, READ)
    wrong = client.exchange(code, code_verifier="x" * 43)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # the code was spent by that attempt: the right verifier cannot use it either
    assert client.exchange(code).json()["error"] == "invalid_grant"

    code = client.authorize(host.learner, READ)
    moved = client.exchange(code, redirect_uri="https://platform.example/elsewhere")
    assert moved.status_code == 400 and moved.json()["error"] == "invalid_grant"

    code = client.authorize(host.learner, READ)
    first = client.exchange(code)
    assert first.status_code == 200
    replay = client.exchange(code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # a replayed code revokes what it bought (RFC 6749 §4.1.2)
    token = first.json()["access_token"]
    assert host.api.get("/ims/ob/v3p0/credentials", headers=bearer(token)).status_code == 401
    assert replay.headers["cache-control"] == "no-store"


def test_missing_scope_is_403_insufficient_scope(host: Host) -> None:
    tokens = ObClient(host.api).tokens(host.learner, READ)
    answer = host.api.post("/ims/ob/v3p0/credentials", headers=bearer(tokens["access_token"]),
                           json={"type": ["VerifiableCredential"]})  # fmt: skip
    assert answer.status_code == 403
    assert (
        answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "forbidden"
    )
    assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
    assert (
        host.api.get("/ims/ob/v3p0/profile", headers=bearer(tokens["access_token"])).status_code
        == 403
    )
    no_token = host.api.get("/ims/ob/v3p0/credentials")
    assert no_token.status_code == 401 and schema_errors("Imsx_StatusInfo", no_token.json()) == []


def test_a_client_cannot_ask_for_more_than_it_registered(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    answer = host.learner.get(client.authorization_url(READ + " " + UPSERT), follow_redirects=False)
    assert answer.status_code == 303
    back = query_of(answer.headers["location"])
    assert back["error"] == "invalid_scope" and back["state"] == client.state
    # nor a token with more than was granted
    code = client.authorize(host.learner, READ)
    assert client.exchange(code, scope=UPSERT).json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"code_challenge": ""}, "invalid_request"),  # PKCE is required (OB 3.0 §7.1.2.1)
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_bad_authorization_requests_go_back_with_the_error(
    host: Host, override: dict[str, str], error: str
) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    answer = host.learner.get(client.authorization_url(READ, **override), follow_redirects=False)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(client.redirect_uri)
    assert query_of(location)["error"] == error


def test_unregistered_redirect_uri_and_unknown_client_are_never_redirected(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    elsewhere = client.authorization_url(READ, redirect_uri="https://attacker.example/cb")
    answer = host.learner.get(elsewhere, follow_redirects=False)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "did not register" in answer.text
    client.client_id = "lerc_nobody"
    answer = host.learner.get(client.authorization_url(READ), follow_redirects=False)
    assert answer.status_code == 400 and "not registered" in answer.text


def test_deny_sends_access_denied(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    answer = client.consent(host.learner, client.authorization_url(READ), decision="deny")
    assert answer.status_code == 303
    assert query_of(answer.headers["location"]) | {} == {
        "error": "access_denied", "error_description": "the learner did not allow access",
        "state": client.state,
    }  # fmt: skip


def test_not_signed_in_signs_in_first_and_comes_back(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    stranger = browser(host.app)
    url = client.authorization_url(READ)
    answer = stranger.get(url, follow_redirects=False)
    assert answer.status_code == 303
    target = query_of(answer.headers["location"])["next"]
    assert target == url
    page = stranger.get("/sign-in")
    import re

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf": csrf.group(1), "email": ALICE, "password": PASSWORD, "next": target}
    signed = stranger.post("/sign-in", data=form, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == target
    assert "Allow" in stranger.get(target).text


def test_client_authentication(host: Host) -> None:
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    code = client.authorize(host.learner, READ)
    secret = client.client_secret
    client.client_secret = "wrong"
    wrong = client.exchange(code)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    client.client_secret = secret
    # another client cannot use this client's code, nor revoke its tokens
    other = ObClient(host.api)
    assert other.register(READ).status_code == 201
    other.verifier = client.verifier
    assert other.exchange(code).json()["error"] == "invalid_grant"
    tokens = client.tokens(host.learner, READ)
    assert other.revoke(tokens["access_token"]).status_code == 400
    assert (
        host.api.get("/ims/ob/v3p0/credentials", headers=bearer(tokens["access_token"])).status_code
        == 200
    )


def test_a_public_client_uses_pkce_alone(host: Host) -> None:
    client = ObClient(host.api)
    answer = client.register(READ, token_endpoint_auth_method="none")
    assert answer.status_code == 201 and "client_secret" not in answer.json()
    code = client.authorize(host.learner, READ)
    form = {"grant_type": "authorization_code", "code": code, "client_id": client.client_id,
            "redirect_uri": client.redirect_uri, "code_verifier": client.verifier}  # fmt: skip
    assert client.token_request(form, auth=False).status_code == 200


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://platform.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://platform.example/cb#x"]}, "invalid_redirect_uri"),
        ({"redirect_uris": "https://platform.example/cb"}, "invalid_redirect_uri"),
        ({"scope": "https://example.org/everything"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata"),
        ({"client_uri": "javascript:alert(1)"}, "invalid_client_metadata"),
        ({"client_name": "x" * 1000}, "invalid_client_metadata"),
    ],
)
def test_registration_refusals(host: Host, metadata: dict[str, object], error: str) -> None:
    answer = ObClient(host.api).register(**metadata)  # type: ignore[arg-type]
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == error


def test_http_loopback_redirects_are_allowed(host: Host) -> None:
    client = ObClient(host.api, redirect_uri="http://127.0.0.1:8765/cb")
    assert client.register(READ).status_code == 201


def test_not_json_or_not_a_form(host: Host) -> None:
    answer = host.api.post(
        "/oauth/register", content=b"{", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_client_metadata"
    answer = host.api.post("/oauth/token", json={"grant_type": "authorization_code"})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    client = ObClient(host.api)
    assert client.register(READ).status_code == 201
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    twice = host.api.post("/oauth/token", content=b"grant_type=refresh_token&grant_type=x",
                          headers=form_type | client._basic())  # fmt: skip
    assert twice.json()["error"] == "invalid_request"
    assert (
        client.token_request({"grant_type": "password"}).json()["error"] == "unsupported_grant_type"
    )


def test_tokens_are_one_learners(host: Host) -> None:
    """Bob's token reads Bob's wallet, never Alice's."""
    alice_credential = host.issued()
    alice = ObClient(host.api)
    alice_tokens = alice.tokens(host.learner, ALL)
    up = host.api.post("/ims/ob/v3p0/credentials", json=alice_credential,
                       headers=bearer(alice_tokens["access_token"]))  # fmt: skip
    assert up.status_code == 201, up.text
    bob_browser = sign_up(browser(host.app), BOB)
    bob_tokens = ObClient(host.api).tokens(bob_browser, ALL)
    bobs = host.api.get("/ims/ob/v3p0/credentials", headers=bearer(bob_tokens["access_token"]))
    assert bobs.json() == {"credential": [], "compactJwsString": []}
    assert bobs.headers["x-total-count"] == "0"
    # Bob's token cannot put Alice's credential into Bob's wallet either: it is about Alice
    refused = host.api.post("/ims/ob/v3p0/credentials", json=alice_credential,
                            headers=bearer(bob_tokens["access_token"]))  # fmt: skip
    assert refused.status_code == 400 and "someone else" in refused.json()["imsx_description"]


def test_metadata_names_the_endpoints(host: Host) -> None:
    metadata = host.api.get("/.well-known/oauth-authorization-server").json()
    assert urlsplit(metadata["revocation_endpoint"]).path == "/oauth/revoke"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
