"""With default settings neither the wallet nor the verifier fetches from this machine or
its network (issue 13, finding 3): a credential whose ``did:web:localhost%3A<port>`` DID
document is served by some local port is not "verified"; it is could-not-check, with the
policy's reason. ``ler up`` and ``ler demo --start`` turn plain http to localhost on
explicitly (tests/test_up.py, tests/test_demo.py); here the same settings show the server
really answers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from tests.wallet.conftest import ALICE, WALLET_URL, sign_up
from vckit.did.resolver import did_document_for_key
from vckit.ob.models import identity_object
from verifier.app import create_app as create_verifier
from verifier.settings import Settings as VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import Settings as WalletSettings


class _DidServer(BaseHTTPRequestHandler):
    """Serves one DID document at /.well-known/did.json, as a throwaway local server."""

    document: bytes

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.document)))
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def local_did() -> Iterator[str]:
    """A did:web on a local port whose document names the scenarios' throwaway key."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _DidServer)
    did = f"did:web:localhost%3A{httpd.server_address[1]}"
    _DidServer.document = json.dumps(did_document_for_key(did, s.ISSUER.public)).encode()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield did
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _credential(did: str) -> dict[str, Any]:
    """Signed by the scenarios' throwaway key, for the learner named by e-mail."""
    credential = s.ob3_credential(did, s.did_of(s.HOLDER))
    subject = credential["credentialSubject"]
    del subject["id"]
    subject["identifier"] = [identity_object(ALICE, salt="pepper")]
    return s.sign(credential, s.ISSUER, f"{did}#key-1")


def _kept_by_wallet(tmp_path: Path, did: str, **settings: Any) -> dict[str, Any]:
    values = {"base_url": WALLET_URL, "data_dir": tmp_path / "wallet", **settings}
    app = create_wallet(WalletSettings(**values))
    try:
        client = sign_up(TestClient(app, base_url=WALLET_URL))
        body = json.dumps(_credential(did)).encode()
        answer = client.post(
            "/api/receive/credential", content=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 201, answer.text
        kept: dict[str, Any] = answer.json()
        return kept
    finally:
        app.state.inst.db.close()


def _verified_by_verifier(tmp_path: Path, did: str, **settings: Any) -> dict[str, Any]:
    values = {"data_dir": tmp_path / "verifier", "registry_file": None, **settings}
    client = TestClient(create_verifier(VerifierSettings(**values)))
    answer = client.post("/credentials/verify", json={"verifiableCredential": _credential(did)})
    assert answer.status_code in (200, 422), answer.text  # 422: could not be checked
    report: dict[str, Any] = answer.json()
    return report


def test_the_wallet_does_not_fetch_a_did_from_a_local_port_by_default(
    tmp_path: Path, local_did: str
) -> None:
    kept = _kept_by_wallet(tmp_path, local_did)
    assert kept["verdict"] == "unchecked", kept
    key_check = _check(kept["report"], "issuer-key")
    assert key_check["status"] == "could-not-check"
    assert "localhost is not a public address" in key_check["detail"]


def test_with_the_local_demo_setting_the_same_credential_verifies(
    tmp_path: Path, local_did: str
) -> None:
    """The setting ``ler up`` gives: the local server really serves the key."""
    kept = _kept_by_wallet(tmp_path, local_did, allow_http_localhost=True)
    assert kept["verdict"] == "verified", kept


def test_the_verifier_does_not_fetch_a_did_from_a_local_port_by_default(
    tmp_path: Path, local_did: str
) -> None:
    report = _verified_by_verifier(tmp_path, local_did)
    assert report["verified"] is False
    key_check = _check(report["report"], "issuer-key")
    assert key_check["status"] == "could-not-check"
    assert "localhost is not a public address" in key_check["detail"]
    demo = _verified_by_verifier(tmp_path / "demo", local_did, allow_http_localhost=True)
    assert demo["verified"] is True, demo


def _check(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    for check in report.get("checks", []):
        if check.get("id") == check_id:
            found: dict[str, Any] = check
            return found
    raise AssertionError(f"no {check_id} check in {report}")
