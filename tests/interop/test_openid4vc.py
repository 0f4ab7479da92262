"""OpenID4VCI / OpenID4VP against an implementation we did not write: the OpenWallet Foundation's
``oid4vc-ts`` (npm ``@openid4vc/openid4vci``, ``@openid4vc/openid4vp``, ``@openid4vc/oauth2``),
in all four directions, every party on 127.0.0.1 over real HTTP (README.md, "OpenID4VC"):

1. their library as a WALLET against our ISSUER (uvicorn, demo issuers): every credential
   configuration the issuer's metadata lists, with and without a transaction code; what it
   receives is verified with vckit (``tests/interop/js/openid4vc.mjs`` op ``receive``);
2. their library as a WALLET against our VERIFIER: the credentials of 1 presented (op
   ``present``); the verifier's stored result is a pass for good ones and a fail for a tampered
   credential, a base proof, another nonce;

Each direction runs as one or two node batches or requests to one node server, so the module
takes a few seconds.
"""

from __future__ import annotations

import base64
import copy
import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn

from issuer.app import create_app as create_issuer
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from tests.interop.conftest import RunJs
from vckit.report import Report
from vckit.verification import VerifyOptions, verify
from verifier.app import create_app as create_verifier
from verifier.checking.registry import REGISTRY_FILE
from verifier.checking.verification import options_for
from verifier.settings import Settings as VerifierSettings

pytestmark = pytest.mark.interop

TOKEN = "openid4vc-interop-token-0123456789"
STARTUP_LIMIT_S = 30
SLUG = "food-safety"
ACHIEVEMENT = "food-handler"  # no JSON-LD lists, so a JS holder can derive its ecdsa-sd proofs
LEARNER = {"recipient_name": "Alex Rivera", "date_of_birth": "2001-04-17"}
CONFIGURATIONS = {  # our issuer's metadata, checked below to list exactly these
    "OpenBadgeCredential_ldp_vc": "ldp_vc",
    "OpenBadgeCredential_jwt_vc_json": "jwt_vc_json",
    "OpenBadgeCredential_ldp_vc_ecdsa_sd": "ldp_vc",
    "OpenBadgeCredential_dc_sd_jwt": "dc+sd-jwt",
}
LDP_QUERY, SD_JWT_QUERY = "learning_records", "learning_records_sd_jwt"  # our verifier's DCQL
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
OB_VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"


# --- live services on loopback ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Live:
    url: str
    client: httpx.Client
    app: Any


def _serve(app: Any, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"uvicorn did not start listening on port {port}")
        time.sleep(0.02)
    return server, thread


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Our issuer app (demo issuers) at http://localhost:<port>: its issuers' DIDs are
    did:web:localhost%3A<port>:issuers:<slug>, their OpenID4VCI endpoints under /issuers/<slug>."""
    port = _free_port()
    url = f"http://localhost:{port}"
    settings = IssuerSettings(
        base_url=url,
        data_dir=tmp_path_factory.mktemp("oid4vc-issuer"),
        api_token=TOKEN,
        demo_file=EXAMPLES / "issuers.json",
    )
    app = create_issuer(settings)
    server, thread = _serve(app, port)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            yield Live(url, client, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.inst.db.close()


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory, issuer: Live) -> Iterator[Live]:
    """Our verifier app at http://localhost:<port> with the demo governance registry (its
    issuers are those of the live issuer), resolving did:web over http to localhost."""
    port = _free_port()
    url = f"http://localhost:{port}"
    settings = VerifierSettings(
        base_url=url,
        issuer_url=issuer.url,
        registry_file=REGISTRY_FILE,
        allow_http_localhost=True,
        data_dir=tmp_path_factory.mktemp("oid4vc-verifier"),
    )
    app = create_verifier(settings)
    server, thread = _serve(app, port)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            yield Live(url, client, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.inst.db.close()


def holder_key(interop_keys: Mapping[str, Any]) -> dict[str, str]:
    """The JS wallet's holder key: the W3C vector Ed25519 key, as a did:key."""
    ed25519 = interop_keys["Ed25519"]
    return {k: ed25519[k] for k in ("publicKeyMultibase", "secretKeyMultibase")}


def holder_did(interop_keys: Mapping[str, Any]) -> str:
    return f"did:key:{interop_keys['Ed25519']['publicKeyMultibase']}"


def vckit_options(verifier: Live, **extra: Any) -> VerifyOptions:
    """vckit's options with the verifier's network policy (did:web and status lists over http
    to localhost), now."""
    settings: VerifierSettings = verifier.app.state.inst.settings
    return replace(options_for(settings, now=datetime.now(UTC)), **extra)


