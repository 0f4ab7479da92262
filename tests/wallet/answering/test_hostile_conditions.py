"""A verifier's ``ler_requirements`` is whatever the verifier (or a pasted link) says: a value
nested too deeply to parse, or any other malformed one, says nothing, and the learner's
request page still opens (it was a 500: the JSON text was parsed without a depth bound)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.wallet.conftest import ALICE, WalletFactory, browser, sign_up
from tests.wallet.sharing.test_present import _by_value, open_request
from wallet.answering.query_words import conditions

DEEP = "[" * 1000 + "]" * 1000  # 2,000 characters: within the length the wallet reads


@pytest.mark.parametrize(
    "value",
    [DEEP, '{"issuedWithinYears": ' + DEEP + "}", '{"a": 1, "a": 2}', '{"n": 1e999}', "\ud800"],
)
def test_a_hostile_conditions_value_says_nothing(value: str) -> None:
    assert conditions(value) == ()


def test_the_request_page_opens_whatever_the_conditions_parameter_holds(
    wallet_app: WalletFactory,
) -> None:
    client = sign_up(browser(wallet_app()), ALICE)
    opened = open_request(client, _by_value(ler_requirements=DEEP, nonce="deep", state="deep"))
    assert opened.status_code == 303, opened.text
    lenient = TestClient(client.app, base_url=str(client.base_url), raise_server_exceptions=False)
    lenient.cookies.update(dict(client.cookies.items()))
    page = lenient.get(opened.headers["location"])
    assert page.status_code == 200, page.text[:300]
    assert "Their conditions" not in page.text
