"""``ler up`` with ``LER_UP_ISSUER_URL``: the issuer behind a proxy (the conformance harness's
TLS proxy) names its did:web DIDs and status lists with the proxy's https URL, as the W3C
vc-bitstring-status-list suite (https status lists only) needs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.test_up import ROOT, free_base_port, wait_until_up

TOKEN = "up-public-url-token-0123456789"


def test_the_issuers_public_url_can_be_the_proxys(tmp_path: Path) -> None:
    base = free_base_port()
    public = "https://localhost:9441"
    env = {**os.environ, "LER_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.update(LER_ISSUER_TOKEN=TOKEN, LER_UP_ISSUER_URL=public + "/", LER_DEMO_SEED="0")
    process = subprocess.Popen(
        [sys.executable, "-m", "ler.cli", "up", "--port", str(base)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        issuer = f"http://127.0.0.1:{base + 1}"
        wait_until_up(f"{issuer}/healthz", time.monotonic() + 60)
        did = httpx.get(f"{issuer}/.well-known/did.json", timeout=5).json()
        assert did["id"] == "did:web:localhost%3A9441"
        college = "did:web:localhost%3A9441:issuers:community-college"
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": college,
            "credentialSubject": {"id": "did:example:learner"},
        }
        issued = httpx.post(
            f"{issuer}/credentials/issue", json={"credential": credential},
            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30,
        )  # fmt: skip
        assert issued.status_code == 201, issued.text
        entry = issued.json()["verifiableCredential"]["credentialStatus"]
        assert entry["statusListCredential"].startswith(f"{public}/issuers/community-college/")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
