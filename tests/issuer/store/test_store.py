"""Storage and issuance use cases, once on SQLite and once on a real PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.issuing.issuance import IssueRequest, issue_credential
from issuer.migrations import MIGRATIONS, current_version, migrate
from issuer.organisations import catalogue, identity
from issuer.settings import EXAMPLES
from issuer.status import lists as status
from servicekit.db import ConflictError, Database, DatabaseError
from servicekit.sealing import Kek, KeyRing
from tests.issuer.conftest import FROZEN
from vckit import ob as openbadges
from vckit.keys.keypair import KeyKind, KeyPair


@pytest.fixture
def inst(database_url: str, key_pool: dict[KeyKind, list[KeyPair]]) -> Installation:
    db = Database.connect(database_url, keyring=KeyRing(Kek.generate()))
    migrate(db)
    installation = Installation(
        db, "http://issuer.test", clock=lambda: FROZEN, new_key=lambda kind: key_pool[kind][0]
    )
    catalogue.load_demo(installation, EXAMPLES / "issuers.json")
    yield installation
    db.close()


def count(inst: Installation, table: str) -> int:
    with inst.db.transaction() as tx:
        row = tx.one(f"SELECT COUNT(*) AS n FROM {table}")
    return int(row["n"]) if row else -1


def test_migrations_are_recorded_and_idempotent(inst: Installation) -> None:
    assert current_version(inst.db) == MIGRATIONS[-1][0]
    assert migrate(inst.db) == []


def test_the_demo_has_four_issuers_each_with_its_own_did_and_keys(inst: Installation) -> None:
    issuers = catalogue.list_issuers(inst)
    assert sorted(i.slug for i in issuers) == [
        "community-college",
        "employer",
        "food-safety",
        "nursing-board",
    ]
    assert len({i.did for i in issuers}) == 4
    assert catalogue.get_issuer(inst, "community-college").did == (
        "did:web:issuer.test:issuers:community-college"
    )
    with inst.db.transaction() as tx:
        kinds = sorted(k.kind for k in store.keys_of(tx, "food-safety"))
    assert kinds == ["Ed25519", "P-256", "P-384", "RSA"]
    assert catalogue.load_demo(inst, EXAMPLES / "issuers.json") == 0  # loaded once only


def test_issue_stores_the_credential_and_its_status_entry(inst: Installation) -> None:
    record = issue_credential(
        inst, IssueRequest("food-safety", "food-handler", recipient_email="Ana@Example.org")
    )
    assert record.id.startswith("urn:uuid:")
    assert isinstance(record.document, dict)
    openbadges.ensure_valid(record.document)
    subject = record.document["credentialSubject"]
    assert openbadges.recipient_matches(subject, "ana@example.org")
    assert "ana@example.org" not in str(record.document).lower()  # hashed and salted
    with inst.db.transaction() as tx:
        assert store.get_credential(tx, record.id) == record
        [entry] = store.status_entries_of(tx, record.id)
    assert entry.purpose == "revocation" and not entry.is_set
    assert record.document["credentialStatus"]["statusListIndex"] == str(entry.idx)


def test_status_indexes_are_unique_and_not_sequential(inst: Installation) -> None:
    records = [
        issue_credential(
            inst,
            IssueRequest(
                "employer", "medication-round-on-the-job", recipient_did=f"did:example:{n}"
            ),
        )
        for n in range(6)
    ]
    indexes = [int(r.document["credentialStatus"]["statusListIndex"]) for r in records]
    assert len(set(indexes)) == 6
    assert indexes != sorted(indexes) or indexes[1] - indexes[0] != 1


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        pytest.param(
            IssueRequest("nobody", "food-handler", recipient_did="did:example:1"),
            NotFoundError,
            id="unknown-issuer",
        ),
        pytest.param(
            IssueRequest("food-safety", "pastry-chef", recipient_did="did:example:1"),
            InvalidRequestError,
            id="unknown-achievement",
        ),
        pytest.param(
            IssueRequest("food-safety", "food-handler"), InvalidRequestError, id="no-recipient"
        ),
        pytest.param(
            IssueRequest("food-safety", "food-handler", recipient_did="not-a-did"),
            InvalidRequestError,
            id="bad-did",
        ),
        pytest.param(
            IssueRequest("food-safety", "food-handler", recipient_email="nope"),
            InvalidRequestError,
            id="bad-email",
        ),
        pytest.param(
            IssueRequest(
                "food-safety", "food-handler", recipient_did="did:example:1", format="rsa-2017"
            ),
            InvalidRequestError,
            id="bad-format",
        ),
        pytest.param(
            IssueRequest(
                "food-safety", "food-handler", recipient_email="a@b.example", format="ob3-jwt"
            ),
            InvalidRequestError,
            id="ob3-jwt-email",
        ),
        pytest.param(
            IssueRequest(
                "food-safety",
                "food-handler",
                recipient_did="did:example:1",
                valid_until=FROZEN - timedelta(days=1),
            ),
            InvalidRequestError,
            id="valid-until-past",
        ),
    ],
)
def test_bad_requests_write_nothing(
    inst: Installation, request_: IssueRequest, error: type[Exception]
) -> None:
    before = {t: count(inst, t) for t in ("credentials", "status_entries", "status_lists")}
    with pytest.raises(error):
        issue_credential(inst, request_)
    assert {t: count(inst, t) for t in before} == before


def test_a_failure_after_allocation_rolls_everything_back(inst: Installation) -> None:
    """A credential whose achievement breaks the schema is refused before it is stored,
    and the status list created for it disappears with the transaction."""
    with inst.db.transaction() as tx:  # an achievement corrupted behind the catalogue's back
        tx.execute(
            "UPDATE achievements SET achievement_json = ? WHERE slug = ?",
            ('{"id": "x", "type": ["Achievement"], "name": "No criteria"}', "food-handler"),
        )
    with pytest.raises(InvalidRequestError, match="schema"):
        issue_credential(
            inst, IssueRequest("food-safety", "food-handler", recipient_did="did:example:1")
        )
    assert count(inst, "credentials") == 0
    assert count(inst, "status_lists") == 0


def test_duplicate_keys_are_conflicts_and_roll_back(inst: Installation) -> None:
    with pytest.raises(ConflictError), inst.db.transaction() as tx:
        store.add_batch(
            tx,
            store.BatchRecord(
                "b1", "employer", "x", "eddsa-rdfc-2022", 1, 0, "pending", None, "now"
            ),
        )
    assert count(inst, "batches") == 0  # the foreign key on achievement refused it
    achievement = "http://issuer.test/issuers/employer/achievements/medication-round-on-the-job"
    with inst.db.transaction() as tx:
        store.add_batch(
            tx,
            store.BatchRecord(
                "b1", "employer", achievement, "eddsa-rdfc-2022", 2, 0, "pending", None, "now"
            ),
        )
        store.add_batch_row(tx, "b1", 1, {"did": "did:example:1"})
    with pytest.raises(ConflictError), inst.db.transaction() as tx:
        store.add_batch_row(tx, "b1", 2, {"did": "did:example:2"})
        store.add_batch_row(tx, "b1", 1, {"did": "did:example:1"})  # the same row again
    with inst.db.transaction() as tx:
        assert store.pending_batch_rows(tx, "b1") == [(1, {"did": "did:example:1"})]


def test_a_batch_row_is_marked_issued_once_with_its_credential(inst: Installation) -> None:
    achievement = "http://issuer.test/issuers/employer/achievements/medication-round-on-the-job"
    with inst.db.transaction() as tx:
        store.add_batch(
            tx,
            store.BatchRecord(
                "b2", "employer", achievement, "eddsa-rdfc-2022", 1, 0, "running", None, "now"
            ),
        )
        store.add_batch_row(tx, "b2", 1, {"did": "did:example:1"})
    with inst.db.transaction() as tx:
        record = issue_credential(
            inst, IssueRequest("employer", achievement, recipient_did="did:example:1"), tx=tx
        )
        assert store.mark_batch_row_issued(tx, "b2", 1, record.id)
        assert not store.mark_batch_row_issued(tx, "b2", 1, record.id)
        store.count_batch_done(tx, "b2", 1)
    with inst.db.transaction() as tx:
        batch = store.get_batch(tx, "b2")
        assert batch is not None and batch.done == 1
        assert store.pending_batch_rows(tx, "b2") == []


def test_offers_round_trip(inst: Installation) -> None:
    offer = store.OfferRecord(
        "code-1",
        "food-safety",
        None,
        0,
        {"achievement": "food-handler"},
        None,
        None,
        "now",
        "later",
        None,
        None,
    )
    with inst.db.transaction() as tx:
        store.add_offer(tx, offer)
        assert store.update_offer(tx, "code-1", access_token_hash="h", c_nonce="n") == 1
        found = store.get_offer_by_access_token(tx, "h")
    assert found is not None and found.c_nonce == "n" and found.request == offer.request
    with pytest.raises(KeyError), inst.db.transaction() as tx:
        store.update_offer(tx, "code-1", issuer="someone-else")


def test_a_c_nonce_can_be_spent_by_one_offer_only(inst: Installation) -> None:
    """The unique index closes the race two concurrent redemptions would have on PostgreSQL."""
    for code in ("code-a", "code-b"):
        offer = store.OfferRecord(
            code,
            "food-safety",
            None,
            0,
            {"achievement": "food-handler"},
            None,
            None,
            "now",
            "later",
            None,
            None,
        )
        with inst.db.transaction() as tx:
            store.add_offer(tx, offer)
    with inst.db.transaction() as tx:
        store.update_offer(tx, "code-a", c_nonce="nonce-1")
    with pytest.raises(ConflictError), inst.db.transaction() as tx:
        store.update_offer(tx, "code-b", c_nonce="nonce-1")


def test_revoke_sets_the_bit_and_re_signs_the_list(inst: Installation) -> None:
    record = issue_credential(
        inst,
        IssueRequest(
            "community-college", "fundamentals-of-nursing-1", recipient_did="did:example:learner"
        ),
    )
    entry = record.document["credentialStatus"]
    before = status.list_credential(inst, entry["statusListCredential"])
    assert status.set_status(inst, record.id, "revocation", True) is True
    assert status.set_status(inst, record.id, "revocation", True) is False  # no change
    after = status.list_credential(inst, entry["statusListCredential"])
    assert after["credentialSubject"]["encodedList"] != before["credentialSubject"]["encodedList"]
    assert after["proof"]["proofValue"] != before["proof"]["proofValue"]
    assert status.status_of(inst, record.id) == {"revocation": True}
    with pytest.raises(InvalidRequestError):
        status.set_status(inst, record.id, "revocation", False)


def test_an_open_badge_with_suspension_has_one_entry_and_revocation_is_final(
    inst: Installation,
) -> None:
    record = issue_credential(
        inst,
        IssueRequest(
            "nursing-board",
            "licensed-practical-nurse",
            recipient_did="did:example:nurse",
            suspension=True,
        ),
    )
    assert record.document["credentialStatus"]["statusPurpose"] == "suspension"
    assert status.set_status(inst, record.id, "suspension", True)
    assert status.set_status(inst, record.id, "suspension", False)
    assert status.set_status(inst, record.id, "revocation", True)
    assert status.status_of(inst, record.id) == {"suspension": True}
    with pytest.raises(InvalidRequestError, match="revoked"):
        status.set_status(inst, record.id, "suspension", False)


def test_rotation_retires_old_keys_but_keeps_them_for_assertion(inst: Installation) -> None:
    new = identity.rotate_keys(inst, "community-college")
    assert [k.rpartition("#")[2] for k in new] == ["ed25519-2", "p256-2", "p384-2", "rsa-2"]
    document = identity.issuer_did_document(inst, "community-college")
    old = "did:web:issuer.test:issuers:community-college#ed25519-1"
    assert old in document["assertionMethod"] and old not in document["authentication"]
    assert new[0] in document["authentication"]
    with inst.db.transaction() as tx:
        _, method = identity.signing_key(tx, inst, "community-college", "Ed25519")
    assert method == new[0]
    with pytest.raises(NotFoundError):
        identity.rotate_keys(inst, "nobody")


def test_unusable_database_urls(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError):
        Database.connect("mysql://localhost/x")
    with pytest.raises(DatabaseError):
        Database.connect("sqlite:///:memory:")


def test_concurrent_issuers_get_distinct_status_indexes(inst: Installation) -> None:
    """Four threads issue at once (each with its own connection); the first ones race to
    create the status list. Every credential is stored, every index taken once."""

    def one(n: int) -> str:
        record = issue_credential(
            inst, IssueRequest("food-safety", "food-handler", recipient_did=f"did:example:{n}")
        )
        return str(record.document["credentialStatus"]["statusListIndex"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        indexes = list(pool.map(one, range(24)))
    assert len(set(indexes)) == 24
    assert count(inst, "credentials") == 24 == count(inst, "status_entries")
    assert count(inst, "status_lists") == 1
