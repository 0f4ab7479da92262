"""The page a learner lands on once a credential arrived (``/receive/done/{id}``) speaks in
names and human dates: the issuer by its name, when it was issued and received as dates a
person reads; the issuer's DID, the named checks and the machine timestamps only inside a
"technical details" fold (issue 16)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.receiving.test_receive import (  # noqa: F401  (fixtures)
    alice,
    done_id,
    make_offer,
    post_offer,
    wallet,
)
from tests.wallet.web.pages.test_human_dates import ISO_MOMENT, shown

TECHNICAL = re.compile(r'<details class="technical">.*?</details>', re.S)


def test_the_received_page_names_the_issuer_and_folds_the_raw_values(
    wallet: FastAPI,  # noqa: F811
    issuer_service: FastAPI,
    alice: TestClient,  # noqa: F811
) -> None:
    credential_id = done_id(post_offer(alice, make_offer(issuer_service)["offer_uri"]))
    page = alice.get(f"/receive/done/{credential_id}").text
    text = shown(page)
    assert "Riverside Community College" in text
    assert "did:" not in text, text
    assert ISO_MOMENT.search(text) is None, text
    folds = " ".join(TECHNICAL.findall(page))
    assert "did:web:issuer.test" in folds  # the issuer's identifier, for who needs it
    assert "proof" in folds  # the named checks, each with its detail, stay available
