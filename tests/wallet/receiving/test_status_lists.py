"""A status list is not one of the learner's credentials (issue 13, finding 6): a
``BitstringStatusListCredential`` or ``StatusList2021Credential`` verifies -- it is signed by
its issuer -- but it is about the issuer's other credentials, so the wallet refuses it on
import (API, upload, paste) and on an OpenID4VCI receive, with a clear 422, and stores nothing.

The lists are built with vckit's own status list code and signed by a did:key issuer, so they
would verify offline (on the code before this rule, the wallet kept them as "verified").
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.scenarios import ISSUED, ISSUER, did_of, vm_of
from tests.wallet.conftest import ALICE, WalletFactory, account_id_of, browser, sign_up
from tests.wallet.receiving.test_receive import (
    held,
    other_issuer,
    other_offer,
    paste,
    post_offer,
    says,
    upload,
)
from vckit import sign, status
from vckit.status.status_list import status_list_credential
from wallet import store

REFUSAL = "this is a status list, not a credential about you"
LIST_URL = "https://college.example/status/3"


def unsigned_list(flavor: str = "bitstring") -> dict[str, Any]:
    bits = status.StatusList.new()
    bits.set(41, True)
    return status_list_credential(
        LIST_URL,
        did_of(ISSUER),
        bits,
        valid_from=ISSUED,
        flavor="statuslist2021" if flavor == "statuslist2021" else "bitstring",
    )


def signed_list(flavor: str) -> dict[str, Any] | str:
    """A signed status list credential: Data Integrity (both flavours) or a VC-JWT."""
    fmt = "vc-jwt" if flavor == "bitstring-jwt" else "eddsa-rdfc-2022"
    return sign(unsigned_list(flavor), ISSUER, verification_method=vm_of(ISSUER), format=fmt)


def as_bytes(document: dict[str, Any] | str) -> tuple[bytes, str]:
    if isinstance(document, str):
        return document.encode(), "application/jwt"
    return json.dumps(document).encode(), "application/json"


@pytest.fixture
def alice_app(wallet_app: WalletFactory) -> tuple[FastAPI, TestClient]:
    app = wallet_app()
    return app, sign_up(browser(app), ALICE)


FLAVORS = ["bitstring", "statuslist2021", "bitstring-jwt"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_importing_a_status_list_is_refused_and_nothing_is_stored(
    alice_app: tuple[FastAPI, TestClient], flavor: str
) -> None:
    app, alice = alice_app
    content, media = as_bytes(signed_list(flavor))
    api = alice.post("/api/receive/credential", content=content, headers={"Content-Type": media})
    assert api.status_code == 422, api.text[:500]
    assert api.headers["content-type"].startswith("application/problem+json")
    assert REFUSAL in api.json()["detail"]
    for page in (upload(alice, content), paste(alice, content.decode())):
        assert page.status_code == 422, page.text[:500]
        assert says(page, REFUSAL)
    assert held(app, ALICE) == []


def test_a_status_list_sent_over_openid4vci_is_refused_and_the_offer_fails(
    wallet_app: WalletFactory,
) -> None:
    issuer = other_issuer(issues=unsigned_list())
    app = wallet_app(apps={"other.test": issuer, "auth.other.test": issuer})
    client = sign_up(browser(app), ALICE)
    response = post_offer(client, other_offer())
    assert response.status_code == 422 and says(response, REFUSAL)
    assert held(app, ALICE) == []
    account_id = account_id_of(app, ALICE)
    with app.state.inst.db.transaction() as tx:
        [offer] = store.list_offers(tx, account_id)
    assert offer.state == "failed" and REFUSAL in (offer.error or "")
