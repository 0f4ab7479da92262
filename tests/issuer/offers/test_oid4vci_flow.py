"""OpenID4VCI 1.0 Pre-Authorized Code Flow over HTTP, driven by a wallet written from the spec.

The wallet below uses only the standard library, jwcrypto and the spec text (section numbers of
OpenID for Verifiable Credential Issuance 1.0): not vckit.protocols.oid4vci, not
vckit.jose.vc_jwt, not our wallet. The issued credential is then verified with
vckit.verification, the issuer's did:web resolved through the TestClient.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk, jws

from issuer.app import create_app
from issuer.settings import EXAMPLES, Settings
from tests.issuer.conftest import BASE_URL, FROZEN, TOKEN, checks_by_id, verify_options
from vckit import verification as verify
from vckit.keys.keypair import KeyKind, KeyPair

SLUG = "community-college"
ACHIEVEMENT = "fundamentals-of-nursing-1"
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ISSUER_ID = f"{BASE_URL}/issuers/{SLUG}"


@dataclass
class Clock:
    now: datetime = FROZEN

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Wallet:
    """A holder's wallet following the spec step by step (no project code)."""

    http: TestClient
    key: jwk.JWK = field(default_factory=lambda: jwk.JWK.generate(kty="OKP", crv="Ed25519"))

    def get(self, url: str) -> Any:
        response = self.http.get(_path(url))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()

    def read_offer(self, uri: str) -> dict[str, Any]:
        """§4.1: one query parameter, by value (§4.1.2) or by reference (§4.1.3, GET it)."""
        assert uri.startswith("openid-credential-offer://?")
        query = parse_qs(urlsplit(uri).query)
        if "credential_offer" in query:
            offer: dict[str, Any] = json.loads(query["credential_offer"][0])
            return offer
        return dict(self.get(query["credential_offer_uri"][0]))

    def metadata(self, issuer: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """§12.2.2: well-known inserted between host and path; §12.2.4: without
        authorization_servers the issuer is its own AS (RFC 8414 §3.1, same insertion)."""
        parts = urlsplit(issuer)
        host = f"{parts.scheme}://{parts.netloc}"
        metadata = self.get(f"{host}/.well-known/openid-credential-issuer{parts.path}")
        assert metadata["credential_issuer"] == issuer  # §12.2.4: identical, or unusable
        assert "authorization_servers" not in metadata
        server = self.get(f"{host}/.well-known/oauth-authorization-server{parts.path}")
        assert server["issuer"] == issuer  # RFC 8414 §3.3
        return metadata, server

    def token(self, endpoint: str, code: str, tx_code: str | None = None) -> Any:
        """§6.1: form-encoded Token Request with the pre-authorized code grant."""
        form = {"grant_type": PRE_AUTH, "pre-authorized_code": code}
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.http.post(_path(endpoint), data=form, headers={"Authorization": ""})

    def nonce(self, endpoint: str) -> str:
        """§7.1: POST, no access token; §7.2: c_nonce, not cacheable."""
        response = self.http.post(_path(endpoint), headers={"Authorization": ""})
        assert response.status_code == 200
        assert "no-store" in response.headers["cache-control"]
        nonce: str = response.json()["c_nonce"]
        return nonce

    def proof(self, *, aud: str, nonce: str | None, iat: datetime, **header: Any) -> str:
        """Appendix F.1: a ``jwt`` key proof."""
        protected = {"typ": "openid4vci-proof+jwt", "alg": "EdDSA"}
        protected["jwk"] = self.key.export_public(as_dict=True)
        protected.update(header)
        protected = {k: v for k, v in protected.items() if v is not None}
        claims: dict[str, Any] = {"aud": aud, "iat": int(iat.timestamp())}
        if nonce is not None:
            claims["nonce"] = nonce
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature(self.key, alg="EdDSA", protected=json.dumps(protected))
        return str(token.serialize(compact=True))

    def credential(self, endpoint: str, access_token: str, body: dict[str, Any]) -> Any:
        """§8.2: JSON Credential Request with the access token as a Bearer token."""
        headers = {"Authorization": f"Bearer {access_token}"}
        return self.http.post(_path(endpoint), json=body, headers=headers)


def _path(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url.removeprefix(BASE_URL) or "/"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def build_app(
    tmp_path: Path,
    key_pool: dict[KeyKind, list[KeyPair]],
    clock: Clock,
    database_url: str | None = None,
) -> FastAPI:
    """The conftest issuer, with a clock the test can move."""
    keys = {kind: iter(pool) for kind, pool in key_pool.items()}
    settings = Settings(
        base_url=BASE_URL,
        data_dir=tmp_path / "issuer",
        database_url=database_url,
        api_token=TOKEN,
        max_body_bytes=100_000,
        demo_file=EXAMPLES / "issuers.json",
    )
    return create_app(settings, clock=clock, new_key=lambda kind: next(keys[kind]))


@pytest.fixture
def app(tmp_path: Path, key_pool: dict[KeyKind, list[KeyPair]], clock: Clock) -> Iterator[FastAPI]:
    application = build_app(tmp_path, key_pool, clock)
    yield application
    application.state.inst.db.close()


@pytest.fixture
def operator(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def wallet(app: FastAPI) -> Wallet:
    return Wallet(TestClient(app, base_url=BASE_URL))


def make_offer(operator: TestClient, *, tx_code: bool = False) -> dict[str, Any]:
    body = {"achievement": ACHIEVEMENT, "tx_code": tx_code}
    response = operator.post(f"/issuers/{SLUG}/offers", json=body)
    assert response.status_code == 201, response.text
    offer: dict[str, Any] = response.json()
    return offer


@dataclass
class Redeemed:
    metadata: dict[str, Any]
    access_token: str
    configuration: str


def redeem(wallet: Wallet, operator: TestClient, *, fmt: str = "ldp_vc") -> Redeemed:
    offer = wallet.read_offer(make_offer(operator)["offer_uri"])
    metadata, server = wallet.metadata(offer["credential_issuer"])
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    response = wallet.token(server["token_endpoint"], code)
    assert response.status_code == 200, response.text
    supported = metadata["credential_configurations_supported"]
    chosen = next(i for i in offer["credential_configuration_ids"] if supported[i]["format"] == fmt)
    return Redeemed(metadata, response.json()["access_token"], chosen)


def request_body(configuration: str, proof: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"credential_configuration_id": configuration}
    if proof is not None:
        body["proofs"] = {"jwt": [proof]}
    return body


# --- the whole flow ------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["reference", "value"])
@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json"])
def test_a_wallet_written_from_the_spec_receives_a_verifiable_credential(
    wallet: Wallet, operator: TestClient, fmt: str, by: str
) -> None:
    made = make_offer(operator, tx_code=True)
    assert made["credential_offer_uri"].startswith(f"{ISSUER_ID}/offers/")
    uri = made["offer_uri"] if by == "reference" else made["offer_uri_by_value"]
    offer = wallet.read_offer(uri)
    assert offer == made["credential_offer"]
    grant = offer["grants"][PRE_AUTH]
    assert grant["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": "The code the issuer sent you separately",
    }
    metadata, server = wallet.metadata(offer["credential_issuer"])
    assert PRE_AUTH in server["grant_types_supported"]
    supported = metadata["credential_configurations_supported"]
    configuration = next(
        i for i in offer["credential_configuration_ids"] if supported[i]["format"] == fmt
    )
    assert supported[configuration]["proof_types_supported"]["jwt"][
        "proof_signing_alg_values_supported"
    ]

    token = wallet.token(server["token_endpoint"], grant["pre-authorized_code"], made["tx_code"])
    assert token.status_code == 200, token.text
    assert "no-store" in token.headers["cache-control"]
    assert token.json()["token_type"] == "Bearer"
    assert token.json()["expires_in"] > 0

    nonce = wallet.nonce(metadata["nonce_endpoint"])
    proof = wallet.proof(aud=metadata["credential_issuer"], nonce=nonce, iat=FROZEN)
    response = wallet.credential(
        metadata["credential_endpoint"],
        token.json()["access_token"],
        request_body(configuration, proof),
    )
    assert response.status_code == 200, response.text
    [issued] = response.json()["credentials"]
    credential = issued["credential"]
    if fmt == "ldp_vc":
        assert isinstance(credential, dict)  # A.1.2: a JSON object, not re-encoded
        subject = credential["credentialSubject"]["id"]
    else:
        assert isinstance(credential, str) and credential.count(".") == 2  # A.1.1: a JWT
        subject = json.loads(_payload(credential))["sub"]
    assert subject.startswith("did:jwk:")
    holder = json.loads(_b64decode(subject.removeprefix("did:jwk:")))
    assert holder == wallet.key.export_public(as_dict=True)

    report = verify.verify(credential, verify_options(operator, now=FROZEN + timedelta(minutes=1)))
    checks = checks_by_id(report)
    assert report.verdict == "pass", checks
    status = report.check("status")
    assert status is not None and status.status == "pass"
    assert not status.detail.startswith("no credentialStatus")  # issued with a status entry


def _b64decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(token: str) -> bytes:
    return _b64decode(token.split(".")[1])


# --- Token Endpoint failures (§6.3) --------------------------------------------------------------


def _token_endpoint() -> str:
    return f"{ISSUER_ID}/token"


def test_a_pre_authorized_code_is_single_use(wallet: Wallet, operator: TestClient) -> None:
    offer = make_offer(operator)["credential_offer"]
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    assert wallet.token(_token_endpoint(), code).status_code == 200
    again = wallet.token(_token_endpoint(), code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_an_expired_pre_authorized_code_is_refused(
    wallet: Wallet, operator: TestClient, clock: Clock
) -> None:
    offer = make_offer(operator)["credential_offer"]
    clock.now = FROZEN + timedelta(hours=1)
    response = wallet.token(_token_endpoint(), offer["grants"][PRE_AUTH]["pre-authorized_code"])
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert "expired" in response.json()["error_description"]


def test_an_expired_offer_is_no_longer_served_by_reference(
    wallet: Wallet, operator: TestClient, clock: Clock
) -> None:
    made = make_offer(operator)
    assert wallet.http.get(_path(made["credential_offer_uri"])).status_code == 200
    clock.now = FROZEN + timedelta(hours=1)
    assert wallet.http.get(_path(made["credential_offer_uri"])).status_code == 404


@pytest.mark.parametrize(
    ("scenario", "tx_code", "error"),
    [
        ("wrong-tx-code", "000000x", "invalid_grant"),
        ("missing-tx-code", None, "invalid_request"),
    ],
    ids=["wrong-tx-code", "missing-tx-code"],
)
def test_the_transaction_code_is_required_and_checked(
    wallet: Wallet, operator: TestClient, scenario: str, tx_code: str | None, error: str
) -> None:
    made = make_offer(operator, tx_code=True)
    code = made["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
    response = wallet.token(_token_endpoint(), code, tx_code)
    assert (response.status_code, response.json()["error"]) == (400, error)
    # the code is still good with the right transaction code
    assert wallet.token(_token_endpoint(), code, made["tx_code"]).status_code == 200


def test_a_tx_code_for_an_offer_without_one_is_refused(
    wallet: Wallet, operator: TestClient
) -> None:
    code = make_offer(operator)["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
    response = wallet.token(_token_endpoint(), code, "123456")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_guessing_the_tx_code_withdraws_the_offer(wallet: Wallet, operator: TestClient) -> None:
    made = make_offer(operator, tx_code=True)
    code = made["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
    for _ in range(5):
        assert wallet.token(_token_endpoint(), code, "wrong").json()["error"] == "invalid_grant"
    response = wallet.token(_token_endpoint(), code, made["tx_code"])  # §13.6.3
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"pre-authorized_code": "x"}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": PRE_AUTH}, "invalid_request"),
        ({"grant_type": PRE_AUTH, "pre-authorized_code": "not-a-code"}, "invalid_grant"),
    ],
    ids=["no-grant-type", "other-grant", "no-code", "unknown-code"],
)
def test_a_bad_token_request_gets_an_oauth_error(
    wallet: Wallet, form: dict[str, str], error: str
) -> None:
    response = wallet.http.post(_path(_token_endpoint()), data=form)
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_a_token_request_must_be_form_encoded(wallet: Wallet, operator: TestClient) -> None:
    code = make_offer(operator)["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
    body = {"grant_type": PRE_AUTH, "pre-authorized_code": code}
    response = wallet.http.post(_path(_token_endpoint()), json=body)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_a_repeated_token_parameter_is_refused(wallet: Wallet, operator: TestClient) -> None:
    code = make_offer(operator)["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
    raw = f"grant_type={PRE_AUTH}&pre-authorized_code={code}&pre-authorized_code={code}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = wallet.http.post(_path(_token_endpoint()), content=raw, headers=headers)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


# --- Credential Endpoint failures (§8.3.1) -------------------------------------------------------


def _other_key_jwk() -> dict[str, Any]:
    return dict(jwk.JWK.generate(kty="OKP", crv="Ed25519").export_public(as_dict=True))


def _did_key_kid() -> str:
    other = KeyPair.generate("Ed25519").public
    return f"did:key:{other.to_multibase()}#{other.to_multibase()}"


ProofMaker = Callable[[Wallet, str], str | None]
PROOF_FAILURES: list[tuple[str, ProofMaker, str]] = [
    ("missing-proof", lambda w, n: None, "invalid_proof"),
    (
        "wrong-aud",
        lambda w, n: w.proof(aud="https://evil.test", nonce=n, iat=FROZEN),
        "invalid_proof",
    ),
    ("no-nonce", lambda w, n: w.proof(aud=ISSUER_ID, nonce=None, iat=FROZEN), "invalid_proof"),
    (
        "wrong-nonce",
        lambda w, n: w.proof(aud=ISSUER_ID, nonce="made-up", iat=FROZEN),
        "invalid_nonce",
    ),
    (
        "stale-iat",
        lambda w, n: w.proof(aud=ISSUER_ID, nonce=n, iat=FROZEN - timedelta(hours=1)),
        "invalid_proof",
    ),
    (
        "signed-by-another-key-than-its-jwk",
        lambda w, n: w.proof(aud=ISSUER_ID, nonce=n, iat=FROZEN, jwk=_other_key_jwk()),
        "invalid_proof",
    ),
    (
        "signed-by-another-key-than-its-kid",
        lambda w, n: w.proof(aud=ISSUER_ID, nonce=n, iat=FROZEN, jwk=None, kid=_did_key_kid()),
        "invalid_proof",
    ),
    (
        "wrong-typ",
        lambda w, n: w.proof(aud=ISSUER_ID, nonce=n, iat=FROZEN, typ="JWT"),
        "invalid_proof",
    ),
    ("alg-none", lambda w, n: _alg_none(w, n), "invalid_proof"),
]


def _alg_none(wallet: Wallet, nonce: str) -> str:
    def b64(value: dict[str, Any]) -> str:
        import base64

        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    header = {"typ": "openid4vci-proof+jwt", "alg": "none", "jwk": wallet.key.export_public(True)}
    claims = {"aud": ISSUER_ID, "iat": int(FROZEN.timestamp()), "nonce": nonce}
    return f"{b64(header)}.{b64(claims)}."


@pytest.mark.parametrize(
    ("scenario", "make_proof", "error"), PROOF_FAILURES, ids=[f[0] for f in PROOF_FAILURES]
)
def test_a_bad_key_proof_is_refused_and_nothing_is_issued(
    wallet: Wallet,
    operator: TestClient,
    scenario: str,
    make_proof: ProofMaker,
    error: str,
) -> None:
    redeemed = redeem(wallet, operator)
    nonce = wallet.nonce(redeemed.metadata["nonce_endpoint"])
    body = request_body(redeemed.configuration, make_proof(wallet, nonce))
    endpoint = redeemed.metadata["credential_endpoint"]
    response = wallet.credential(endpoint, redeemed.access_token, body)
    assert (response.status_code, response.json()["error"]) == (400, error), response.text
    assert "no-store" in response.headers["cache-control"]
    # nothing was spent: the same access token and nonce still work with a good proof
    good = wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=FROZEN)
    retry = wallet.credential(
        endpoint, redeemed.access_token, request_body(redeemed.configuration, good)
    )
    assert retry.status_code == 200, retry.text


def test_a_nonce_is_single_use(wallet: Wallet, operator: TestClient) -> None:
    first, second = redeem(wallet, operator), redeem(wallet, operator)
    nonce = wallet.nonce(first.metadata["nonce_endpoint"])
    endpoint = first.metadata["credential_endpoint"]
    proof = wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=FROZEN)
    body = request_body(first.configuration, proof)
    assert wallet.credential(endpoint, first.access_token, body).status_code == 200
    replayed = wallet.credential(endpoint, second.access_token, body)
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_nonce")


def test_an_expired_nonce_is_refused(wallet: Wallet, operator: TestClient, clock: Clock) -> None:
    redeemed = redeem(wallet, operator)
    nonce = wallet.nonce(redeemed.metadata["nonce_endpoint"])
    clock.now = FROZEN + timedelta(minutes=6)
    proof = wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=clock.now)
    body = request_body(redeemed.configuration, proof)
    endpoint = redeemed.metadata["credential_endpoint"]
    response = wallet.credential(endpoint, redeemed.access_token, body)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_nonce")


def issued_count(operator: TestClient) -> int:
    response = operator.get(f"/issuers/{SLUG}/credentials", params={"limit": 500})
    assert response.status_code == 200, response.text
    return len(response.json())


def test_a_repeated_credential_request_gets_the_same_credential_never_a_second(
    wallet: Wallet, operator: TestClient
) -> None:
    """§14.3: a Wallet that lost the answer sends its request again and gets what was issued,
    with the same proof or a new one; the token was issued for one credential."""
    redeemed = redeem(wallet, operator)
    endpoint, nonces = redeemed.metadata["credential_endpoint"], redeemed.metadata["nonce_endpoint"]
    before = issued_count(operator)
    body = request_body(
        redeemed.configuration,
        wallet.proof(aud=ISSUER_ID, nonce=wallet.nonce(nonces), iat=FROZEN),
    )
    first = wallet.credential(endpoint, redeemed.access_token, body)
    assert first.status_code == 200, first.text
    same_proof = wallet.credential(endpoint, redeemed.access_token, body)
    fresh_nonce = wallet.nonce(nonces)
    new_proof = request_body(
        redeemed.configuration, wallet.proof(aud=ISSUER_ID, nonce=fresh_nonce, iat=FROZEN)
    )
    again = wallet.credential(endpoint, redeemed.access_token, new_proof)
    someone = Wallet(wallet.http)  # another key: still the credential issued to the first
    theirs = request_body(
        redeemed.configuration, someone.proof(aud=ISSUER_ID, nonce=None, iat=FROZEN)
    )
    other_key = wallet.credential(endpoint, redeemed.access_token, theirs)
    for response in (same_proof, again, other_key):
        assert response.status_code == 200, response.text
        assert "no-store" in response.headers["cache-control"]
        assert response.json() == first.json()
    assert issued_count(operator) == before + 1
    # the repeat spent nothing: its fresh nonce still gets another offer its credential
    second = redeem(wallet, operator)
    body = request_body(
        second.configuration, wallet.proof(aud=ISSUER_ID, nonce=fresh_nonce, iat=FROZEN)
    )
    assert wallet.credential(endpoint, second.access_token, body).status_code == 200
    assert issued_count(operator) == before + 2


def test_a_request_for_another_configuration_under_a_used_token_is_not_a_repeat(
    wallet: Wallet, operator: TestClient
) -> None:
    redeemed = redeem(wallet, operator)
    endpoint, nonces = redeemed.metadata["credential_endpoint"], redeemed.metadata["nonce_endpoint"]
    proof = wallet.proof(aud=ISSUER_ID, nonce=wallet.nonce(nonces), iat=FROZEN)
    body = request_body(redeemed.configuration, proof)
    assert wallet.credential(endpoint, redeemed.access_token, body).status_code == 200
    other = request_body("OpenBadgeCredential_jwt_vc_json", proof)
    response = wallet.credential(endpoint, redeemed.access_token, other)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_credential_request")


def test_concurrent_repeats_issue_one_credential(wallet: Wallet, operator: TestClient) -> None:
    redeemed = redeem(wallet, operator)
    endpoint, nonces = redeemed.metadata["credential_endpoint"], redeemed.metadata["nonce_endpoint"]
    before = issued_count(operator)
    bodies = [
        request_body(
            redeemed.configuration,
            wallet.proof(aud=ISSUER_ID, nonce=wallet.nonce(nonces), iat=FROZEN),
        )
        for _ in range(4)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda b: wallet.credential(endpoint, redeemed.access_token, b), bodies)
        )
    assert [a.status_code for a in answers] == [200] * 4
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
    assert issued_count(operator) == before + 1


@pytest.mark.parametrize("token", ["", "not-a-token"], ids=["missing", "wrong"])
def test_a_missing_or_wrong_access_token_is_refused(
    wallet: Wallet, operator: TestClient, token: str
) -> None:
    redeemed = redeem(wallet, operator)
    nonce = wallet.nonce(redeemed.metadata["nonce_endpoint"])
    proof = wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=FROZEN)
    body = request_body(redeemed.configuration, proof)
    response = wallet.credential(redeemed.metadata["credential_endpoint"], token, body)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_expired_access_token_is_refused(
    wallet: Wallet, operator: TestClient, clock: Clock
) -> None:
    redeemed = redeem(wallet, operator)
    clock.now = FROZEN + timedelta(minutes=11)
    nonce = wallet.nonce(redeemed.metadata["nonce_endpoint"])
    proof = wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=clock.now)
    body = request_body(redeemed.configuration, proof)
    response = wallet.credential(
        redeemed.metadata["credential_endpoint"], redeemed.access_token, body
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"credential_configuration_id": "UniversityDegree"}, "unknown_credential_configuration"),
        ({}, "invalid_credential_request"),
        ({"credential_identifier": "x"}, "invalid_credential_request"),
    ],
    ids=["unknown-configuration", "no-configuration", "credential-identifier"],
)
def test_a_bad_credential_request_is_refused(
    wallet: Wallet, operator: TestClient, body: dict[str, Any], error: str
) -> None:
    redeemed = redeem(wallet, operator)
    nonce = wallet.nonce(redeemed.metadata["nonce_endpoint"])
    body = {**body, "proofs": {"jwt": [wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=FROZEN)]}}
    response = wallet.credential(
        redeemed.metadata["credential_endpoint"], redeemed.access_token, body
    )
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_a_credential_request_must_be_json(wallet: Wallet, operator: TestClient) -> None:
    redeemed = redeem(wallet, operator)
    headers = {"Authorization": f"Bearer {redeemed.access_token}", "Content-Type": "text/plain"}
    endpoint = _path(redeemed.metadata["credential_endpoint"])
    response = wallet.http.post(endpoint, content=b"{}", headers=headers)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_credential_request")


