"""The Open Badges 3.0 conformance guide's Host tests (``cert-host.md``: Service Provider Read
and Write), written as our own, against the wallet over HTTP with tokens from the RFC client.

Read: getCredentials answers valid, verifiable AchievementCredentials, paged as §6.4 says;
getProfile a Profile. Write: upsertCredential keeps what it is sent and a later getCredentials
returns that same credential under the spec's equality rule (§10); putProfile. Every answer is
checked against the official OpenAPI file's schemas; every error is an ``Imsx_StatusInfo``.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from tests.wallet.conftest import ALICE, Clock
from tests.wallet.held import verify_through
from tests.wallet.host.conftest import Host
from tests.wallet.host.rfc_client import ALL, ObClient, bearer
from vckit.did.resolver import did_key
from vckit.keys.keypair import KeyPair
from vckit.ob.api import schema_errors
from vckit.signing import sign
from wallet import store

CREDENTIALS = "/ims/ob/v3p0/credentials"
PROFILE = "/ims/ob/v3p0/profile"


@pytest.fixture
def token(host: Host) -> str:
    access: str = ObClient(host.api).tokens(host.learner, ALL)["access_token"]
    return access


def upsert(host: Host, token: str, credential: dict[str, Any] | str) -> Any:
    if isinstance(credential, str):
        return host.api.post(CREDENTIALS, content=credential,
                             headers=bearer(token) | {"content-type": "text/plain"})  # fmt: skip
    return host.api.post(CREDENTIALS, json=credential, headers=bearer(token))


def served(host: Host, token: str, **params: Any) -> list[dict[str, Any]]:
    """The JSON-LD credentials getCredentials serves, each proof back to a single object."""
    answer = host.api.get(CREDENTIALS, params=params, headers=bearer(token))
    assert (
        answer.status_code == 200
        and schema_errors("GetOpenBadgeCredentialsResponse", answer.json()) == []
    )
    found = []
    for credential in answer.json()["credential"]:
        assert isinstance(credential["proof"], list) and len(credential["proof"]) == 1
        found.append(credential | {"proof": credential["proof"][0]})
    return found


def minor(answer: Any) -> str:
    assert schema_errors("Imsx_StatusInfo", answer.json()) == [], answer.text
    value: str = answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0][
        "imsx_codeMinorFieldValue"
    ]
    return value


def test_upsert_then_get_returns_the_same_verifiable_credentials(
    host: Host, token: str, clock: Clock
) -> None:
    ldp = host.issued("eddsa-rdfc-2022")
    jwt = host.issued("ob3-jwt")
    assert isinstance(ldp, dict) and isinstance(jwt, str)
    created = upsert(host, token, ldp)
    assert created.status_code == 201, created.text
    assert created.json() == ldp and created.headers["content-type"].startswith("application/json")
    created = upsert(host, token, jwt)
    assert created.status_code == 201, created.text
    assert created.text == jwt and created.headers["content-type"].startswith("text/plain")
    # the same credential again: 200, nothing new
    assert upsert(host, token, ldp).status_code == 200
    assert upsert(host, token, jwt).status_code == 200
    got = host.api.get(CREDENTIALS, headers=bearer(token))
    assert got.status_code == 200
    assert schema_errors("GetOpenBadgeCredentialsResponse", got.json()) == []
    # the same credential; its one proof as the one-item list the official schema wants
    assert got.json() == {
        "credential": [ldp | {"proof": [ldp["proof"]]}],
        "compactJwsString": [jwt],
    }
    assert got.headers["x-total-count"] == "2"
    for credential in (*got.json()["credential"], *got.json()["compactJwsString"]):
        assert verify_through(host.issuer, credential, clock()).verdict == "pass"


def _signed_by_did_key(template: dict[str, Any], key: KeyPair, valid_from: str) -> dict[str, Any]:
    """The same credential (same id) issued by a did:key issuer, valid from ``valid_from``."""
    did = did_key(key.public)
    unsigned = {name: value for name, value in template.items()
                if name not in ("proof", "credentialStatus")}  # fmt: skip
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Example College"}
    unsigned["validFrom"] = valid_from
    signed = sign(unsigned, key, verification_method=f"{did}#{did.split(':')[2]}",
                  format="eddsa-rdfc-2022")  # fmt: skip
    assert isinstance(signed, dict)
    return signed


def test_a_newer_copy_replaces_the_held_one(host: Host, token: str) -> None:
    template = host.issued()
    assert isinstance(template, dict)
    key = KeyPair.generate("Ed25519")
    first = _signed_by_did_key(template, key, "2026-03-01T00:00:00Z")
    second = _signed_by_did_key(template, key, "2026-03-02T00:00:00Z")
    assert upsert(host, token, first).status_code == 201
    assert upsert(host, token, second).status_code == 200  # the same credential (§10): replaced
    assert served(host, token) == [second]
    assert upsert(host, token, first).status_code == 200  # older: the wallet keeps the newer
    assert served(host, token) == [second]
    with host.app.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, ALICE)
        assert account is not None and len(store.list_credentials(tx, account.id)) == 1
    # a different id from the same issuer is another credential
    other = _signed_by_did_key(template | {"id": "urn:uuid:0b3c7e4e-0000-4000-8000-000000000001"},
                               key, "2026-03-02T00:00:00Z")  # fmt: skip
    assert upsert(host, token, other).status_code == 201


def test_paging_and_since(host: Host, token: str, clock: Clock) -> None:
    issued = [host.issued() for _ in range(5)]
    for credential in issued:
        assert upsert(host, token, credential).status_code == 201
        clock.advance(timedelta(seconds=1))  # received one after another
    first = host.api.get(CREDENTIALS, params={"limit": 2}, headers=bearer(token))
    assert first.headers["x-total-count"] == "5"
    assert served(host, token, limit=2) == issued[:2]
    links = first.headers["link"]
    assert 'offset=2>; rel="next"' in links and 'offset=0>; rel="first"' in links
    assert 'offset=4>; rel="last"' in links and 'rel="prev"' not in links
    middle = host.api.get(CREDENTIALS, params={"limit": 2, "offset": 2}, headers=bearer(token))
    assert served(host, token, limit=2, offset=2) == issued[2:4]
    assert 'offset=0>; rel="prev"' in middle.headers["link"]
    last = host.api.get(CREDENTIALS, params={"limit": 2, "offset": 4}, headers=bearer(token))
    assert served(host, token, limit=2, offset=4) == issued[4:]
    assert 'rel="next"' not in last.headers["link"]
    since = host.api.get(
        CREDENTIALS, params={"since": "2030-01-01T00:00:00"}, headers=bearer(token)
    )
    assert since.json()["credential"] == [] and since.headers["x-total-count"] == "0"
    before = host.api.get(
        CREDENTIALS, params={"since": "2020-01-01T00:00:00Z"}, headers=bearer(token)
    )
    assert before.headers["x-total-count"] == "5"


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "-1"}, {"limit": "two"}, {"offset": "-3"}, {"since": "yesterday"}],
)
def test_bad_query_parameters(host: Host, token: str, params: dict[str, str]) -> None:
    answer = host.api.get(CREDENTIALS, params=params, headers=bearer(token))
    assert answer.status_code == 400 and minor(answer) == "invalid_query_parameter"


def test_upsert_refusals(host: Host, token: str) -> None:
    credential = host.issued()
    assert isinstance(credential, dict)
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    answer = upsert(host, token, forged)
    assert answer.status_code == 400 and minor(answer) == "invalid_data"
    assert "did not verify" in answer.json()["imsx_description"]
    not_a_badge = {**credential, "type": ["VerifiableCredential"]}
    assert minor(upsert(host, token, not_a_badge)) == "invalid_data"
    wrong_media = host.api.post(
        CREDENTIALS, content=b"<x/>", headers=bearer(token) | {"content-type": "application/xml"}
    )
    assert wrong_media.status_code == 400 and minor(wrong_media) == "invalid_data"
    not_jws = host.api.post(
        CREDENTIALS, content=b"hello", headers=bearer(token) | {"content-type": "text/plain"}
    )
    assert not_jws.status_code == 400
    assert host.api.get(CREDENTIALS, headers=bearer(token)).json()["credential"] == []


def test_profile(host: Host, token: str) -> None:
    got = host.api.get(PROFILE, headers=bearer(token))
    assert got.status_code == 200 and schema_errors("Profile", got.json()) == []
    assert got.json()["id"] == host.did
    sent = {
        "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": "Profile", "id": host.did, "name": "Alice Example", "phone": "111-222-3333",
    }  # fmt: skip
    put = host.api.put(PROFILE, json=sent, headers=bearer(token))
    assert put.status_code == 200, put.text
    assert put.json() == sent | {"type": ["Profile"]}
    assert host.api.get(PROFILE, headers=bearer(token)).json() == put.json()
    bad = host.api.put(PROFILE, json={"type": "Profile"}, headers=bearer(token))
    assert bad.status_code == 400 and minor(bad) == "invalid_data"
    assert host.api.put(PROFILE, json=[1], headers=bearer(token)).status_code == 400


def test_paths_and_methods_the_api_does_not_have(host: Host, token: str) -> None:
    answer = host.api.delete(CREDENTIALS, headers=bearer(token))
    assert answer.status_code == 405 and minor(answer) == "not_allowed"
    assert answer.headers["allow"] == "GET, POST"
    answer = host.api.get("/ims/ob/v3p0/badges", headers=bearer(token))
    assert answer.status_code == 404 and minor(answer) == "not_found"


def test_the_served_operations_are_the_official_ones(host: Host) -> None:
    """Every path, method, parameter, response code and schema the official file has, our
    /openapi.json serves the same, and every schema it references is the official one."""
    from vckit.ob.api import openapi

    official = openapi()
    served = host.api.get("/openapi.json").json()
    for path, operations in official["paths"].items():
        ours = served["paths"]["/ims/ob/v3p0" + path]
        assert set(ours) == set(operations), path
        for method, operation in operations.items():
            mine = ours[method]
            assert mine["operationId"] == operation["operationId"]
            assert mine.get("parameters", []) == operation.get("parameters", []), (path, method)
            assert set(mine["responses"]) == set(operation["responses"]), (path, method)
            assert mine["responses"] == operation["responses"], (path, method)
            assert mine.get("security") == operation.get("security")
            body, official_body = mine.get("requestBody", {}), operation.get("requestBody", {})
            for media, value in official_body.get("content", {}).items():
                assert mine["requestBody"]["content"][media]["schema"] == value["schema"]
            assert set(body.get("content", {})) == set(official_body.get("content", {}))
    for name, schema in official["components"]["schemas"].items():
        assert served["components"]["schemas"][name] == schema, name
