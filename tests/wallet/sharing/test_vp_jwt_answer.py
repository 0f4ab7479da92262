"""Issue 14: the wallet answers a VC-API presentation request with a VC-JOSE-COSE ``vp+jwt``
when the request allows only that envelope (every ``credentialQuery`` lists
``acceptedEnvelopes: ["application/vp+jwt"]``, none ``acceptedCryptosuites``): the holder key
signs it, ``nonce``/``aud`` are the challenge and domain, the chosen credential is inside, and
the download is an ``EnvelopedVerifiablePresentation`` that vckit verifies against that
challenge and domain (the verifier's side: tests/verifier/jobs/test_vp_jwt_answer.py).
Otherwise the answer stays a Data Integrity presentation."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, Clock, browser, csrf, sign_up
from tests.wallet.sharing.test_present import NURSING, add_credential, hidden, open_request
from vckit.jose.vc_jwt import peek
from vckit.verification import VerifyOptions, verify

DOMAIN = "https://employer.example"


def vpr(challenge: str, **extra: Any) -> str:
    query = {"reason": "We hire nurses.", "example": {"type": "OpenBadgeCredential"}, **extra}
    return json.dumps(
        {
            "verifiablePresentationRequest": {
                "query": [{"type": "QueryByExample", "credentialQuery": [query]}],
                "challenge": challenge,
                "domain": DOMAIN,
            }
        }
    )


def answer(app: FastAPI, request_text: str) -> tuple[TestClient, str, Any]:
    client = sign_up(browser(app), ALICE)
    nursing_id = add_credential(app, ALICE, NURSING)
    opened = open_request(client, request_text)
    assert opened.status_code == 303, opened.text
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    preview = client.post(
        f"/requests/{request_id}/prepare",
        data={"csrf": csrf(client), f"c:q0:{nursing_id}": "on"},
    )
    assert preview.status_code == 200, preview.text
    download = client.post(
        f"/requests/{request_id}/download",
        data={"csrf": csrf(client), "presentation": hidden(preview.text, "presentation")},
    )
    assert download.status_code == 200, download.text
    return client, nursing_id, download.json()


def test_a_request_for_a_vp_jwt_is_answered_with_one(app: FastAPI, clock: Clock) -> None:
    client, nursing_id, document = answer(
        app, vpr("challenge-j", acceptedEnvelopes=["application/vp+jwt"])
    )
    assert document["type"] == "EnvelopedVerifiablePresentation"
    media, _, token = document["id"].partition(",")
    assert media == "data:application/vp+jwt"
    header, payload = peek(token)
    assert header["typ"] == "vp+jwt" and header["kid"].startswith("did:key:")
    assert payload["nonce"] == "challenge-j" and payload["aud"] == DOMAIN
    assert payload["holder"] == header["kid"].partition("#")[0]
    report = verify(document, VerifyOptions(challenge="challenge-j", domain=DOMAIN, now=clock.now))
    assert report.format.startswith("vp+jwt") and report.verdict == "pass", report.to_json()
    (inner,) = report.credentials
    assert inner.document is not None
    assert inner.document["credentialSubject"]["achievement"]["name"] == NURSING
    assert nursing_id[:8] in client.get("/shared").text  # the share log names the credential


def test_a_request_that_also_takes_data_integrity_gets_a_signed_ldp_vp(app: FastAPI) -> None:
    _, _, document = answer(
        app,
        vpr(
            "challenge-k",
            acceptedEnvelopes=["application/vp+jwt"],
            acceptedCryptosuites=[{"cryptosuite": "eddsa-rdfc-2022"}],
        ),
    )
    assert document["type"] == ["VerifiablePresentation"]
    assert document["proof"]["challenge"] == "challenge-k"
