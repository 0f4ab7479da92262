"""An issuer that is an https URL, as Open Badges 3.0 §8 allows ("only requires HTTP URL
support"), signed by Digital Bazaar's stack and verified by our verifier service over HTTP.

The issuer's controller document (W3C Controlled Identifiers 1.0) is served by a real HTTP
server on loopback; the verifier fetches it through its outbound policy (the local-demo
setting that lets ``https://localhost:<port>`` be fetched over plain http). With the server
up the credential verifies; with it down the signature is still checked (the key URL spells
out its Multikey) but whose key it is cannot be: ``verified`` false, never a failed proof.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import scenarios as s
from verifier.app import create_app
from verifier.settings import Settings

pytestmark = pytest.mark.interop

RunJs = Any


class _Documents(http.server.BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = self.pages.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body or b"{}")

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[tuple[http.server.HTTPServer, dict[str, bytes]]]:
    pages: dict[str, bytes] = {}
    handler = type("Documents", (_Documents,), {"pages": pages})
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, pages
    httpd.shutdown()
    httpd.server_close()


def test_an_https_issuer_signed_by_digital_bazaar_verifies_with_its_controller_document(
    run_js: RunJs,
    interop_keys: dict[str, Any],
    server: tuple[http.server.HTTPServer, dict[str, bytes]],
    tmp_path: Path,
) -> None:
    httpd, pages = server
    issuer = f"https://localhost:{httpd.server_address[1]}/issuers/college"
    key = interop_keys["Ed25519"]
    vm = f"{issuer}#{key['publicKeyMultibase']}"
    credential = s.ob3_credential(issuer, s.did_of(s.HOLDER))
    case = {
        "id": "sign",
        "op": "sign-credential",
        "credential": credential,
        "cryptosuite": "eddsa-rdfc-2022",
        "key": {k: key[k] for k in ("publicKeyMultibase", "secretKeyMultibase")},
        "created": "2025-09-01T00:00:00Z",
        "verificationMethod": vm,
    }
    signed = run_js("di.mjs", [case]).completed("sign")["document"]
    pages["/issuers/college"] = json.dumps(
        {
            "@context": ["https://www.w3.org/ns/cid/v1"],
            "id": issuer,
            "verificationMethod": [
                {
                    "id": vm,
                    "type": "Multikey",
                    "controller": issuer,
                    "publicKeyMultibase": key["publicKeyMultibase"],
                }
            ],
            "assertionMethod": [vm],
        }
    ).encode()
    settings = Settings(
        data_dir=tmp_path / "verifier", registry_file=None, allow_http_localhost=True
    )
    verifier = TestClient(create_app(settings))

    online = verifier.post("/credentials/verify", json={"verifiableCredential": signed})
    assert online.status_code == 200, online.text
    assert online.json()["verified"] is True
    tampered = {**signed, "name": "Altered"}
    refused = verifier.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert refused.status_code == 422 and refused.json()["errors"][0]["id"] == "proof"

    httpd.shutdown()  # the issuer's site is down: not a bad signature
    httpd.server_close()
    offline = verifier.post("/credentials/verify", json={"verifiableCredential": signed})
    body = offline.json()
    assert offline.status_code == 200, body
    assert body["verified"] is False and "proof" in body["checks"]
    assert [w["id"] for w in body["warnings"]] == ["issuer-key"]
