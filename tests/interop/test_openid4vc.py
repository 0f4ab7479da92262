"""OpenID4VCI / OpenID4VP against an implementation we did not write: the OpenWallet Foundation's
``oid4vc-ts`` (npm ``@openid4vc/openid4vci``, ``@openid4vc/openid4vp``, ``@openid4vc/oauth2``),
in all four directions, every party on 127.0.0.1 over real HTTP (README.md, "OpenID4VC"):

1. their library as a WALLET against our ISSUER (uvicorn, demo issuers): every credential
   configuration the issuer's metadata lists, with and without a transaction code, the key in
   the proof by kid and by jwk; what it receives is verified with vckit
   (``tests/interop/js/openid4vc.mjs`` op ``receive``); a wrong tx_code, a made-up nonce and a
   spent code are refused;
2. their library as a WALLET against our VERIFIER: the credentials of 1 presented (op
   ``present``); the verifier's stored result is a pass for good ones and a fail for a tampered
   credential, a base proof, another nonce or domain; our unsigned request object by reference
   is refused by the library (asserted) and read by a wallet maker's way around it;
3. their library as an ISSUER (``tests/interop/js/openid4vc-server.mjs``, a separate
   authorization server) against our WALLET: the wallet redeems its offers in every format and
   verifies what arrives; a tampered credential is kept as failed, a wrong tx_code refused;
4. their library as a VERIFIER (same server) against our WALLET: it makes a DCQL request, our
   wallet answers by ``direct_post``; the library parses the response, the project's JS stack
   verifies the presentations (the library leaves that to its user); a replay, another state
   and a tampered copy fail.

Each direction runs as one node batch or as requests to one node server: about 15 s in all.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import select
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
import uvicorn

from issuer.app import create_app as create_issuer
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from tests.interop.conftest import CONTEXTS_DIR, RunJs
from tests.scenarios import ob3_credential
from tests.verifier.callers import org_token
from vckit.report import Report
from vckit.verification import VerifyOptions, verify
from verifier.app import create_app as create_verifier
from verifier.checking.registry import REGISTRY_FILE
from verifier.checking.verification import options_for
from verifier.settings import Settings as VerifierSettings
from wallet import accounts
from wallet import store as wallet_store
from wallet.answering import answer, match
from wallet.answering import request as wallet_request
from wallet.app import create_app as create_wallet
from wallet.errors import InvalidInputError
from wallet.receiving import receive
from wallet.receiving.offer import OfferError
from wallet.settings import Settings as WalletSettings

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
        answer_limit_per_address=1000,  # every case answers from this one machine
    )
    app = create_verifier(settings)
    server, thread = _serve(app, port)
    employer = {"Authorization": f"Bearer {org_token(app)}"}  # the jobs API is the employer's
    try:
        with httpx.Client(base_url=url, timeout=30, headers=employer) as client:
            yield Live(url, client, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.inst.db.close()


@pytest.fixture(scope="module")
def owf(js_packages: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """openid4vc-server.mjs (the OWF library as issuer and verifier) on 127.0.0.1; a client of
    it. Stopped by its process id at the end."""
    env = {**os.environ, "INTEROP_CONTEXTS_DIR": str(CONTEXTS_DIR)}
    log = tmp_path_factory.mktemp("owf-server") / "stderr.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            ["node", str(js_packages / "openid4vc-server.mjs")],
            cwd=js_packages,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], STARTUP_LIMIT_S)
        line = proc.stdout.readline() if ready else b""  # {"port": N} once it listens
        if not line:
            pytest.fail(f"openid4vc-server.mjs did not start:\n{log.read_text()}")
        port = json.loads(line)["port"]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@dataclass(frozen=True)
class Learner:
    app: Any
    account: accounts.AccountRecord

    @property
    def inst(self) -> Any:
        return self.app.state.inst


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Our wallet app (real outbound client, the real clock): plain http to loopback allowed,
    as in the local demo (``allow_http_localhost``; ``allow_private`` for 127.0.0.1)."""
    settings = WalletSettings(
        base_url="https://wallet.test",
        data_dir=tmp_path_factory.mktemp("oid4vc-wallet"),
        allow_http_localhost=True,
        allow_private=True,
        recheck_interval=0,
    )
    app = create_wallet(settings)
    try:
        yield app
    finally:
        app.state.inst.db.close()


