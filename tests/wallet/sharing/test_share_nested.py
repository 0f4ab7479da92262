"""Answering an OpenID4VP request with one credential of a CLR, without keeping it first: the
wallet offers the CLR's nested credentials as DCQL candidates; the presentation carries that
credential alone, as its issuer signed it, and it verifies on its own. The CLR and its courses
come from the real issuer app; the verifier is the spec-written one of test_present."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, Clock, WalletFactory, account_id_of, csrf
from tests.wallet.held import issuer_client
from tests.wallet.sharing.test_present import (
    CLIENT_ID,
    OB_TYPE,
    VC_TYPE,
    SpecVerifier,
    hidden,
    open_request,
    request_claims,
)
from tests.wallet.web.pages.test_transcript_page import hold_clr
from vckit.did.resolver import DidResolver
from vckit.verification import VerifyOptions, verify
from wallet import store

COURSE = "Fundamentals of Nursing II"
DCQL = {
    "credentials": [
        {
            "id": "course",
            "format": "ldp_vc",
            "meta": {"type_values": [[VC_TYPE, OB_TYPE]]},
            "claims": [{"path": ["credentialSubject", "achievement", "name"], "values": [COURSE]}],
        }
    ]
}


def options(client: TestClient, clock: Clock, **more: Any) -> VerifyOptions:
    def fetch(url: str) -> bytes:
        response = client.get("/" + url.split("://", 1)[1].partition("/")[2])
        if response.status_code != 200:
            raise OSError(f"GET {url}: {response.status_code}")
        return response.content

    return VerifyOptions(resolver=DidResolver(fetch), fetch_status_list=fetch, now=clock(), **more)


def nested_of(app: FastAPI, clr_id: str) -> list[dict[str, Any]]:
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        clr = store.get_credential(tx, account_id, clr_id)
    assert clr is not None and isinstance(clr.document, dict)
    held: list[dict[str, Any]] = clr.document["credentialSubject"]["verifiableCredential"]
    return held


def test_one_course_of_a_clr_answers_a_request_alone(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock
) -> None:
    verifier = SpecVerifier()
    app = wallet_app(None, apps={"verifier.test": verifier.app()})
    alice, clr_id = hold_clr(app, issuer_service, clock, revoke_second=False)
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        assert len(store.list_credentials(tx, account_id)) == 1  # the CLR only
    link = verifier.publish("r1", request_claims("n-nested-1", dcql_query=DCQL))

    opened = open_request(alice, link)
    assert opened.status_code == 303, opened.text
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    page = html.unescape(alice.get(f"/requests/{request_id}").text)
    offered = re.findall(r'name="q:course" value="([^"]+)"', page)
    assert offered == [f"{clr_id}.1"], page  # the CLR's second credential; not the CLR
    assert f"{COURSE} (in your record " in page
    assert "Your wallet cannot satisfy this request" not in page

    preview = alice.post(
        f"/requests/{request_id}/prepare", data={"csrf": csrf(alice), "q:course": offered[0]}
    )
    assert preview.status_code == 200, preview.text
    sent = alice.post(
        f"/requests/{request_id}/send",
        data={"csrf": csrf(alice), "p:course": hidden(preview.text, "p:course")},
    )
    assert sent.status_code == 200, sent.text
    [received] = verifier.received
    [vp] = json.loads(received["vp_token"])["course"]
    [credential] = vp["verifiableCredential"]
    first, second = nested_of(app, clr_id)
    assert credential == second  # that credential alone, as its issuer signed it
    assert "ClrCredential" not in json.dumps(vp) and first["id"] not in json.dumps(vp)

    issuer = issuer_client(issuer_service)
    report = verify(vp, options(issuer, clock, challenge="n-nested-1", domain=CLIENT_ID))
    assert report.verdict == "pass", report.to_json()
    log = html.unescape(alice.get("/shared").text)
    assert f'<a href="/credentials/{clr_id}">{COURSE} (in your record ' in log


def test_a_nested_id_of_another_learner_or_out_of_range_is_not_found(
    wallet_app: WalletFactory, issuer_service: FastAPI, clock: Clock
) -> None:
    verifier = SpecVerifier()
    app = wallet_app(None, apps={"verifier.test": verifier.app()})
    alice, clr_id = hold_clr(app, issuer_service, clock, revoke_second=False)
    link = verifier.publish("r2", request_claims("n-nested-2", dcql_query=DCQL))
    request_id = open_request(alice, link).headers["location"].rsplit("/", 1)[1]
    for wrong in (f"{clr_id}.7", f"{clr_id}.x", f"{'0' * 32}.1", f"{clr_id}.0"):
        answer = alice.post(
            f"/requests/{request_id}/prepare", data={"csrf": csrf(alice), "q:course": wrong}
        )
        assert answer.status_code in (404, 422), (wrong, answer.status_code)
    assert verifier.received == []