# --- the operator's side -------------------------------------------------------------------------


def test_making_an_offer_needs_the_api_token(wallet: Wallet) -> None:
    response = wallet.http.post(f"/issuers/{SLUG}/offers", json={"achievement": ACHIEVEMENT})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("slug", "achievement", "status"),
    [(SLUG, "no-such-badge", 404), ("no-such-issuer", ACHIEVEMENT, 404), (SLUG, "", 422)],
    ids=["unknown-achievement", "unknown-issuer", "empty-achievement"],
)
def test_a_bad_offer_is_refused(
    operator: TestClient, slug: str, achievement: str, status: int
) -> None:
    response = operator.post(f"/issuers/{slug}/offers", json={"achievement": achievement})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_a_transaction_code_is_shown_once_and_never_stored_in_clear(
    app: FastAPI, operator: TestClient
) -> None:
    made = make_offer(operator, tx_code=True)
    assert len(made["tx_code"]) == 6 and made["tx_code"].isdigit()
    with app.state.inst.db.transaction() as tx:
        row = tx.one("SELECT tx_code_hash FROM offers WHERE pre_authorized_code = ?", (made["id"],))
    assert row is not None and made["tx_code"] not in row["tx_code_hash"]
    assert (
        "tx_code"
        not in operator.get(_path(made["credential_offer_uri"])).json()["grants"][PRE_AUTH][
            "tx_code"
        ]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/openid-credential-issuer/issuers/nobody",
        "/.well-known/oauth-authorization-server/issuers/nobody",
        "/issuers/community-college/offers/unknown",
    ],
    ids=["issuer-metadata", "as-metadata", "offer"],
)
def test_unknown_things_are_404(wallet: Wallet, path: str) -> None:
    assert wallet.http.get(path).status_code == 404


