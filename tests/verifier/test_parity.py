"""``ler verify`` and the verifier's ``POST /credentials/verify`` (and
``/presentations/verify``) reach the same verdict, with the same named checks, on the
same inputs.

Both take the network for real: the issuer app runs under uvicorn on a free loopback port
(a thread of this test process), its DIDs are ``did:web:localhost%3A<port>:issuers:<slug>``,
and both verifiers resolve them and fetch its status lists over HTTP, with plain http to
localhost allowed (``--allow-http-localhost`` / ``Settings.allow_http_localhost``). The
credentials are issued and revoked over the issuer's API; the unknown issuer and the
presentations are signed by vckit with did:key keys.

The verifier app runs without a governance registry (``Settings.registry_file`` None), as
``ler verify`` has none: the employer's checks (trusted-issuer, requirements-met) are the
verifier service's own, tested in test_scenarios.py and test_policy.py.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from issuer.app import create_app as create_issuer
from issuer.settings import EXAMPLES
from issuer.settings import Settings as IssuerSettings
from ler import cli
from tests import scenarios as s
from vckit.di import ecdsa_sd
from vckit.presentation import build_presentation, sign_presentation
from vckit.verification.jwt import enveloped_token
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings

TOKEN = "parity-token-0123456789"
HOLDER = s.did_of(s.HOLDER)
CHALLENGE, DOMAIN = "parity-nonce-7f3e", "https://carehome.example"
STARTUP_LIMIT_S = 30  # how long uvicorn may take to listen; not a speed test
ALLOW = ["--allow-did-web", "--allow-status-fetch", "--allow-http-localhost"]


@dataclass(frozen=True)
class LiveIssuer:
    url: str
    client: httpx.Client

    @property
    def did(self) -> str:
        return f"did:web:localhost%3A{self.url.rpartition(':')[2]}:issuers:food-safety"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    """The real issuer app (demo issuers) served by uvicorn on 127.0.0.1 in a thread."""
    port = _free_port()
    url = f"http://localhost:{port}"
    settings = IssuerSettings(
        base_url=url,
        data_dir=tmp_path_factory.mktemp("parity-issuer"),
        api_token=TOKEN,
        demo_file=EXAMPLES / "issuers.json",
    )
    app = create_issuer(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the issuer did not start listening on {url}")
        time.sleep(0.05)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            yield LiveIssuer(url=url, client=client)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.inst.db.close()


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The verifier app with its real network fetch, plain http to localhost allowed."""
    settings = VerifierSettings(
        allow_http_localhost=True, data_dir=tmp_path_factory.mktemp("verifier")
    )
    return TestClient(create_verifier(settings))


# --- the inputs -------------------------------------------------------------------------------


