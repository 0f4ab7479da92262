"""The wallet's store: every read and write is scoped by account, duplicates are refused,
documents come back as stored; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from servicekit.db import ConflictError
from tests.wallet.conftest import ALICE, BOB, WalletFactory, account_id_of, browser, sign_up
from wallet import store

NOW = "2026-03-02T09:30:00+00:00"
CREDENTIAL = {"id": "urn:uuid:1", "type": ["VerifiableCredential"], "name": "Nursing 1"}


@pytest.fixture
def two(wallet_app: WalletFactory, database_url: str) -> tuple[FastAPI, str, str]:
    app = wallet_app(database_url)
    sign_up(browser(app), ALICE)
    sign_up(browser(app), BOB)
    return app, account_id_of(app, ALICE), account_id_of(app, BOB)


def test_another_learners_records_are_not_found(two: tuple[FastAPI, str, str]) -> None:
    app, alice, bob = two
    with app.state.inst.db.transaction() as tx:
        credential = store.add_credential(
            tx, alice, CREDENTIAL, format="ldp_vc", source="upload", received_at=NOW
        )
        vp = store.add_presentation(tx, alice, {"id": "urn:vp"}, created=NOW)
        link = store.add_share_link(
            tx, alice, "token-1", presentation_id=vp.id, expires_at=NOW, created=NOW
        )
        offer = store.add_offer(tx, alice, {"x": 1}, state="pending", created=NOW)
        request = store.add_request(
            tx, alice, kind="openid4vp", request={}, nonce="n", state="pending", created=NOW
        )
    with app.state.inst.db.transaction() as tx:
        assert store.get_credential(tx, bob, credential.id) is None
        assert store.list_credentials(tx, bob) == []
        assert not store.update_check(
            tx, bob, credential.id, report={}, verdict="failed", checked_at=NOW
        )
        assert not store.delete_credential(tx, bob, credential.id)
        assert store.get_presentation(tx, bob, vp.id) is None
        assert not store.delete_presentation(tx, bob, vp.id)
        assert store.get_share_link(tx, bob, link.id) is None
        assert not store.withdraw_share_link(tx, bob, link.id, NOW)
        assert store.get_offer(tx, bob, offer.id) is None
        assert not store.advance_offer(tx, bob, offer.id, expect="pending", state="x", updated=NOW)
        assert store.get_request(tx, bob, request.id) is None
        assert not store.update_request(tx, bob, request.id, state="answered")
        # and all of it is still Alice's, unchanged
        kept = store.get_credential(tx, alice, credential.id)
        assert kept is not None and kept.document == CREDENTIAL and kept.verdict is None
        assert store.get_presentation(tx, alice, vp.id) is not None


def test_the_same_credential_is_kept_once_per_learner(two: tuple[FastAPI, str, str]) -> None:
    app, alice, bob = two
    db = app.state.inst.db
    with db.transaction() as tx:
        store.add_credential(tx, alice, CREDENTIAL, format="ldp_vc", source="a", received_at=NOW)
    reordered = dict(reversed(list(CREDENTIAL.items())))  # same content, other key order
    assert store.credential_hash(reordered) == store.credential_hash(CREDENTIAL)
    with pytest.raises(ConflictError), db.transaction() as tx:
        store.add_credential(tx, alice, reordered, format="ldp_vc", source="b", received_at=NOW)
    with db.transaction() as tx:
        found = store.find_credential_by_hash(tx, alice, store.credential_hash(CREDENTIAL))
        assert found is not None and found.source == "a"
        # another learner may hold the same credential
        store.add_credential(tx, bob, CREDENTIAL, format="ldp_vc", source="a", received_at=NOW)
        assert len(store.list_credentials(tx, alice)) == 1


def test_a_jwt_comes_back_as_sent(two: tuple[FastAPI, str, str]) -> None:
    app, alice, _ = two
    jwt = "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln"
    with app.state.inst.db.transaction() as tx:
        record = store.add_credential(
            tx, alice, f"  {jwt}\n", format="jwt_vc_json", source="paste", received_at=NOW
        )
        assert store.get_credential(tx, alice, record.id).document == jwt  # type: ignore[union-attr]


def test_share_links_store_only_the_tokens_hash(two: tuple[FastAPI, str, str]) -> None:
    app, alice, _ = two
    with app.state.inst.db.transaction() as tx:
        vp = store.add_presentation(tx, alice, {"id": "urn:vp"}, created=NOW)
        store.add_share_link(
            tx, alice, "the-secret", presentation_id=vp.id, expires_at=NOW, created=NOW
        )
        assert tx.one("SELECT * FROM share_links WHERE id = ?", ("the-secret",)) is None
        opened = store.open_share_link(tx, "the-secret")
        assert opened is not None and opened[1].id == vp.id
        assert store.open_share_link(tx, "another-secret") is None


def test_unknown_pages_are_error_pages(app: FastAPI) -> None:
    response = TestClient(app, base_url="https://wallet.test").get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text