def test_the_nonce_endpoint_of_an_unknown_issuer_is_404(wallet: Wallet) -> None:
    assert wallet.http.post("/issuers/nobody/nonce").status_code == 404


def test_the_offer_renders_as_an_svg_qr_code(operator: TestClient) -> None:
    from issuer.offers.oid4vci import qr_svg

    svg = qr_svg(make_offer(operator)["offer_uri"])
    assert svg.startswith("<svg") and "Credential offer" in svg


def test_the_flow_and_single_use_hold_on_postgresql(
    tmp_path: Path, key_pool: dict[KeyKind, list[KeyPair]], clock: Clock, postgres_url: str
) -> None:
    application = build_app(tmp_path, key_pool, clock, postgres_url)
    try:
        operator = TestClient(
            application, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        wallet = Wallet(TestClient(application, base_url=BASE_URL))
        made = make_offer(operator, tx_code=True)
        code = made["credential_offer"]["grants"][PRE_AUTH]["pre-authorized_code"]
        assert wallet.token(_token_endpoint(), code, "999999x").json()["error"] == "invalid_grant"
        token = wallet.token(_token_endpoint(), code, made["tx_code"])
        assert token.status_code == 200, token.text
        assert wallet.token(_token_endpoint(), code, made["tx_code"]).status_code == 400
        nonce = wallet.nonce(f"{ISSUER_ID}/nonce")
        body = request_body(
            "OpenBadgeCredential_ldp_vc", wallet.proof(aud=ISSUER_ID, nonce=nonce, iat=FROZEN)
        )
        endpoint = f"{ISSUER_ID}/credential"
        response = wallet.credential(endpoint, token.json()["access_token"], body)
        assert response.status_code == 200, response.text
        second = redeem(wallet, operator)
        replayed = wallet.credential(endpoint, second.access_token, body)
        assert replayed.json()["error"] == "invalid_nonce"
    finally:
        application.state.inst.db.close()