def checks_of(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.all_checks()}


def b64_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def tamper(credential: dict[str, Any] | str) -> dict[str, Any] | str:
    """A copy changed after signing: the achievement's name."""
    if isinstance(credential, dict):
        changed = copy.deepcopy(credential)
        changed["credentialSubject"]["achievement"]["name"] += " (forged)"
        return changed
    jwt, _, rest = credential.partition("~")
    header, payload, signature = jwt.split(".")
    claims = b64_json(payload)
    (claims.get("vc") or claims)["credentialSubject"]["achievement"]["name"] += " (forged)"
    raw = json.dumps(claims).encode()
    forged = ".".join([header, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), signature])
    return f"{forged}~{rest}" if rest or credential.endswith("~") else forged


# --- 1. their wallet, our issuer --------------------------------------------------------------


def make_offer(issuer: Live, configuration: str, *, tx_code: bool) -> dict[str, Any]:
    body = {
        "achievement": ACHIEVEMENT,
        "tx_code": tx_code,
        "configuration_ids": [configuration],
        **LEARNER,
    }
    response = issuer.client.post(f"/issuers/{SLUG}/offers", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def receive_case(
    case_id: str, made: dict[str, Any], configuration: str, keys: Mapping[str, Any], **extra: Any
) -> dict[str, Any]:
    # with a tx_code: the offer by value; without: by reference (credential_offer_uri)
    offer = made["offer_uri_by_value"] if "tx_code" in made else made["offer_uri"]
    return {
        "id": case_id,
        "op": "receive",
        "offer": offer,
        "txCode": made.get("tx_code"),
        "configurationId": configuration,
        "holder": holder_key(keys),
        **extra,
    }


@dataclass(frozen=True)
class Received:
    metadata: dict[str, Any]
    results: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def received(issuer: Live, run_js: RunJs, interop_keys: dict[str, Any]) -> Received:
    """One node batch: the library redeems an offer of every configuration our issuer's metadata
    lists, with and without a transaction code, and three offers it must not get."""
    metadata = issuer.client.get(f"/.well-known/openid-credential-issuer/issuers/{SLUG}").json()
    cases = []
    for configuration in metadata["credential_configurations_supported"]:
        for tx_code in (False, True):
            made = make_offer(issuer, configuration, tx_code=tx_code)
            case_id = f"{configuration}{'+tx_code' if tx_code else ''}"
            cases.append(receive_case(case_id, made, configuration, interop_keys))
    ldp = "OpenBadgeCredential_ldp_vc"
    wrong = make_offer(issuer, ldp, tx_code=True)
    wrong["tx_code"] = "000000" if wrong["tx_code"] != "000000" else "111111"
    cases.append(receive_case("wrong-tx-code", wrong, ldp, interop_keys))
    made = make_offer(issuer, ldp, tx_code=False)
    cases.append(
        receive_case("made-up-nonce", made, ldp, interop_keys, proofNonce="not-our-c-nonce")
    )
    spent = make_offer(issuer, ldp, tx_code=False)
    cases.append(receive_case("spent-first", spent, ldp, interop_keys))
    spent_again = receive_case("spent-again", spent, ldp, interop_keys)
    spent_again["offer"] = spent["offer_uri_by_value"]  # by value: the offer itself still reads
    cases.append(spent_again)
    results = run_js("openid4vc.mjs", cases)
    return Received(metadata, {case["id"]: results.completed(case["id"]) for case in cases})


def test_our_issuer_offers_the_configurations_the_tests_cover(received: Received) -> None:
    supported = received.metadata["credential_configurations_supported"]
    assert {k: v["format"] for k, v in supported.items()} == CONFIGURATIONS


@pytest.mark.parametrize("tx_code", [False, True], ids=["no-tx-code", "tx-code"])
@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_their_wallet_receives_every_configuration_and_vckit_verifies_it(
    received: Received,
    issuer: Live,
    verifier: Live,
    interop_keys: dict[str, Any],
    configuration: str,
    tx_code: bool,
) -> None:
    result = received.results[f"{configuration}{'+tx_code' if tx_code else ''}"]
    assert result["ok"] is True, json.dumps(result)[:3000]
    assert result["txCodeAsked"] is tx_code
    assert result["credentialIssuer"] == f"{issuer.url}/issuers/{SLUG}"
    assert result["authorizationServers"] == [result["credentialIssuer"]]
    assert result["tokenType"] == "Bearer"
    assert result["format"] == CONFIGURATIONS[configuration]
    [credential] = result["credentials"]
    holder = holder_did(interop_keys)
    # the holder's key proof named its did:key: the credential is bound to it
    if CONFIGURATIONS[configuration] == "ldp_vc":
        assert isinstance(credential, dict)
        assert credential["credentialSubject"]["id"] == holder
    else:
        assert isinstance(credential, str)
        claims = b64_json(credential.split("~")[0].split(".")[1])
        assert claims["sub"] == holder
        if CONFIGURATIONS[configuration] == "dc+sd-jwt":
            ed25519 = interop_keys["Ed25519"]["privateJwk"]
            assert claims["cnf"]["jwk"] == {k: ed25519[k] for k in ("kty", "crv", "x")}
    # a holder checks a base proof it receives (it derives from it later)
    report = verify(credential, vckit_options(verifier, accept_base_proofs=True))
    assert report.verdict == "pass", report.to_json()
    assert checks_of(report)["status"] == "pass"
    forged = verify(tamper(credential), vckit_options(verifier, accept_base_proofs=True))
    assert forged.verdict == "fail"


@pytest.mark.parametrize(
    ("case", "step", "error"),
    [
        ("wrong-tx-code", "token", "invalid_grant"),
        ("made-up-nonce", "credential", "invalid_nonce"),
        ("spent-again", "token", "invalid_grant"),
    ],
)
def test_our_issuer_refuses_their_wallet_what_it_must(
    received: Received, case: str, step: str, error: str
) -> None:
    assert received.results["spent-first"]["ok"] is True
    result = received.results[case]
    assert result["ok"] is False, result
    assert (result["step"], (result["error"] or {}).get("error")) == (step, error), result


# --- 2. their wallet, our verifier ------------------------------------------------------------

LDP, LDP_SD, SD_JWT = (
    "OpenBadgeCredential_ldp_vc",
    "OpenBadgeCredential_ldp_vc_ecdsa_sd",
    "OpenBadgeCredential_dc_sd_jwt",
)
HIDE_BIRTH_DATE = ["/credentialSubject/identifier/0"]  # show the name, withhold the birth date


@dataclass(frozen=True)
class Presented:
    requests: dict[str, dict[str, Any]]  # case id -> our verifier's request (API JSON)
    results: dict[str, dict[str, Any]]  # case id -> what the library did
    stored: dict[str, dict[str, Any]]  # case id -> the verifier's stored answer (API JSON)


def present_cases(received: Received, keys: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """case id -> the op's arguments but the link: what the JS wallet sends, and how."""

    def item(configuration: str, **extra: Any) -> dict[str, Any]:
        fmt = CONFIGURATIONS[configuration]
        return {"format": fmt, "credential": received.results[configuration]["credentials"][0]}

    ldp, derived = item(LDP), {**item(LDP_SD), "selectivePointers": HIDE_BIRTH_DATE}
    sd_jwt = item(SD_JWT)
    return {
        "ldp_vc": {"answers": {LDP_QUERY: [ldp]}},
        "ecdsa-sd-derived": {"answers": {LDP_QUERY: [derived]}},
        "dc+sd-jwt": {"answers": {SD_JWT_QUERY: [sd_jwt]}},
        "all-three": {"answers": {LDP_QUERY: [ldp, derived], SD_JWT_QUERY: [sd_jwt]}},
        # must fail:
        "tampered-credential": {
            "answers": {LDP_QUERY: [{**ldp, "credential": tamper(ldp["credential"])}]}
        },
        "ecdsa-sd-base-proof": {"answers": {LDP_QUERY: [item(LDP_SD)]}},
        "other-nonce": {"answers": {LDP_QUERY: [ldp]}, "nonce": "another-requests-nonce"},
        "other-domain": {
            "answers": {LDP_QUERY: [ldp]},
            "domain": "redirect_uri:https://evil.example/post",
        },
        "sd-jwt-other-nonce": {
            "answers": {SD_JWT_QUERY: [sd_jwt]},
            "nonce": "another-requests-nonce",
        },
        "sd-jwt-tampered": {
            "answers": {SD_JWT_QUERY: [{**sd_jwt, "credential": tamper(sd_jwt["credential"])}]}
        },
    }


PASSING = ("ldp_vc", "ecdsa-sd-derived", "dc+sd-jwt", "all-three")
FAILING = {  # case -> the check that must fail, and what it must say
    "tampered-credential": ("proof", "signature does not match"),
    "ecdsa-sd-base-proof": ("proof", "base proof is for the holder, not a verifier"),
    "other-nonce": ("challenge", "another-requests-nonce"),
    "other-domain": ("domain", "evil.example"),
    "sd-jwt-other-nonce": ("challenge", "the KB-JWT nonce is 'another-requests-nonce'"),
    "sd-jwt-tampered": ("proof", "signature does not verify"),
}


@pytest.fixture(scope="module")
def presented(
    received: Received, verifier: Live, run_js: RunJs, interop_keys: dict[str, Any]
) -> Presented:
    """One node batch: each case answers a fresh OpenID4VP request of our verifier, taken by
    value (the by-reference link is only resolved, case "by-reference")."""
    job = verifier.client.post(
        "/api/jobs",
        json={"title": "Kitchen assistant", "requirements": {"types": ["OpenBadgeCredential"]}},
    )
    assert job.status_code == 201, job.text
    job_id = job.json()["id"]

    def new_request() -> dict[str, Any]:
        response = verifier.client.post(f"/api/jobs/{job_id}/requests", json={"kind": "openid4vp"})
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made

    requests: dict[str, dict[str, Any]] = {}
    cases = []
    for case_id, spec in present_cases(received, interop_keys).items():
        requests[case_id] = new_request()
        link = requests[case_id]["links"]["by_value"]
        cases.append(
            {
                "id": case_id,
                "op": "present",
                "link": link,
                "holder": holder_key(interop_keys),
                **spec,
            }
        )
    requests["by-reference"] = new_request()
    cases.append(
        {
            "id": "by-reference",
            "op": "resolve",
            "link": requests["by-reference"]["links"]["by_reference"],
        }
    )
    results = run_js("openid4vc.mjs", cases)
    answers = verifier.client.get(f"/api/jobs/{job_id}/results").json()
    by_request = {a["request"]: a for a in answers}
    return Presented(
        requests,
        {case["id"]: results.completed(case["id"]) for case in cases},
        {case: by_request[r["id"]] for case, r in requests.items() if r["id"] in by_request},
    )


@pytest.mark.parametrize("case", PASSING)
def test_their_wallet_answers_our_verifier_and_passes(presented: Presented, case: str) -> None:
    result = presented.results[case]
    assert result["ok"] is True, json.dumps(result)[:3000]
    request = presented.requests[case]
    # what the library read from our request link
    assert result["clientPrefix"] == "redirect_uri"
    assert result["request"]["client_id"] == request["client_id"]
    assert result["request"]["nonce"] == request["nonce"]
    assert result["request"]["response_uri"] == request["client_id"].removeprefix("redirect_uri:")
    assert result["status"] == 200, result["body"]
    stored = presented.stored[case]
    assert stored["verdict"] == "pass", json.dumps(stored["report"], indent=1)[:4000]


def test_a_derived_ecdsa_sd_proof_shows_only_what_their_holder_chose(presented: Presented) -> None:
    report = presented.stored["ecdsa-sd-derived"]["report"]
    [credential] = report["credentials"]
    assert credential["disclosure"] is not None, credential
    identifiers = credential["document"]["credentialSubject"]["identifier"]
    assert [i["identityType"] for i in identifiers] == ["name"]  # the birth date stayed home


@pytest.mark.parametrize("case", list(FAILING))
def test_our_verifier_fails_what_must_fail(presented: Presented, case: str) -> None:
    result = presented.results[case]
    assert result["ok"] is True, result  # the library sent it; our verifier judged it
    stored = presented.stored[case]
    assert stored["verdict"] == "fail"
    check, says = FAILING[case]
    failed = [
        c["detail"]
        for r in [stored["report"], *stored["report"].get("credentials", [])]
        for c in r["checks"]
        if c["status"] == "fail" and c["id"] == check
    ]
    assert any(says in detail for detail in failed), json.dumps(stored["report"], indent=1)[:4000]


def test_their_wallet_refuses_our_unsigned_request_object_by_reference(
    presented: Presented,
) -> None:
    """OpenID4VP §5.9.3: with the redirect_uri: prefix the request MUST NOT be signed; by
    reference it is an unsigned request object (alg none, empty signature). The library refuses
    any request object without a signature (zCompactJwt), and also any request object at all for
    redirect_uri: (validateOpenid4vpClientId: "MUST NOT be signed"). Asserted, so a library that
    starts to accept one shows up. README.md: "OpenID4VC"."""
    result = presented.results["by-reference"]
    assert result["ok"] is False
    assert result["error"] == {
        "error": "invalid_request_object",
        "error_description": "JAR request object is not a valid JWT.",
    }
    assert "by-reference" not in presented.stored  # nothing was sent