def _issue(live: LiveIssuer, format: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    response = live.client.post(
        "/issuers/food-safety/credentials",
        json={"achievement": "food-handler", "recipient": {"did": HOLDER}, "format": format},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _issue_document(live: LiveIssuer, **dates: str) -> dict[str, Any]:
    """VC-API ``/credentials/issue`` of a plain VC 2.0 credential with the given dates."""
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": live.did,
        "credentialSubject": {"id": HOLDER},
        **dates,
    }
    response = live.client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def good(live: LiveIssuer) -> dict[str, Any]:
    credential: dict[str, Any] = _issue(live)["credential"]
    return credential


def good_ecdsa(live: LiveIssuer) -> dict[str, Any]:
    credential: dict[str, Any] = _issue(live, "ecdsa-rdfc-2019")["credential"]
    return credential


def tampered(live: LiveIssuer) -> dict[str, Any]:
    credential = copy.deepcopy(good(live))
    credential["credentialSubject"]["achievement"]["name"] = "Master Chef"
    return credential


def revoked(live: LiveIssuer) -> dict[str, Any]:
    issued = _issue(live)
    response = live.client.post(
        "/credentials/status",
        json={
            "credentialId": issued["id"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
    )
    assert response.status_code == 200, response.text
    credential: dict[str, Any] = issued["credential"]
    return credential


def expired(live: LiveIssuer) -> dict[str, Any]:
    now = datetime.now(UTC)
    return _issue_document(
        live, validFrom=_stamp(now - timedelta(days=60)), validUntil=_stamp(now - timedelta(days=1))
    )


def not_yet_valid(live: LiveIssuer) -> dict[str, Any]:
    return _issue_document(live, validFrom=_stamp(datetime.now(UTC) + timedelta(days=30)))


def unknown_issuer(live: LiveIssuer) -> dict[str, Any]:
    return s.good_credential()


def jwt(live: LiveIssuer) -> str:
    token: str = _issue(live, "vc-jwt")["credential"]
    return token


def jwt_tampered(live: LiveIssuer) -> str:
    header, payload, signature = jwt(live).split(".")
    return ".".join(
        [header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )


def _issue_vc11(live: LiveIssuer, format: str) -> Any:
    """VC-API ``/credentials/issue`` of a VC 1.1 credential (issue 14: every format)."""
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": live.did,
        "credentialSubject": {"id": HOLDER},
        "expirationDate": "2100-01-01T00:00:00Z",  # shown: ecdsa-sd cannot prove it absent
    }
    response = live.client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"format": format, "credentialStatus": True}},
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def vc11_jwt(live: LiveIssuer) -> str:
    """VC-JWT 1.1 (the ``vc`` claim), as the verifier's VC-API unwraps the envelope."""
    token: str = enveloped_token(_issue_vc11(live, "vc-jwt"))
    return token


def vc11_ecdsa_sd(live: LiveIssuer) -> dict[str, Any]:
    """A VC 1.1 ecdsa-sd-2023 credential, derived by the holder (nothing optional shown)."""
    return ecdsa_sd.add_derived_proof(_issue_vc11(live, "ecdsa-sd-2023"), [])


def _presentation(live: LiveIssuer, challenge: str | None) -> dict[str, Any]:
    vp = build_presentation([good(live)], holder=HOLDER)
    return sign_presentation(
        vp, s.HOLDER, verification_method=s.vm_of(s.HOLDER), challenge=challenge, domain=DOMAIN
    )


def presentation(live: LiveIssuer) -> dict[str, Any]:
    return _presentation(live, CHALLENGE)


def presentation_replayed(live: LiveIssuer) -> dict[str, Any]:
    return _presentation(live, "an-earlier-nonce")


@dataclass(frozen=True)
class Case:
    make: Callable[[LiveIssuer], dict[str, Any] | str]
    verdict: str
    expected: dict[str, str] | None = None  # {"challenge": C, "domain": D} for presentations


CASES = {
    "good": Case(good, "pass"),
    "good-ecdsa": Case(good_ecdsa, "pass"),
    "tampered": Case(tampered, "fail"),
    "revoked": Case(revoked, "fail"),
    "expired": Case(expired, "fail"),
    "not-yet-valid": Case(not_yet_valid, "fail"),
    "unknown-issuer-did-key": Case(unknown_issuer, "pass"),
    "jwt": Case(jwt, "pass"),
    "jwt-tampered": Case(jwt_tampered, "fail"),
    "vc11-jwt": Case(vc11_jwt, "pass"),
    "vc11-ecdsa-sd": Case(vc11_ecdsa_sd, "pass"),
    "presentation-with-challenge": Case(
        presentation, "pass", {"challenge": CHALLENGE, "domain": DOMAIN}
    ),
    "presentation-without-expected-challenge": Case(presentation, "could-not-check"),
    "presentation-replayed-challenge": Case(
        presentation_replayed, "fail", {"challenge": CHALLENGE, "domain": DOMAIN}
    ),
}


# --- the two roads ----------------------------------------------------------------------------


def by_cli(
    item: dict[str, Any] | str, expected: dict[str, str] | None, tmp_path: Path, capsys: Any
) -> dict[str, Any]:
    """``ler verify FILE --json`` (its ``main``, in this process) with the network allowed."""
    path = tmp_path / "input"
    path.write_text(item if isinstance(item, str) else json.dumps(item))
    argv = ["verify", str(path), "--json", *ALLOW]
    for name, value in (expected or {}).items():
        argv += [f"--{name}", value]
    capsys.readouterr()
    code = cli.main(argv)
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    exit_for = {"pass": cli.EXIT_PASS, "fail": cli.EXIT_FAIL, "could-not-check": 3}
    assert code == exit_for[report["verdict"]]
    return report


def by_api(
    verifier: TestClient, item: dict[str, Any] | str, expected: dict[str, str] | None
) -> dict[str, Any]:
    is_vp = isinstance(item, dict) and "VerifiablePresentation" in item.get("type", [])
    route, field = (
        ("/presentations/verify", "verifiablePresentation")
        if is_vp
        else ("/credentials/verify", "verifiableCredential")
    )
    body: dict[str, Any] = {field: item}
    if expected:
        body["options"] = expected
    response = verifier.post(route, json=body)
    answer: dict[str, Any] = response.json()
    report: dict[str, Any] = answer["report"]
    assert response.status_code == (422 if report["verdict"] == "fail" else 200), response.text
    assert answer["verified"] is (report["verdict"] == "pass")
    return report


def _vckit_checks(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, status) of the report's checks and those of its credentials, in order."""
    found = [(c["id"], c["status"]) for c in report["checks"]]
    for inner in report.get("credentials", []):
        found += _vckit_checks(inner)
    return found


@pytest.mark.parametrize("case_id", list(CASES))
def test_ler_verify_and_the_api_agree(
    case_id: str,
    live_issuer: LiveIssuer,
    verifier: TestClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[case_id]
    item = case.make(live_issuer)
    from_cli = by_cli(item, case.expected, tmp_path, capsys)
    from_api = by_api(verifier, item, case.expected)
    assert from_cli["verdict"] == case.verdict, from_cli
    assert from_api["verdict"] == from_cli["verdict"], (from_api, from_cli)
    cli_checks = _vckit_checks(from_cli)
    assert [c for c in _vckit_checks(from_api) if c[0] in dict(cli_checks)] == cli_checks
