"""Acceptance: a credential issued over the API verifies with ``ler verify``; after
revocation ``ler verify`` reports it revoked.

Nothing is simulated: the real issuer runs as its own process (uvicorn, as ``ler up``
starts it) on a free loopback port with a temporary data folder, credentials are issued
and revoked over HTTP with the API token, and ``ler verify`` runs as a separate process
that resolves the issuer's did:web and fetches its status list over the network.

The issuer's DIDs are ``did:web:localhost%3A<port>:issuers:<slug>``; did:web means https,
the local issuer speaks http: ``--allow-http-localhost`` makes ``ler verify`` fetch https
URLs to localhost over plain http (the local-demo affordance of ``verifier.checking.fetch``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
TOKEN = "live-test-token-0123456789"
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
STARTUP_LIMIT_S = 60  # how long the issuer may take to answer /healthz; not a speed test
PROCESS_TIMEOUT_S = 120
ALLOW = ["--allow-did-web", "--allow-status-fetch", "--allow-http-localhost"]
EXIT_PASS, EXIT_FAIL, EXIT_UNCHECKED = 0, 1, 3


@dataclass(frozen=True)
class LiveIssuer:
    url: str
    client: httpx.Client


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the issuer exited {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(
        f"the issuer did not answer at {url} within {STARTUP_LIMIT_S} s:\n{log.read_text()}"
    )


@pytest.fixture(scope="module")
def live_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    """The real issuer (uvicorn, demo issuers loaded) on a free port of 127.0.0.1."""
    data = tmp_path_factory.mktemp("live-issuer")
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "LER_DATA_DIR": str(data),
        "LER_ISSUER_URL": url,
        "LER_ISSUER_TOKEN": TOKEN,
        "PYTHONPATH": str(REPO),
    }
    env.pop("LER_ISSUER_DATABASE_URL", None)
    env.pop("LER_ISSUER_DEMO", None)
    log = data / "issuer.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "issuer.app:create_app", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            yield LiveIssuer(url=url, client=client)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def issue(issuer: LiveIssuer, format: str) -> dict[str, Any]:
    response = issuer.client.post(
        "/issuers/food-safety/credentials",
        json={"achievement": "food-handler", "recipient": {"did": LEARNER}, "format": format},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def revoke(issuer: LiveIssuer, credential_id: str) -> None:
    response = issuer.client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"]["revocation"] is True


def ler_verify(path: Path) -> tuple[int, dict[str, Any]]:
    """``ler verify PATH --json`` with the network allowed for did:web and status lists
    (localhost only over plain http); its exit code and report."""
    proc = subprocess.run(
        [sys.executable, "-m", "ler.cli", "verify", str(path), "--json", *ALLOW],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
    )
    assert proc.returncode in (EXIT_PASS, EXIT_FAIL), proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    return proc.returncode, report


def checks(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["id"]: check for check in report["checks"]}


# eddsa-rdfc-2022 and ecdsa-rdfc-2019 are JSON-LD files; vc-jwt (VC-JOSE-COSE, ES256) and
# ob3-jwt (OB 3.0 §8.2, RS256) are compact JWS files.
FORMATS = ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "vc-jwt", "ob3-jwt"]


@pytest.mark.parametrize("format", FORMATS)
def test_ler_verify_passes_then_reports_revocation(
    live_issuer: LiveIssuer, format: str, tmp_path: Path
) -> None:
    issued = issue(live_issuer, format)
    credential = issued["credential"]
    path = tmp_path / "credential.json"
    path.write_text(credential if isinstance(credential, str) else json.dumps(credential))

    code, report = ler_verify(path)
    assert (code, report["verdict"]) == (EXIT_PASS, "pass"), report
    before = checks(report)
    issuer_did = f"did:web:localhost%3A{live_issuer.url.rpartition(':')[2]}:issuers:food-safety"
    assert issuer_did in before["issuer-key"]["detail"]  # resolved over did:web, not skipped
    assert before["status"]["status"] == "pass"
    assert "revocation" in before["status"]["detail"]

    revoke(live_issuer, issued["id"])

    code, report = ler_verify(path)
    assert (code, report["verdict"]) == (EXIT_FAIL, "fail"), report
    after = checks(report)
    assert after["status"]["status"] == "fail"
    assert after["status"]["detail"].startswith("revocation:")
    failed = {check_id for check_id, check in after.items() if check["status"] != "pass"}
    assert failed == {"status"}  # revoked, and nothing else wrong


def test_without_allow_http_localhost_the_local_issuer_cannot_be_checked(
    live_issuer: LiveIssuer, tmp_path: Path
) -> None:
    """The downgrade to plain http is opt-in: without it the did:web and status list
    fetches are refused, and ``ler verify`` says could not check (exit 3), never pass."""
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(issue(live_issuer, "eddsa-rdfc-2022")["credential"]))
    proc = subprocess.run(
        [sys.executable, "-m", "ler.cli", "verify", str(path), "--json"]
        + ["--allow-did-web", "--allow-status-fetch"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
    )
    report = json.loads(proc.stdout)
    assert (proc.returncode, report["verdict"]) == (EXIT_UNCHECKED, "could-not-check"), report
    found = checks(report)
    for check_id in ("proof", "issuer-key", "status"):
        assert found[check_id]["status"] == "could-not-check", found[check_id]
    assert "localhost is not a public address" in found["issuer-key"]["detail"]
    assert "only https" in found["status"]["detail"]
