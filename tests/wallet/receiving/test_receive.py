"""Receiving credentials, over HTTP: the OpenID4VCI offer flow against the real issuer app,
files and pasted text, verification on arrival, re-checks, hostile input, other learners.

The issuer is the real app (tests/wallet/conftest.py ``issuer_service``), reached by the
wallet's own outbound client through an in-process transport; nothing is mocked. Credentials
signed by the independent JavaScript stack (``@digitalbazaar/vc``, tests/interop/js/di.mjs)
are imported too.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from tests.interop.conftest import js_packages, run_js  # noqa: F401  (fixtures)
from tests.wallet.conftest import (
    ALICE,
    BOB,
    FROZEN,
    ISSUER_TOKEN,
    ISSUER_URL,
    Clock,
    WalletFactory,
    account_id_of,
    browser,
    csrf,
    sign_up,
)
from tests.wallet.receiving.test_recheck_job import settled
from vckit.di import algorithms as data_integrity
from vckit.did.resolver import did_key
from vckit.keys.keypair import KeyPair
from vckit.ob import baking
from vckit.protocols import oid4vci
from wallet import store
from wallet.errors import InvalidInputError
from wallet.outbound import Outbound, Policy
from wallet.receiving import receive, redeem
from wallet.receiving.progress import resume_due

SLUG = "community-college"
ACHIEVEMENT = "fundamentals-of-nursing-1"
ISSUER_ID = f"{ISSUER_URL}/issuers/{SLUG}"
PRE_AUTH = oid4vci.PRE_AUTHORIZED_GRANT
GOOD = "<strong>Verified.</strong>"  # how the received page shows a credential that passed
INTEROP = Path(__file__).resolve().parents[2] / "vectors" / "interop"


# --- helpers --------------------------------------------------------------------------------------


def operator(issuer: FastAPI) -> TestClient:
    return TestClient(
        issuer, base_url=ISSUER_URL, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}
    )


def make_offer(issuer: FastAPI, *, tx_code: bool = False) -> dict[str, Any]:
    response = operator(issuer).post(
        f"/issuers/{SLUG}/offers", json={"achievement": ACHIEVEMENT, "tx_code": tx_code}
    )
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def issue_to(issuer: FastAPI, recipient: dict[str, str], fmt: str = "eddsa-rdfc-2022") -> Any:
    """A credential issued directly by the issuer's API (as if mailed to the learner)."""
    body = {"achievement": ACHIEVEMENT, "recipient": recipient, "format": fmt}
    response = operator(issuer).post(f"/issuers/{SLUG}/credentials", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def revoke(issuer: FastAPI, credential_id: str) -> None:
    """Revoke at the issuer (W3C VC-API ``POST /credentials/status``)."""
    body = {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    response = operator(issuer).post("/credentials/status", json=body)
    assert response.status_code == 200, response.text


def did_of(app: FastAPI, email: str) -> str:
    with app.state.inst.db.transaction() as tx:
        account = store.get_account_by_email(tx, email)
    assert account is not None
    return account.did


def held(app: FastAPI, email: str) -> list[store.CredentialRecord]:
    account_id = account_id_of(app, email)
    with app.state.inst.db.transaction() as tx:
        return store.list_credentials(tx, account_id)


def post_offer(client: TestClient, text: str, **extra: str) -> Any:
    data = {"csrf": csrf(client), "offer": text, **extra}
    return client.post("/receive/offer", data=data, follow_redirects=False)


def upload(client: TestClient, content: bytes, name: str = "credential.json") -> Any:
    return client.post(
        "/receive/upload",
        data={"csrf": csrf(client)},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def paste(client: TestClient, text: str) -> Any:
    data = {"csrf": csrf(client), "credential": text}
    return client.post("/receive/paste", data=data, follow_redirects=False)


def says(response: Any, message: str) -> bool:
    """The page or problem shows ``message`` (case and HTML escaping aside)."""
    return message.lower() in html.unescape(response.text).lower()


def done_id(response: Any) -> str:
    assert response.status_code == 303, response.text[:3000]
    location: str = response.headers["location"]
    assert location.startswith("/receive/done/")
    return location.removeprefix("/receive/done/")


def recheck(client: TestClient, credential_id: str) -> Any:
    return client.post(
        f"/credentials/{credential_id}/recheck",
        data={"csrf": csrf(client)},
        follow_redirects=False,
    )


@pytest.fixture
def wallet(wallet_app: WalletFactory, issuer_service: FastAPI, database_url: str | None) -> FastAPI:
    """A wallet (SQLite and PostgreSQL) that reaches the real issuer at issuer.test."""
    return wallet_app(database_url=database_url, apps={"issuer.test": issuer_service})


@pytest.fixture
def alice(wallet: FastAPI) -> TestClient:
    return sign_up(browser(wallet), ALICE)


# --- the offer flow, end to end -------------------------------------------------------------------


@pytest.mark.parametrize("by", ["reference", "value"])
def test_an_offer_from_our_issuer_ends_verified_and_bound_to_the_learner(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient, by: str
) -> None:
    made = make_offer(issuer_service)
    uri = made["offer_uri"] if by == "reference" else made["offer_uri_by_value"]
    credential_id = done_id(post_offer(alice, uri))

    [record] = held(wallet, ALICE)
    assert record.id == credential_id and record.source == "offer"
    assert record.format == "ldp_vc"  # ldp_vc preferred among the offered configurations
    assert isinstance(record.document, dict)
    assert record.document["credentialSubject"]["id"] == did_of(wallet, ALICE)
    assert record.verdict == "verified", record.report
    assert record.report is not None
    checks = {c["id"]: c["status"] for c in record.report["checks"]}
    assert checks["proof"] == checks["issuer-key"] == checks["status"] == "pass"
    assert record.report["recipient"]["kind"] == "did"
    page = alice.get(f"/receive/done/{credential_id}")
    assert page.status_code == 200 and GOOD in page.text


def test_an_offer_with_a_tx_code_asks_for_it_then_redeems(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    made = make_offer(issuer_service, tx_code=True)
    asked = post_offer(alice, made["offer_uri"])
    assert asked.status_code == 303
    offer_path = asked.headers["location"]
    assert offer_path.startswith("/receive/offers/")
    form = alice.get(offer_path)
    assert form.status_code == 200
    assert 'name="tx_code"' in form.text and "The code the issuer sent you separately" in form.text
    assert held(wallet, ALICE) == []  # nothing until the code is given

    wrong = alice.post(offer_path, data={"csrf": csrf(alice), "tx_code": "000000x"})
    assert wrong.status_code == 422
    assert held(wallet, ALICE) == []
    # said once, in words: the issuer's reason and what to do, no OAuth error code
    said = "wrong transaction code; check the one-time code the issuer sent you"
    assert wrong.text.count(said) == 1 and "invalid_grant" not in wrong.text
    assert "Fundamentals of Nursing I" in form.text and "Riverside" in form.text
    assert "OpenBadgeCredential_" not in form.text.split('<details class="technical">')[0]
    waiting = alice.get("/receive").text
    assert f'href="{offer_path}"' in waiting and "Offers waiting for you" in waiting
    assert "<strong>Fundamentals of Nursing I</strong> from Riverside Community College" in waiting
    # the issuer's "open in the demo wallet" link fills the offer in
    filled = alice.get("/receive", params={"offer": made["offer_uri"]}).text
    assert f">{html.escape(made['offer_uri'])}</textarea>" in filled

    right = alice.post(
        offer_path, data={"csrf": csrf(alice), "tx_code": made["tx_code"]}, follow_redirects=False
    )
    [record] = held(wallet, ALICE)
    assert done_id(right) == record.id and record.verdict == "verified"
    assert "You have this credential already" in alice.get(offer_path).text


def test_the_api_redeems_an_offer_and_says_when_a_tx_code_is_needed(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    made = make_offer(issuer_service, tx_code=True)
    missing = alice.post("/api/receive/offer", json={"offer": made["offer_uri"]})
    assert missing.status_code == 422
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["type"].endswith("tx-code-required")
    response = alice.post(
        "/api/receive/offer", json={"offer": made["offer_uri"], "tx_code": made["tx_code"]}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["verdict"] == "verified" and body["source"] == "offer"
    assert body["recipient"]["kind"] == "did"


def test_the_bare_json_offer_works_too(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    made = make_offer(issuer_service)
    done_id(post_offer(alice, json.dumps(made["credential_offer"])))
    assert [r.verdict for r in held(wallet, ALICE)] == ["verified"]


def test_a_replayed_offer_is_refused_and_nothing_is_stored_twice(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    made = make_offer(issuer_service)
    done_id(post_offer(alice, made["offer_uri_by_value"]))
    again = post_offer(alice, made["offer_uri_by_value"])
    assert again.status_code == 409 and says(again, "redeemed this offer already")
    # another learner replaying the same (spent) code: the issuer refuses it
    bob = sign_up(browser(wallet), BOB)
    replay = post_offer(bob, made["offer_uri_by_value"])
    assert replay.status_code == 422
    assert says(replay, "already used") and "invalid_grant" not in replay.text
    assert len(held(wallet, ALICE)) == 1 and held(wallet, BOB) == []


def test_a_revoked_credential_shows_as_revoked_after_a_recheck(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient, clock: Clock
) -> None:
    credential_id = done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    [record] = held(wallet, ALICE)
    assert isinstance(record.document, dict)
    revoke(issuer_service, record.document["id"])
    assert held(wallet, ALICE)[0].verdict == "verified"  # not until re-checked

    clock.advance(timedelta(minutes=5))
    assert recheck(alice, credential_id).status_code == 303
    [after] = held(wallet, ALICE)
    assert after.verdict == "revoked" and after.checked_at != record.checked_at
    assert after.report is not None and after.report["recipient"]["kind"] == "did"
    page = alice.get(f"/receive/done/{credential_id}")
    assert "<strong>Revoked.</strong>" in page.text and GOOD not in page.text
    # the cards say it in words: by whom and when found, no list URL or bit index
    cards = alice.get("/credentials").text
    assert "Revoked by the issuer, found on " in cards and not re.search(r"index \d", cards)
    card = alice.get(f"/credentials/{credential_id}").text
    words, technical = card.split('<details class="technical">', 1)
    assert "Revoked by the issuer, found on " in words and not re.search(r"index \d", words)
    assert re.search(r"index \d", technical)


def test_the_background_job_rechecks_what_is_due(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient, clock: Clock
) -> None:
    done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    [record] = held(wallet, ALICE)
    assert isinstance(record.document, dict)
    revoke(issuer_service, record.document["id"])
    inst = wallet.state.inst
    assert receive.recheck_due(inst, every=timedelta(hours=1)) == 0  # checked just now
    clock.advance(timedelta(hours=2))
    assert receive.recheck_due(inst, every=timedelta(hours=1)) == 1
    assert held(wallet, ALICE)[0].verdict == "revoked"


def test_recheck_all_and_its_api(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    response = alice.post(
        "/credentials/recheck", data={"csrf": csrf(alice)}, follow_redirects=False
    )
    assert response.status_code == 303  # to the job's progress page
    assert response.headers["location"].startswith("/credentials/recheck/")
    answer = alice.post("/api/credentials/recheck")  # the same job, or a new one once done
    assert answer.status_code in (200, 202)
    assert answer.json()["total"] == 2  # more in tests/wallet/receiving/test_recheck_job.py
    assert settled(wallet, ALICE, answer.json()["id"]).counts == {"verified": 2}


# --- files and pasted text ------------------------------------------------------------------------


def test_a_jwt_credential_and_a_baked_png_and_svg_are_received(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    me = {"did": did_of(wallet, ALICE)}
    token = issue_to(issuer_service, me, "ob3-jwt")["credential"]
    assert isinstance(token, str)
    first = done_id(paste(alice, token))
    png = baking.bake_png(baking.default_badge_png(), issue_to(issuer_service, me)["credential"])
    second = done_id(upload(alice, png, "badge.png"))
    svg = baking.bake_svg(
        baking.default_badge_svg("Nursing", "College"), issue_to(issuer_service, me)["credential"]
    )
    third = done_id(upload(alice, svg.encode(), "badge.svg"))
    records = {r.id: r for r in held(wallet, ALICE)}
    assert records[first].format == "jwt_vc_json" and records[first].source == "paste"
    assert records[second].source == records[third].source == "upload"
    assert {r.verdict for r in records.values()} == {"verified"}, [
        r.report for r in records.values()
    ]


def test_the_same_credential_twice_is_already_in_the_wallet(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    credential = issue_to(issuer_service, {"did": did_of(wallet, ALICE)})["credential"]
    done_id(upload(alice, json.dumps(credential).encode()))
    again = paste(alice, json.dumps(credential, indent=2))  # other whitespace, same credential
    assert again.status_code == 409 and says(again, "already in your wallet")
    api = alice.post("/api/receive/credential", json=credential)
    assert api.status_code == 409
    assert len(held(wallet, ALICE)) == 1


def test_a_credential_about_someone_else_is_refused(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    stranger = did_key(KeyPair.generate("Ed25519").public)
    credential = issue_to(issuer_service, {"did": stranger})["credential"]
    response = upload(alice, json.dumps(credential).encode())
    assert response.status_code == 422
    assert says(response, "this credential is about someone else")
    assert held(wallet, ALICE) == []


def test_an_email_identity_credential_is_accepted_and_flagged(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    credential = issue_to(issuer_service, {"email": ALICE})["credential"]
    credential_id = done_id(upload(alice, json.dumps(credential).encode()))
    [record] = held(wallet, ALICE)
    assert record.verdict == "verified", record.report
    assert record.report is not None
    assert record.report["recipient"]["kind"] == "email"
    assert record.report["recipient"]["matches"] is True
    page = alice.get(f"/receive/done/{credential_id}").text
    assert "issued to an email identity" in page and "IdentityObject" in page


@pytest.mark.interop
def test_a_credential_signed_by_the_javascript_stack_verifies_and_a_tampered_copy_fails(
    wallet: FastAPI,
    alice: TestClient,
    run_js: Any,  # noqa: F811
) -> None:
    keys = json.loads((INTEROP / "keys.json").read_text())["Ed25519"]
    issuer = f"did:key:{keys['publicKeyMultibase']}"
    credential = json.loads((INTEROP / "ob3-spec-example-unsigned.json").read_text())
    credential["issuer"]["id"] = issuer
    credential["credentialSubject"]["id"] = did_of(wallet, ALICE)
    case = {
        "id": "signed",
        "op": "sign-credential",
        "credential": credential,
        "cryptosuite": "eddsa-rdfc-2022",
        "key": {k: keys[k] for k in ("publicKeyMultibase", "secretKeyMultibase")},
        "created": "2026-01-05T12:00:00Z",
    }
    signed = run_js("di.mjs", [case]).completed("signed")["document"]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["description"] += " (edited)"

    good = done_id(upload(alice, json.dumps(signed).encode()))
    bad = done_id(upload(alice, json.dumps(tampered).encode()))
    records = {r.id: r for r in held(wallet, ALICE)}
    assert records[good].verdict == "verified", records[good].report
    assert records[bad].verdict == "failed"  # kept, and shown as failed
    report = records[bad].report
    assert report is not None
    assert {c["id"]: c["status"] for c in report["checks"]}["proof"] == "fail"
    page = alice.get(f"/receive/done/{bad}").text
    assert "<strong>Failed.</strong>" in page and GOOD not in page


# --- hostile input --------------------------------------------------------------------------------


HOSTILE = {
    "not-json": (b"hello, this is not a credential", "not a credential the wallet can read"),
    "deeply-nested": (b'{"a":' * 200 + b"1" + b"}" * 200, "nested deeper"),
    "json-array": (b"[1, 2]", "not a credential the wallet can read"),
    "not-utf8": (b"\xff\xfe{\x00", "not a credential the wallet can read"),
    "png-without-credential": (baking.default_badge_png(), "no credential baked into it"),
    "svg-with-entities": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
        "not a credential the wallet can read",
    ),
    "not-a-vc": (b'{"@context": [], "type": ["Thing"]}', "not a verifiable credential"),
    "type-an-object": (  # §4.5: an object is no type at all, whatever its member names
        b'{"@context": [], "type": {"VerifiableCredential": 1}}',
        "not a verifiable credential",
    ),
    "presentation": (
        b'{"@context": ["https://www.w3.org/ns/credentials/v2"], '
        b'"type": ["VerifiablePresentation"]}',
        "not a verifiable credential",
    ),
    "empty": (b"", "the file is empty"),
}


@pytest.mark.parametrize("scenario", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_file_gets_a_clear_4xx_and_nothing_is_stored(
    wallet: FastAPI, alice: TestClient, scenario: str
) -> None:
    content, message = HOSTILE[scenario]
    response = upload(alice, content)
    assert response.status_code == 422, response.text[:500]
    assert says(response, message)
    api = alice.post(
        "/api/receive/credential", content=content, headers={"Content-Type": "application/json"}
    )
    assert api.status_code == 422
    assert api.headers["content-type"].startswith("application/problem+json")
    assert held(wallet, ALICE) == []


def test_a_huge_file_is_refused_by_the_body_limit(wallet: FastAPI, alice: TestClient) -> None:
    response = upload(alice, b"{" + b" " * 300_000 + b"}")
    assert response.status_code == 413
    assert held(wallet, ALICE) == []


def test_the_api_takes_only_credential_media_types(wallet: FastAPI, alice: TestClient) -> None:
    """A cross-site page can post text/plain without a preflight; it must not plant anything."""
    response = alice.post(
        "/api/receive/credential", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415


MALFORMED_OFFERS = {
    "empty": ("", "paste the offer link"),
    "no-parameter": ("openid-credential-offer://?foo=bar", "not a credential offer"),
    "both-parameters": (
        "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fx",
        "not a credential offer",
    ),
    "offer-not-json": ("openid-credential-offer://?credential_offer=%7Bnope", "not JSON"),
    "no-issuer": (
        'openid-credential-offer://?credential_offer={"credential_configuration_ids":["x"]}',
        "credential_issuer",
    ),
    "no-pre-authorized-grant": (
        json.dumps(
            {
                "credential_issuer": ISSUER_ID,
                "credential_configuration_ids": ["x"],
                "grants": {"authorization_code": {}},
            }
        ),
        "no pre-authorized code grant",
    ),
    "plain-http-uri": (
        "openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2Fissuer.test%2Fo",
        "https URL",
    ),
    "unknown-offer-uri": (
        f"openid-credential-offer://?credential_offer_uri={ISSUER_ID}/offers/nope",
        "HTTP 404",
    ),
    "unreachable-issuer": (
        json.dumps(
            {
                "credential_issuer": "https://nowhere.test/issuer",
                "credential_configuration_ids": ["x"],
                "grants": {PRE_AUTH: {"pre-authorized_code": "abc"}},
            }
        ),
        "could not fetch",
    ),
}


@pytest.mark.parametrize("scenario", list(MALFORMED_OFFERS), ids=list(MALFORMED_OFFERS))
def test_a_malformed_offer_gets_a_clear_4xx(
    wallet: FastAPI, alice: TestClient, scenario: str
) -> None:
    text, message = MALFORMED_OFFERS[scenario]
    response = post_offer(alice, text)
    assert response.status_code == 422, response.text[:500]
    assert says(response, message)
    assert held(wallet, ALICE) == []


def test_an_offer_for_a_configuration_the_wallet_cannot_hold_is_refused(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    offer = make_offer(issuer_service)["credential_offer"]
    offer["credential_configuration_ids"] = ["SomethingElse_mso_mdoc"]
    response = post_offer(alice, json.dumps(offer))
    assert response.status_code == 422
    assert says(response, "no credential in a format this wallet can hold")


# --- one learner, one wallet ----------------------------------------------------------------------


def test_learner_b_cannot_see_or_recheck_learner_a_credentials(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    pending = post_offer(alice, make_offer(issuer_service, tx_code=True)["offer_uri"])
    offer_path = pending.headers["location"]
    credential_id = done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    [before] = held(wallet, ALICE)
    bob = sign_up(browser(wallet), BOB)
    token = {"csrf": csrf(bob)}
    attempts = {
        "received page": bob.get(f"/receive/done/{credential_id}"),
        "recheck form": bob.post(f"/credentials/{credential_id}/recheck", data=token),
        "recheck api": bob.post(f"/api/credentials/{credential_id}/recheck"),
        "offer page": bob.get(offer_path),
        "offer form": bob.post(offer_path, data={**token, "tx_code": "123456"}),
    }
    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 404)
    assert held(wallet, ALICE) == [before] and held(wallet, BOB) == []
    nothing = bob.post("/api/credentials/recheck").json()
    assert nothing["total"] == 0 and settled(wallet, BOB, nothing["id"]).state == "done"


def test_forms_need_the_csrf_token_and_a_session(wallet: FastAPI, alice: TestClient) -> None:
    response = alice.post("/receive/paste", data={"credential": "{}"}, follow_redirects=False)
    assert response.status_code == 403
    anonymous = browser(wallet).get("/receive", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/sign-in")
    assert browser(wallet).post("/api/credentials/recheck").status_code == 401


# --- the key proof the wallet sends (vckit.protocols.oid4vci.key_proof) ------------------------


def test_the_key_proof_is_what_appendix_f_asks_and_verifies_at_an_issuer() -> None:
    key = KeyPair.generate("Ed25519")
    did = did_key(key.public)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    token = oid4vci.key_proof(key, kid=kid, audience=ISSUER_ID, issued_at=now, nonce="n-1")
    header, payload = (json.loads(_b64(part)) for part in token.split(".")[:2])
    assert header == {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid}
    assert payload == {"aud": ISSUER_ID, "iat": int(now.timestamp()), "nonce": "n-1"}
    proof = oid4vci.verify_key_proof(token, audience=ISSUER_ID, now=now)
    assert proof.holder == did and proof.nonce == "n-1"


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize(
    ("methods", "named_by"),
    [
        (["jwk"], "jwk"),  # an SD-JWT VC bound to the key itself (cnf.jwk), as EUDI issuers do
        (["did:key", "did:jwk", "jwk"], "kid"),  # ours: a DID will do
        (None, "kid"),  # not said
    ],
    ids=["jwk-only", "did-too", "unsaid"],
)
def test_the_key_proof_names_the_key_as_the_configuration_binds_it(
    methods: list[str] | None, named_by: str
) -> None:
    """Appendix F.1: a proof names its key by ``kid`` (a DID URL: the credential is bound to
    that DID) or gives the key itself as ``jwk`` (bound to the key). An issuer whose
    configuration lists only ``jwk`` among its cryptographic_binding_methods_supported gets a
    ``jwk`` (found with the OWF oid4vc-ts library as issuer, tests/interop/test_openid4vc.py)."""
    sent: list[dict[str, Any]] = []

    def issuer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/vci/nonce":
            return httpx.Response(200, json={"c_nonce": "n-1"})
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"credentials": [{"credential": "eyJ.x.y~"}]})

    configuration: dict[str, Any] = {
        "format": "dc+sd-jwt",
        "vct": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential",
    }
    if methods is not None:
        configuration["cryptographic_binding_methods_supported"] = methods
    metadata = redeem.Metadata(
        {
            "credential_issuer": "https://issuer.test/vci",
            "credential_endpoint": "https://issuer.test/vci/credential",
            "nonce_endpoint": "https://issuer.test/vci/nonce",
            "credential_configurations_supported": {"badge": configuration},
        },
        "https://issuer.test/token",
    )
    key = KeyPair.generate("Ed25519")
    did = did_key(key.public)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    http = Outbound(Policy(allow_private=True), transport=httpx.MockTransport(issuer))
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    plan = redeem.Plan.of(metadata, "badge")
    body = redeem.credential_request(
        plan, nonce="n-1", credential_identifier=None, key=key, kid=kid, now=now
    )
    redeem.send_credential_request(http, plan, "t-1", body)
    [body] = sent
    token = body["proofs"]["jwt"][0]
    header = json.loads(_b64(token.split(".")[0]))
    if named_by == "jwk":
        assert "kid" not in header and header["jwk"] == key.public.to_jwk()
    else:
        assert "jwk" not in header and header["kid"] == kid
    proof = oid4vci.verify_key_proof(token, audience="https://issuer.test/vci", now=now)
    assert proof.public_key.to_jwk() == key.public.to_jwk()


# --- what the wallet cannot check, whose it is, the background job -------------------------------


def test_a_credential_whose_issuer_cannot_be_reached_is_unchecked_never_verified(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    offline = wallet_app()  # reaches no issuer: did:web and the status list cannot be fetched
    client = sign_up(browser(offline), ALICE)
    credential = issue_to(issuer_service, {"did": did_of(offline, ALICE)})["credential"]
    credential_id = done_id(upload(client, json.dumps(credential).encode()))
    [record] = held(offline, ALICE)
    assert record.verdict == "unchecked"
    page = client.get(f"/receive/done/{credential_id}")
    assert says(page, "Not fully checked") and GOOD not in page.text


def _account(email: str = ALICE) -> store.AccountRecord:
    return store.AccountRecord("a1", email, "x", "did:key:z6MkLearner", {}, 0, "2026-01-01")


def _salted(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


RECIPIENTS = {
    "own-did": ({"id": "did:key:z6MkLearner"}, "did", None),
    "own-did-among-several": ([{"id": "did:web:x"}, {"id": "did:key:z6MkLearner"}], "did", None),
    "hashed-email-of-the-learner": (
        {"identifier": [{"identityType": "emailAddress", "hashed": True, "salt": "s4lt",
                         "identityHash": _salted(ALICE, "s4lt")}]},
        "email",
        True,
    ),
    "hashed-email-of-someone-else": (
        {"identifier": [{"identityType": "emailAddress", "hashed": True, "salt": "s4lt",
                         "identityHash": _salted(BOB, "s4lt")}]},
        "email",
        False,
    ),
    "plain-email": (
        {"identifier": [{"identityType": "emailAddress", "hashed": False,
                         "identityHash": ALICE.upper()}]},
        "email",
        True,
    ),
    "no-subject-id": ({"achievement": {}}, "none", None),
    "a-url-not-a-did": ({"id": "https://example.org/people/7"}, "other", None),
}  # fmt: skip


@pytest.mark.parametrize("scenario", list(RECIPIENTS), ids=list(RECIPIENTS))
def test_whose_credential_it_is(scenario: str) -> None:
    subject, kind, matches = RECIPIENTS[scenario]
    found = receive.recipient_of({"credentialSubject": subject}, _account())
    assert found["kind"] == kind
    assert found.get("matches") == matches


def test_a_credential_about_another_did_is_refused_by_the_use_case() -> None:
    with pytest.raises(InvalidInputError, match="about someone else"):
        receive.recipient_of({"credentialSubject": {"id": "did:key:z6MkOther"}}, _account())


def test_the_background_recheck_runs_while_the_app_is_up(wallet: FastAPI) -> None:
    def running() -> bool:
        return any(t.name == "wallet-recheck" and t.is_alive() for t in threading.enumerate())

    assert not running()
    with TestClient(wallet, base_url="https://wallet.test"):  # runs the lifespan
        assert running()
    assert not running()


# --- another issuer, written here from the spec --------------------------------------------------

OTHER = "https://other.test/vci"
OTHER_AS = "https://auth.other.test"


def other_issuer(
    *, subject: str | None = None, nonces: bool = False, issues: dict[str, Any] | None = None
) -> FastAPI:
    """A Credential Issuer that is not ours, choosing what the spec allows and ours does not: a
    separate Authorization Server (``authorization_servers``, §12.2.4) with only OpenID
    Connect Discovery metadata, ``credential_identifiers`` in the Token Response (§6.2) that
    the Credential Request must use (§8.2), no Nonce Endpoint (so no nonce in the proof), and
    a configuration the wallet cannot hold offered first. It binds the credential to the
    proof's key, or to ``subject`` when given (an issuer issuing to someone else). With
    ``nonces`` it has a Nonce Endpoint and answers the first proof with ``invalid_nonce``
    (§8.3.1.2), as after a restart. With ``issues`` it signs and issues that instead.
    """
    key = KeyPair.generate("Ed25519")
    did = did_key(key.public)
    codes = {"code-1"}
    handed_out: list[str] = []
    app = FastAPI()

    @app.post("/vci/nonce")
    def nonce() -> dict[str, str]:
        handed_out.append(f"nonce-{len(handed_out)}")
        return {"c_nonce": handed_out[-1]}

    @app.get("/.well-known/openid-credential-issuer/vci")
    def metadata() -> dict[str, Any]:
        badge = {
            "format": "ldp_vc",
            "cryptographic_binding_methods_supported": ["did:key"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
        }
        extra = {"nonce_endpoint": f"{OTHER}/nonce"} if nonces else {}
        return {
            **extra,
            "credential_issuer": OTHER,
            "authorization_servers": [OTHER_AS],
            "credential_endpoint": f"{OTHER}/credential",
            "credential_configurations_supported": {"mdl": {"format": "mso_mdoc"}, "badge": badge},
        }

    @app.get("/.well-known/openid-configuration")
    def as_metadata() -> dict[str, Any]:
        return {"issuer": OTHER_AS, "token_endpoint": f"{OTHER_AS}/token"}

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        code = form.get("pre-authorized_code", [""])[0]
        if form.get("grant_type") != [PRE_AUTH] or code not in codes:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        codes.discard(code)
        details = [
            {
                "type": "openid_credential",
                "credential_configuration_id": "badge",
                "credential_identifiers": ["badge-7"],
            }
        ]
        body = {"access_token": "t-1", "token_type": "Bearer", "authorization_details": details}
        return JSONResponse(body)

    @app.post("/vci/credential")
    async def credential(request: Request) -> Response:
        body = await request.json()
        if request.headers.get("authorization") != "Bearer t-1":
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        if body.get("credential_identifier") != "badge-7" or "credential_configuration_id" in body:
            return JSONResponse({"error": "invalid_credential_request"}, status_code=400)
        proof = oid4vci.verify_key_proof(
            body["proofs"]["jwt"][0], audience=OTHER, now=FROZEN, require_nonce=nonces
        )
        if nonces and proof.nonce != "nonce-1":  # the first nonce is "forgotten"
            return JSONResponse({"error": "invalid_nonce"}, status_code=400)
        unsigned = json.loads((INTEROP / "ob3-spec-example-unsigned.json").read_text())
        unsigned["issuer"]["id"] = did
        unsigned["credentialSubject"]["id"] = subject or proof.holder
        signed = data_integrity.sign(
            unsigned if issues is None else {**issues, "issuer": did},
            key,
            verification_method=f"{did}#{did.removeprefix('did:key:')}",
            cryptosuite="eddsa-rdfc-2022",
            created=FROZEN,
        )
        return JSONResponse({"credentials": [{"credential": signed}]})

    return app


def other_offer() -> str:
    offer = {
        "credential_issuer": OTHER,
        "credential_configuration_ids": ["mdl", "badge"],
        "grants": {PRE_AUTH: {"pre-authorized_code": "code-1"}},
    }
    return oid4vci.offer_uri(offer=offer)


@pytest.mark.parametrize("nonces", [False, True], ids=["no-nonce-endpoint", "invalid-nonce-once"])
def test_an_offer_from_another_issuer_that_reads_the_spec_differently_is_received(
    wallet_app: WalletFactory, nonces: bool
) -> None:
    issuer = other_issuer(nonces=nonces)
    app = wallet_app(apps={"other.test": issuer, "auth.other.test": issuer})
    client = sign_up(browser(app), ALICE)
    credential_id = done_id(post_offer(client, other_offer()))
    [record] = held(app, ALICE)
    assert record.id == credential_id and record.verdict == "verified", record.report
    assert isinstance(record.document, dict)
    assert record.document["credentialSubject"]["id"] == did_of(app, ALICE)


def test_an_offer_that_issues_to_another_person_is_refused_and_recorded_as_failed(
    wallet_app: WalletFactory,
) -> None:
    stranger = did_key(KeyPair.generate("Ed25519").public)
    issuer = other_issuer(subject=stranger)
    app = wallet_app(apps={"other.test": issuer, "auth.other.test": issuer})
    client = sign_up(browser(app), ALICE)
    response = post_offer(client, other_offer())
    assert response.status_code == 422 and says(response, "about someone else")
    assert held(app, ALICE) == []
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [offer] = store.list_offers(tx, account_id)
    assert offer.state == "failed" and offer.error is not None
    assert "about someone else" in offer.error


def test_an_offer_kept_for_later_waits_named_and_is_taken_with_one_click(
    wallet: FastAPI, issuer_service: FastAPI, alice: TestClient
) -> None:
    """``POST /api/receive/offers`` keeps the offer (nothing spent at the issuer); it is
    listed by name and issuer until the learner takes it from its page."""
    made = make_offer(issuer_service)
    kept = alice.post("/api/receive/offers", json={"offer": made["offer_uri"]})
    assert kept.status_code == 201, kept.text
    body = kept.json()
    assert body["state"] == "pending" and body["name"] == "Fundamentals of Nursing I"
    assert body["issuer_name"] == "Riverside Community College"
    assert held(wallet, ALICE) == []
    again = alice.post("/api/receive/offers", json={"offer": made["offer_uri"]})
    assert again.json()["id"] == body["id"]  # the same offer, kept once
    resume_due(wallet.state.inst)  # the background job leaves a kept offer to the learner
    assert held(wallet, ALICE) == []
    waiting = alice.get("/receive").text
    assert f'href="/receive/offers/{body["id"]}"' in waiting
    taken = alice.post(
        f"/receive/offers/{body['id']}", data={"csrf": csrf(alice)}, follow_redirects=False
    )
    [record] = held(wallet, ALICE)
    assert done_id(taken) == record.id and record.verdict == "verified"
    assert f'href="/receive/offers/{body["id"]}"' not in alice.get("/receive").text
