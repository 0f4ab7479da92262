"""A batch signed in the signing pool (``issuer.batches.signing``, ``LER_ISSUER_BATCH_WORKERS``):
the credentials verify and are exactly what the issuing process signs itself (eddsa-rdfc-2022
is deterministic for the same credential, key and ``created``), and a credential a worker
cannot sign fails the batch with its row named, instead of hanging it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from issuer import store
from issuer.batches import batch, signing
from issuer.issuing import issuance, securing
from issuer.organisations import catalogue
from servicekit.process_pool import ProcessPool
from tests.issuer.batches.test_batch import ACHIEVEMENT, SLUG, learners
from tests.issuer.conftest import AppFactory, authorized, verify_options
from vckit import verification as verify

ROWS = 12
FORMAT = "eddsa-rdfc-2022"


def _started(size: int) -> ProcessPool:
    """The pool of ``size``, its workers ready (while they start, groups are made in-process)."""
    pool = signing.pool_of(size)
    assert pool is not None
    pool.start()
    return pool


def test_the_pool_signs_exactly_what_the_process_would(issuer_app: AppFactory) -> None:
    app = issuer_app(batch_workers=2)
    inst = app.state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(ROWS))
    final = batch.run_batch(inst, record.id)
    assert final is not None and (final.state, final.done) == ("done", ROWS)
    pool = signing.pool_of(2)
    assert pool is not None and len(pool.pids()) == 2  # the workers signed: they run

    with inst.db.transaction() as tx:
        issued = store.list_credentials(tx, SLUG, limit=100)
        issuer = store.get_issuer(tx, SLUG)
        found = store.get_achievement(tx, SLUG, ACHIEVEMENT)
        assert issuer is not None and found is not None
        signing_key = securing.signing_for(tx, inst, issuer, {"issuer": issuer.did}, FORMAT)
    assert len(issued) == ROWS
    for item in issued:
        assert isinstance(item.document, dict)
        unsigned = {k: v for k, v in item.document.items() if k != "proof"}
        created = datetime.fromisoformat(item.document["proof"]["created"])
        here = securing.sign_with(
            json.loads(json.dumps(unsigned)),
            FORMAT,
            issuer,
            *signing_key,
            created=created,
            policy=catalogue.disclosable_of(found),
        )
        assert json.dumps(here, sort_keys=True) == json.dumps(item.document, sort_keys=True)

    client = authorized(app)
    for item in issued[:3]:
        report = verify.verify(item.document, verify_options(client))
        assert report.verdict == "pass", report


def test_the_workers_build_and_sign_the_issuing_process_only_stores(
    issuer_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pool, the issuing process neither builds, signs nor serializes a credential (the
    work that kept the workers waiting): it takes the status positions and commits."""
    inst = issuer_app(batch_workers=2).state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(ROWS))
    _started(2)

    def not_here(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the issuing process did a worker's work")

    for name in ("build_credential", "compose_with", "compose"):
        monkeypatch.setattr(issuance, name, not_here)  # the workers have their own modules
    monkeypatch.setattr(securing, "sign_with", not_here)
    monkeypatch.setattr(securing, "check", not_here)
    final = batch.run_batch(inst, record.id)
    assert final is not None and (final.state, final.done) == ("done", ROWS)
    with inst.db.transaction() as tx:
        issued = store.list_credentials(tx, SLUG, limit=100)
    assert len(issued) == ROWS
    assert all(isinstance(item.document, dict) and "proof" in item.document for item in issued)


def test_a_credential_the_pool_cannot_sign_fails_its_row_not_the_job(
    issuer_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    inst = issuer_app(batch_workers=2).state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(3))
    _started(2)
    with inst.db.transaction() as tx:  # the achievement spoilt after the check: no criteria
        found = store.get_achievement(tx, SLUG, ACHIEVEMENT)
        assert found is not None
        spoilt = {k: v for k, v in found.achievement.items() if k != "criteria"}
        tx.execute(
            "UPDATE achievements SET achievement_json = ? WHERE id = ?",
            (json.dumps(spoilt), found.id),
        )
    final = batch.run_batch(inst, record.id)
    assert final is not None and (final.state, final.done) == ("failed", 0)
    error = batch.status_json(final)["errors"][0]
    assert error.startswith("row 2: the credential fails the OB 3.0 schema"), error
    assert "criteria" in error
    said = [r.getMessage() for r in caplog.records if "signing pool failed" in r.getMessage()]
    assert said and "row 2: InvalidRequestError: the credential fails" in said[0]


def test_the_workers_start_before_the_groups_write_transaction(
    issuer_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting the workers takes a second or more; inside the group's write transaction a
    writer on SQLite would wait that long behind it."""
    size = 3  # a pool of its own: no earlier test has started it
    inst = issuer_app(batch_workers=size).state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(2))
    running_at_open: list[int] = []
    opened = inst.db.transaction

    def transaction(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("background"):
            pool = signing.pool_of(size)
            running_at_open.append(len(pool.pids()) if pool is not None else -1)
        return opened(*args, **kwargs)

    monkeypatch.setattr(inst.db, "transaction", transaction)
    final = batch.run_batch(inst, record.id)
    assert final is not None and (final.state, final.done) == ("done", 2)
    # the job's first read runs before any pool; every group's transaction opens with it running
    assert running_at_open[0] == 0 and running_at_open[1] == size, running_at_open


def _each_credential_has_the_entry_recorded_for_it(inst: Any, count: int) -> None:
    """Every credential carries the status position recorded for it, and no two share one."""
    with inst.db.transaction() as tx:
        issued = store.list_credentials(tx, SLUG, limit=100)
        rows = tx.all("SELECT list_id, idx, credential_id FROM status_entries")
    recorded = {row["credential_id"]: (row["list_id"], int(row["idx"])) for row in rows}
    assert len(issued) == count and len(recorded) == count
    assert len(set(recorded.values())) == count
    for item in issued:
        assert isinstance(item.document, dict)
        entry = item.document["credentialStatus"]
        carried = (entry["statusListCredential"], int(entry["statusListIndex"]))
        assert carried == recorded[item.id], item.id


def test_the_next_group_is_made_while_this_one_commits(
    issuer_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each group after the first was given to the workers before its transaction opened
    (while the one before committed), with the status positions it then took."""
    app = issuer_app(batch_workers=2)
    inst = app.state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(ROWS))
    pool = _started(2)
    calls: list[str] = []

    def counted(name: str) -> Any:
        method = getattr(pool, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return method(*args, **kwargs)

        return call

    for name in ("run", "submit"):
        monkeypatch.setattr(pool, name, counted(name))
    final = batch.run_batch(inst, record.id, chunk=4)
    assert final is not None and (final.state, final.done) == ("done", ROWS)
    assert calls == ["run", "submit", "submit"], calls  # groups 2 and 3 were made ahead
    _each_credential_has_the_entry_recorded_for_it(inst, ROWS)
    with inst.db.transaction() as tx:
        last = store.list_credentials(tx, SLUG, limit=1)[0]
    report = verify.verify(last.document, verify_options(authorized(app)))
    assert report.verdict == "pass", report


def test_a_position_taken_between_groups_is_not_signed_ahead(issuer_app: AppFactory) -> None:
    """A write between two groups (a credential issued by hand) takes the position the next
    group was made with: that group is made again with the positions it took."""
    inst = issuer_app(batch_workers=2).state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(8))
    with inst.db.transaction() as tx:
        pending = store.pending_batch_rows(tx, record.id)
    pipeline = signing.Pipeline(_started(2))
    assert batch.issue_group(inst, record, pending[:4], budget=60, pipeline=pipeline) == 4
    assert pipeline.ahead is not None  # rows 5-8, made with the next four positions
    by_hand = issuance.IssueRequest(SLUG, ACHIEVEMENT, recipient_did="did:example:by-hand")
    issuance.issue_credential(inst, by_hand)  # takes the first of them
    assert batch.issue_group(inst, record, pending[4:], budget=60, pipeline=pipeline) == 4
    _each_credential_has_the_entry_recorded_for_it(inst, 9)


def test_a_group_closed_by_its_budget_hands_its_left_rows_to_the_next(
    issuer_app: AppFactory,
) -> None:
    """A group that made fewer rows than it was given (its time budget ran out) gives the
    pool the rows it left, which the next group then takes with the positions foreseen."""
    inst = issuer_app(batch_workers=2).state.inst
    record = batch.create_batch(inst, SLUG, ACHIEVEMENT, learners(5))
    with inst.db.transaction() as tx:
        pending = store.pending_batch_rows(tx, record.id)
    pipeline = signing.Pipeline(_started(2))
    assert batch.issue_group(inst, record, pending, budget=0, pipeline=pipeline) == 1
    assert pipeline.ahead is not None
    assert [number for number, _ in pipeline.ahead.requests] == [n for n, _ in pending[1:]]
    assert batch.issue_group(inst, record, pending[1:], budget=60, pipeline=pipeline) == 4
    _each_credential_has_the_entry_recorded_for_it(inst, 5)