def sign_up(wallet: Any, email: str) -> Learner:
    account = accounts.sign_up(wallet.state.inst, email, "correct horse battery staple")
    return Learner(wallet, account)


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
    for configuration in (ldp, "OpenBadgeCredential_dc_sd_jwt"):  # the key itself in the proof
        made = make_offer(issuer, configuration, tx_code=False)
        cases.append(
            receive_case(f"{configuration}+jwk", made, configuration, interop_keys, proofKey="jwk")
        )
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
    assert result["version"] == "V1"  # the library reads our metadata as OpenID4VCI 1.0 final
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
    "configuration", ["OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_dc_sd_jwt"]
)
def test_a_proof_giving_the_key_itself_binds_the_credential_to_that_key(
    received: Received, verifier: Live, interop_keys: dict[str, Any], configuration: str
) -> None:
    """Appendix F.1 ``jwk`` instead of ``kid``: our issuer names the holder by the did:jwk of
    that key (and, for an SD-JWT VC, binds it as cnf.jwk)."""
    result = received.results[f"{configuration}+jwk"]
    assert result["ok"] is True, result
    [credential] = result["credentials"]
    ed25519 = interop_keys["Ed25519"]["privateJwk"]
    jwk = {k: ed25519[k] for k in ("kty", "crv", "x")}
    if isinstance(credential, dict):
        subject = credential["credentialSubject"]["id"]
    else:
        claims = b64_json(credential.split("~")[0].split(".")[1])
        assert claims["cnf"]["jwk"] == jwk
        subject = claims["sub"]
    assert subject.startswith("did:jwk:")
    assert b64_json(subject.removeprefix("did:jwk:")) == jwk
    report = verify(credential, vckit_options(verifier))
    assert report.verdict == "pass", report.to_json()


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
    "sd-jwt-tampered": ("proof", "signature does not verify"),
}
REFUSED = {  # not bound to the request (its nonce is not spent): case -> what the refusal says
    "other-nonce": "another-requests-nonce",
    "other-domain": "evil.example",
    "sd-jwt-other-nonce": "the KB-JWT nonce is 'another-requests-nonce'",
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
    requests["by-reference-read-outside"] = new_request()
    link = requests["by-reference-read-outside"]["links"]["by_reference"]
    workaround = present_cases(received, interop_keys)["ldp_vc"]
    cases.append(
        {
            "id": "by-reference-read-outside",
            "op": "present",
            "link": link,
            "holder": holder_key(interop_keys),
            "unsignedByReference": True,
            **workaround,
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
    assert result["version"] == 100  # the library reads our request as OpenID4VP 1.0 final
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


@pytest.mark.parametrize("case", list(REFUSED))
def test_our_verifier_refuses_what_is_not_bound_to_the_request(
    presented: Presented, case: str
) -> None:
    """Signed over another nonce or audience: refused (400 invalid_request), not a result,
    so the request stays open for its real holder."""
    result = presented.results[case]
    assert result["status"] == 400, json.dumps(result)[:3000]
    assert REFUSED[case] in json.dumps(result["body"]), json.dumps(result)[:3000]
    assert case not in presented.stored


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


def test_a_wallet_maker_can_read_our_request_object_outside_the_library(
    presented: Presented,
) -> None:
    """The way around for wallets built on the library (README.md, "OpenID4VC"): fetch
    request_uri, check the unsigned request object (typ, alg none, the link's client_id), and
    hand its claims to resolveOpenId4vpAuthorizationRequest as a request by value."""
    result = presented.results["by-reference-read-outside"]
    assert result["ok"] is True, result
    assert result["request"]["nonce"] == presented.requests["by-reference-read-outside"]["nonce"]
    assert presented.stored["by-reference-read-outside"]["verdict"] == "pass"


# --- 3. their issuer, our wallet --------------------------------------------------------------

OWF_CONFIGURATIONS = CONFIGURATIONS  # openid4vc-server.mjs offers the same four


def credential_template() -> dict[str, Any]:
    """The OB 3.0 credential the JS issuer signs (it sets id, issuer, subject, validFrom), with
    two learner identifiers (array elements the holder may withhold in the SD formats)."""
    credential = ob3_credential("did:example:replaced", "did:example:replaced")
    credential["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Sam Okafor",
        },
        {
            "type": "IdentityObject",
            "identityType": "sourcedId",
            "hashed": False,
            "identityHash": "student-4711",
        },
    ]
    return credential


def owf_offer(
    owf: httpx.Client,
    configurations: list[str],
    *,
    tx_code: bool = False,
    by_reference: bool = False,
    tamper: bool = False,
) -> dict[str, Any]:
    body = {
        "configurationIds": configurations,
        "txCode": tx_code,
        "byReference": by_reference,
        "tamper": tamper,
        "template": credential_template(),
    }
    response = owf.post("/control/offers", json=body)
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()
    return made


def redeem(learner: Learner, made: dict[str, Any], tx_code: str | None = None) -> Any:
    offer = receive.start_offer(learner.inst, learner.account, made["offer"])
    return receive.redeem_offer(learner.inst, learner.account, offer.id, tx_code=tx_code)


@pytest.fixture(scope="module")
def alex(wallet: Any) -> Learner:
    return sign_up(wallet, "alex@example.org")


@pytest.mark.parametrize("tx_code", [False, True], ids=["no-tx-code", "tx-code"])
@pytest.mark.parametrize("configuration", list(OWF_CONFIGURATIONS))
def test_our_wallet_redeems_their_offer_and_verifies_what_arrives(
    owf: httpx.Client, alex: Learner, configuration: str, tx_code: bool
) -> None:
    # without a tx_code the offer is by reference (credential_offer_uri), with one by value
    made = owf_offer(owf, [configuration], tx_code=tx_code, by_reference=not tx_code)
    got = redeem(alex, made, made["txCode"])
    record = got.record
    assert record.format == OWF_CONFIGURATIONS[configuration]
    assert record.source == "offer"
    assert record.verdict == "verified", json.dumps(record.report, indent=1)[:3000]
    # what their issuer checked: our key proof with its nonce, signed by the learner's key,
    # named as the configuration binds it: a did:key URL (kid), or for the SD-JWT VC the key
    # itself (jwk; the credential is then bound by cnf.jwk and names no subject DID)
    issued = owf.get(f"/control/offers/{made['id']}").json()["issued"]
    assert issued["configurationId"] == configuration
    proof = issued["proof"]
    assert proof["header"]["typ"] == "openid4vci-proof+jwt"
    assert proof["payload"]["aud"].endswith("/oid4vci") and proof["payload"]["nonce"]
    holder = accounts.holder_key(alex.inst, alex.account).public.to_jwk()
    if OWF_CONFIGURATIONS[configuration] == "dc+sd-jwt":
        assert proof["signer"] == {"method": "jwk", "alg": "EdDSA", "publicJwk": holder}
        assert issued["holderDid"] is None
        assert got.recipient["kind"] == "none"
        assert got.recipient["holder_key"] == "bound to your holder key (cnf)"
    else:
        assert proof["signer"]["method"] == "did"
        assert proof["signer"]["didUrl"] == accounts.holder_method(alex.account)
        assert issued["holderDid"] == alex.account.did
        assert got.recipient["kind"] == "did" and got.recipient["id"] == alex.account.did


def test_our_wallet_picks_the_format_it_prefers_among_theirs(
    owf: httpx.Client, wallet: Any
) -> None:
    learner = sign_up(wallet, "robin@example.org")
    made = owf_offer(owf, list(OWF_CONFIGURATIONS)[::-1])
    record = redeem(learner, made).record
    assert record.format == "ldp_vc" and record.verdict == "verified"
    issued = owf.get(f"/control/offers/{made['id']}").json()["issued"]
    assert issued["configurationId"] == "OpenBadgeCredential_ldp_vc"


@pytest.mark.parametrize("configuration", list(OWF_CONFIGURATIONS))
def test_a_credential_their_issuer_tampered_with_is_kept_as_failed(
    owf: httpx.Client, wallet: Any, configuration: str
) -> None:
    learner = sign_up(wallet, f"tampered-{configuration.lower()}@example.org")
    record = redeem(learner, owf_offer(owf, [configuration], tamper=True)).record
    assert record.verdict == "failed"
    assert record.report is not None
    failed = [c["id"] for c in record.report["checks"] if c["status"] == "fail"]
    assert "proof" in failed, record.report


def test_a_wrong_tx_code_is_refused_by_their_issuer_and_nothing_is_kept(
    owf: httpx.Client, wallet: Any
) -> None:
    learner = sign_up(wallet, "wrong-code@example.org")
    made = owf_offer(owf, ["OpenBadgeCredential_ldp_vc"], tx_code=True)
    wrong = "000000" if made["txCode"] != "000000" else "111111"
    with pytest.raises(OfferError, match="the issuer did not accept the offer: "):
        redeem(learner, made, wrong)
    with learner.inst.db.transaction() as tx:
        assert wallet_store.list_credentials(tx, learner.account.id) == []


# --- 4. their verifier, our wallet ------------------------------------------------------------

LDP_TYPES = [[VC_TYPE, OB_TYPE]]
NURSING = "Fundamentals of Nursing I"  # the achievement of credential_template()
ACHIEVEMENT_NAME = ["credentialSubject", "achievement", "name"]
IDENTITY_TYPES = ["credentialSubject", "identifier", None, "identityType"]
DCQL_LDP = {"id": "badge", "format": "ldp_vc", "meta": {"type_values": LDP_TYPES}}
DCQL_SD_JWT = {"id": "badge_sd", "format": "dc+sd-jwt", "meta": {"vct_values": [OB_VCT]}}


@dataclass(frozen=True)
class Holding:
    learner: Learner
    ids: dict[str, str]  # configuration -> credential id in the wallet


@pytest.fixture(scope="module")
def sam(owf: httpx.Client, wallet: Any) -> Holding:
    """A learner holding one credential from their issuer in each format their verifier asks."""
    learner = sign_up(wallet, "sam@example.org")
    ids = {}
    for configuration in ("OpenBadgeCredential_ldp_vc", LDP_SD, SD_JWT):
        record = redeem(learner, owf_offer(owf, [configuration])).record
        assert record.verdict == "verified", record.report
        ids[configuration] = record.id
    return Holding(learner, ids)


@dataclass(frozen=True)
class Answered:
    session: str
    request: dict[str, Any]  # the request their library made
    status: int  # what their verifier answered our wallet
    responses: list[dict[str, Any]]  # what it recorded (library result, JS verification)


def ask_and_answer(
    owf: httpx.Client, sam: Holding, dcql: dict[str, Any], choices: dict[str, list[str]]
) -> Answered:
    """Their verifier makes a request; our wallet opens the link, prepares the presentations of
    the chosen credentials (configurations) and sends them (direct_post)."""
    made = owf.post("/control/requests", json={"dcql": dcql}).json()
    learner = sam.learner
    opened = wallet_request.open_request(learner.inst, learner.account, made["link"])
    view = match.view(learner.inst, learner.account, opened.id)
    assert view.satisfied
    chosen = {q: [sam.ids[c] for c in configurations] for q, configurations in choices.items()}
    for query in view.queries:  # our wallet found the chosen credentials for each query
        assert set(chosen.get(query.query_id, [])) <= {h.record.id for h in query.matches}
    prepared = answer.prepare(learner.inst, learner.account, opened.id, chosen)
    presentation_ids = {q: [p.id for p in items] for q, items in prepared.items()}
    sent = answer.send(learner.inst, learner.account, opened.id, presentation_ids)
    session = owf.get(f"/control/sessions/{made['id']}").json()
    return Answered(made["id"], made["request"], sent.status, session["responses"])


ANSWERS = {  # case -> (DCQL credential queries, query id -> the configurations chosen)
    "ldp_vc": ([DCQL_LDP], {"badge": ["OpenBadgeCredential_ldp_vc"]}),
    "ecdsa-sd-derived": ([DCQL_LDP], {"badge": [LDP_SD]}),
    "dc+sd-jwt": ([DCQL_SD_JWT], {"badge_sd": [SD_JWT]}),
    "all-three": (
        [{**DCQL_LDP, "multiple": True}, DCQL_SD_JWT],
        {"badge": ["OpenBadgeCredential_ldp_vc", LDP_SD], "badge_sd": [SD_JWT]},
    ),
    "claims-with-values": (  # §6.3 claims: a value filter, and a null (every element) path
        [
            {**DCQL_LDP, "claims": [{"path": ACHIEVEMENT_NAME, "values": [NURSING]}]},
            {**DCQL_SD_JWT, "claims": [{"path": IDENTITY_TYPES, "values": ["name"]}]},
        ],
        {"badge": ["OpenBadgeCredential_ldp_vc"], "badge_sd": [SD_JWT]},
    ),
}


@pytest.fixture(scope="module")
def answered(owf: httpx.Client, sam: Holding) -> dict[str, Answered]:
    return {
        case: ask_and_answer(owf, sam, {"credentials": queries}, choices)
        for case, (queries, choices) in ANSWERS.items()
    }


@pytest.mark.parametrize("case", list(ANSWERS))
def test_their_verifier_accepts_what_our_wallet_sends(
    answered: dict[str, Answered], case: str
) -> None:
    done = answered[case]
    [response] = done.responses
    # the library: the form, state, vp_token as DCQL query id -> presentations
    assert response["library"]["ok"] is True, response["library"]
    assert response["library"]["state"] == done.request["state"]
    assert sorted(response["library"]["queries"]) == sorted(ANSWERS[case][1])
    # the JS stack: every presentation, bound to this request's nonce and client_id
    assert response["verified"] is True, json.dumps(response["presentations"], indent=1)
    assert done.status == 200
    counted = sum(len(v) for v in ANSWERS[case][1].values())
    assert len(response["presentations"]) == counted
    for presentation in response["presentations"]:
        if presentation["format"] == "ldp_vc":
            assert presentation["presentationVerified"] is True
            assert presentation["credentialsVerified"] == [True]
        else:
            assert presentation["kb"]["nonce"] == done.request["nonce"]
            assert presentation["kb"]["aud"] == done.request["client_id"]


def test_our_wallet_offers_nothing_for_a_query_its_credentials_do_not_meet(
    owf: httpx.Client, sam: Holding
) -> None:
    query = {**DCQL_LDP, "claims": [{"path": ACHIEVEMENT_NAME, "values": ["Food Handler"]}]}
    made = owf.post("/control/requests", json={"dcql": {"credentials": [query]}}).json()
    learner = sam.learner
    opened = wallet_request.open_request(learner.inst, learner.account, made["link"])
    view = match.view(learner.inst, learner.account, opened.id)
    assert not view.satisfied and [q.matches for q in view.queries] == [()]
    with pytest.raises(InvalidInputError):
        answer.prepare(learner.inst, learner.account, opened.id, {"badge": [sam.ids[LDP_SD]]})
    assert owf.get(f"/control/sessions/{made['id']}").json()["responses"] == []


def test_the_ecdsa_sd_credential_arrives_derived(answered: dict[str, Answered]) -> None:
    [response] = answered["ecdsa-sd-derived"].responses
    [presentation] = response["presentations"]
    assert presentation["cryptosuites"] == ["ecdsa-sd-2023"]  # a derived proof (base is refused)


def repost(owf: httpx.Client, session: str, form: Mapping[str, str]) -> httpx.Response:
    return owf.post(
        f"/oid4vp/response/{session}",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def sent_form(done: Answered) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(done.responses[0]["body"]).items()}


def test_a_replayed_answer_fails_at_another_session_of_their_verifier(
    owf: httpx.Client, answered: dict[str, Answered]
) -> None:
    """The same vp_token, replayed to another request with that request's state: the library
    accepts the form (it does not look at nonces), the JS verification refuses it."""
    for case in ("ldp_vc", "dc+sd-jwt"):
        dcql = {"credentials": [DCQL_LDP if case == "ldp_vc" else DCQL_SD_JWT]}
        other = owf.post("/control/requests", json={"dcql": dcql}).json()
        form = {**sent_form(answered[case]), "state": other["request"]["state"]}
        assert repost(owf, other["id"], form).status_code == 400
        [response] = owf.get(f"/control/sessions/{other['id']}").json()["responses"]
        assert response["library"]["ok"] is True
        assert response["verified"] is False
        errors = " ".join(e for p in response["presentations"] for e in p["errors"])
        assert "challenge" in errors.lower() or "nonce" in errors.lower(), errors


def test_their_library_refuses_an_answer_with_another_state(
    owf: httpx.Client, answered: dict[str, Answered]
) -> None:
    done = answered["ldp_vc"]
    other = owf.post("/control/requests", json={"dcql": {"credentials": [DCQL_LDP]}}).json()
    response = repost(owf, other["id"], sent_form(done))  # state of the first request
    assert response.status_code == 400
    assert "state mismatch" in response.json()["error_description"]
    [recorded] = owf.get(f"/control/sessions/{other['id']}").json()["responses"]
    assert recorded["library"]["ok"] is False


@pytest.mark.parametrize("case", ["ldp_vc", "ecdsa-sd-derived", "dc+sd-jwt"])
def test_a_tampered_answer_fails_their_verification(
    owf: httpx.Client, answered: dict[str, Answered], case: str
) -> None:
    done = answered[case]
    form = sent_form(done)
    token = json.loads(form["vp_token"])
    [(query, [presentation])] = token.items()
    if isinstance(presentation, dict):
        presentation["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] += "!"
    else:
        presentation = tamper(presentation)
    form["vp_token"] = json.dumps({query: [presentation]})
    assert repost(owf, done.session, form).status_code == 400
    recorded = owf.get(f"/control/sessions/{done.session}").json()["responses"][-1]
    assert recorded["library"]["ok"] is True
    assert recorded["verified"] is False
