#!/usr/bin/env python3
"""The LER demonstrator behind w3c/vc-jose-cose-test-suite's command-line interface.

    ler_jose_cose.py --name N issue|verify --input FILE --key VM.json --feature F
                     [--sd JSON] --output OUT.json

Writes {"result": success|failure|indeterminate|error, "data": ...} to OUT.json, as the
suite reads it (tests/test-util.js checkTestResults).

issue (credential_jose): our library's VC-JOSE-COSE signer, ``vckit.jose.vc_jwt.sign_jwt_vc``
  (profile vc-jose-cose: typ vc+jwt, cty vc), with the suite's private key from VM.json
  (``secretKeyJwk``) and the verification method's ``id`` as ``kid``. The issuer service
  cannot be used here: it signs only with its own issuers' keys. A credential or key our
  signer refuses -> "failure" with its message.
verify (credential_jose): our verifier service, POST {LER_CONF_VERIFIER_URL}/credentials/verify
  (run.sh: through the harness's TLS proxy, so the exchange is logged like every other) with
  {"verifiableCredential": <the token, or the JSON document as is>, "options": {"publicKeyJwk":
  <VM.json's publicKeyJwk>}}: the suite hands over the verification key, and our verifier uses
  a caller-supplied key for a token whose ``kid`` it cannot look up (still reporting
  *issuer-key* as not established by the document).
  200 verified:true -> success; 200 verified:false (a check could not be made) ->
  indeterminate; 4xx (verification failed, or input refused) -> failure; else error.
Any feature we do not offer -> "error" (run.sh declares only credential_jose).
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path


def write(out: str, result: str, data: object) -> None:
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps({"result": result, "data": data}, indent=2))


def issue(args: argparse.Namespace) -> tuple[str, object]:
    from vckit.errors import VckitError
    from vckit.jose.vc_jwt import sign_jwt_vc
    from vckit.keys.keypair import KeyPair

    document = json.loads(Path(args.input).read_text())
    method = json.loads(Path(args.key).read_text())
    try:
        key = KeyPair.from_private_jwk(method.get("secretKeyJwk") or method.get("privateKeyJwk"))
        token = sign_jwt_vc(document, key, kid=method["id"], profile="vc-jose-cose")
    except VckitError as exc:
        return "failure", f"{type(exc).__name__}: {exc}"
    return "success", token


def verify(args: argparse.Namespace) -> tuple[str, object]:
    raw = Path(args.input).read_text().strip()
    try:
        item: object = json.loads(raw)
    except json.JSONDecodeError:
        item = raw
    url = os.environ.get("LER_CONF_VERIFIER_URL", "https://localhost:9443") + "/credentials/verify"
    request_body: dict[str, object] = {"verifiableCredential": item}
    method = json.loads(Path(args.key).read_text())
    if isinstance(method, dict) and isinstance(method.get("publicKeyJwk"), dict):
        request_body["options"] = {"publicKeyJwk": method["publicKeyJwk"]}
    body = json.dumps(request_body).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        # our own self-signed loopback certificate (config/tls_proxy.py)
        context = ssl._create_unverified_context()
        with urllib.request.urlopen(request, timeout=60, context=context) as response:
            status, answer = response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
        try:
            answer = json.loads(text)
        except json.JSONDecodeError:
            answer = text
    except OSError as exc:
        return "error", f"verifier unreachable: {exc}"
    summary = {"status": status, "answer": answer}
    if status == 200 and isinstance(answer, dict):
        return ("success" if answer.get("verified") else "indeterminate"), summary
    if 400 <= status < 500:
        return "failure", summary
    return "error", summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", default="LER")
    parser.add_argument("fn", choices=["issue", "verify"])
    parser.add_argument("--input", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--feature", required=True)
    parser.add_argument("--sd")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    if args.feature != "credential_jose":
        write(args.output, "error", f"feature {args.feature} is not offered by {args.name}")
        return 0
    try:
        result, data = issue(args) if args.fn == "issue" else verify(args)
    except Exception as exc:  # noqa: BLE001 - report, never a traceback to the suite
        result, data = "error", f"{type(exc).__name__}: {exc}"
    write(args.output, result, data)
    print(json.dumps({"fn": args.fn, "input": Path(args.input).name, "result": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
