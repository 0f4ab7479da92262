"""Verifying all of a learner's credentials again is a background job with progress (issue 13,
finding 7: ``POST /api/credentials/recheck`` took 30 s for 170 credentials inside one request).

The credentials are issued by the real issuer app and re-verified for real through it (did:web
documents, status lists), about 0.2 s each: 60 of them make a job of several seconds, so the
tests can see it answer at once, make progress, and be stopped in the middle. The restart
test stops the app's worker mid-job (each step is one transaction, so the database is left
as a crash would leave it), builds a new app on the same database, and sees it finish the
same job from where it stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.wallet.conftest import (
    ALICE,
    BOB,
    WALLET_URL,
    Clock,
    WalletFactory,
    account_id_of,
    csrf,
    sign_in,
    sign_up,
)
from tests.wallet.held import issue, issuer_client, keep, revoke
from wallet import store
from wallet.receiving import kept, recheck_job
from wallet.receiving.check import VERDICTS

MANY = 60
REVOKED = 5
TIMEOUT = 240.0  # seconds a job may take on a busy machine


def hold_many(app: FastAPI, issuer: FastAPI, count: int, revoked: int = 0) -> list[str]:
    """``count`` credentials issued by the real issuer and kept for Alice (never checked yet);
    the first ``revoked`` of them revoked at the issuer. Their ids."""
    client = issuer_client(issuer)
    ids = []
    for n in range(count):
        issued = issue(client)
        if n < revoked:
            revoke(client, issued["credential"]["id"])
        ids.append(keep(app, ALICE, issued["credential"], None))
    return ids


def wait_for(client: TestClient, location: str, until: Callable[[dict[str, Any]], bool]) -> Any:
    """Poll the job until ``until(job)``; every answer seen, in order."""
    seen = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        answer = client.get(location)
        assert answer.status_code == 200, answer.text[:300]
        seen.append(answer.json())
        if until(seen[-1]):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the job did not get there in {TIMEOUT} s: {seen[-1]}")


def finished(job: dict[str, Any]) -> bool:
    return job["state"] in ("done", "failed")


def settled(app: FastAPI, email: str, job_id: str) -> store.RecheckJobRecord:
    """Wait for the job to finish, reading the database (polling over HTTP with a client
    outside ``with`` would open a connection per request); the finished job."""
    account_id = account_id_of(app, email)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with app.state.inst.db.transaction() as tx:
            job = store.get_recheck_job(tx, account_id, job_id)
        assert job is not None
        if job.finished is not None:
            return job
        time.sleep(0.05)
    raise AssertionError(f"the job did not finish in {TIMEOUT} s")


def verdicts_held(app: FastAPI, email: str) -> dict[str, int]:
    account_id = account_id_of(app, email)
    with app.state.inst.db.transaction() as tx:
        records = store.list_credentials(tx, account_id)
    return {v: sum(1 for r in records if r.verdict == v) for v in VERDICTS}


def test_verify_all_again_answers_at_once_and_the_job_reports_progress_and_counts(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    app = wallet_app(apps={"issuer.test": issuer_service})
    with TestClient(app, base_url=WALLET_URL) as alice:
        sign_up(alice, ALICE)
        hold_many(app, issuer_service, MANY, REVOKED)

        began = time.monotonic()
        started = alice.post("/api/credentials/recheck")
        answered_in = time.monotonic() - began
        assert started.status_code == 202, started.text[:300]
        job = started.json()
        location = started.headers["location"]
        assert location == f"/api/credentials/recheck/{job['id']}"
        assert job["state"] in ("queued", "running") and job["total"] == MANY
        assert job["checked"] < MANY and job["counts"] is None

        again = alice.post("/api/credentials/recheck")  # one job at a time: the same one
        assert again.status_code == 200 and again.json()["id"] == job["id"]
        assert again.headers["location"] == location

        seen = wait_for(alice, location, finished)
        took = time.monotonic() - began
        progress = [answer["checked"] for answer in seen]
        assert progress == sorted(progress)  # never goes back
        assert any(0 < checked < MANY for checked in progress)  # progress was visible
        assert answered_in * 5 < took  # the POST did not wait for the work

        done = seen[-1]
        assert (done["state"], done["checked"], done["total"]) == ("done", MANY, MANY)
        assert done["started"] is not None and done["finished"] is not None
        assert done["counts"] == {
            **dict.fromkeys(VERDICTS, 0),
            "verified": MANY - REVOKED,
            "revoked": REVOKED,
        }
        assert verdicts_held(app, ALICE) == done["counts"]  # the counts are what is stored

        next_job = alice.post("/api/credentials/recheck")  # finished: a new one starts
        assert next_job.status_code == 202 and next_job.json()["id"] != job["id"]


def test_a_restarted_wallet_finishes_the_job_where_it_stopped(
    wallet_app: WalletFactory,
    issuer_service: FastAPI,
    database_url: str,
    tmp_path: Path,
    clock: Clock,
) -> None:
    count = 30
    settings = {"data_dir": tmp_path / "wallet", "apps": {"issuer.test": issuer_service}}
    first = wallet_app(database_url, **settings)
    with TestClient(first, base_url=WALLET_URL) as alice:
        sign_up(alice, ALICE)
        hold_many(first, issuer_service, count, revoked=2)
        started = alice.post("/api/credentials/recheck")
        assert started.status_code == 202, started.text[:300]
        location = started.headers["location"]
        wait_for(alice, location, lambda job: job["checked"] >= 3)
    # the app has stopped: its worker ended after the credential it was checking
    stopped = alice.get(location).json()
    assert stopped["state"] == "running" and 3 <= stopped["checked"] < count, stopped

    clock.advance(timedelta(hours=1))  # credentials checked after the restart are told apart
    second = wallet_app(database_url, **settings)
    with TestClient(second, base_url=WALLET_URL) as again:
        assert sign_in(again, ALICE).status_code == 303
        done = wait_for(again, location, finished)[-1]
    assert (done["id"], done["state"], done["checked"]) == (stopped["id"], "done", count)
    assert done["started"] == stopped["started"]  # the same job, resumed
    assert sum(done["counts"].values()) == count
    assert done["counts"]["revoked"] == 2 and done["counts"]["verified"] == count - 2

    account_id = account_id_of(second, ALICE)
    with second.state.inst.db.transaction() as tx:
        checked_at = [r.checked_at for r in store.list_credentials(tx, account_id)]
    restarted_at = clock().isoformat()
    assert None not in checked_at
    # each credential was checked once: those before the stop by the first app, the rest after
    assert checked_at.count(restarted_at) == count - stopped["checked"]


def test_another_learner_cannot_see_a_job_and_the_page_shows_progress(
    wallet_app: WalletFactory, issuer_service: FastAPI
) -> None:
    app = wallet_app(apps={"issuer.test": issuer_service})
    bob = TestClient(app, base_url=WALLET_URL)  # a second browser (the app runs once)
    with TestClient(app, base_url=WALLET_URL) as alice:
        sign_up(alice, ALICE)
        hold_many(app, issuer_service, 12)
        page = alice.post(
            "/credentials/recheck", data={"csrf": csrf(alice)}, follow_redirects=False
        )
        assert page.status_code == 303
        progress_path = page.headers["location"]
        job_id = progress_path.removeprefix("/credentials/recheck/")
        running = alice.get(progress_path)
        assert running.status_code == 200 and "<progress" in running.text
        assert '<meta http-equiv="refresh"' in running.text and "<script" not in running.text

        sign_up(bob, BOB)
        assert bob.get(f"/api/credentials/recheck/{job_id}").status_code == 404
        assert bob.get(progress_path).status_code == 404
        own = bob.post("/api/credentials/recheck")  # Bob's own job has nothing to check
        assert own.status_code == 202 and own.json()["id"] != job_id
        bob_done = wait_for(bob, own.headers["location"], finished)[-1]
        assert (bob_done["state"], bob_done["total"]) == ("done", 0)

        wait_for(alice, f"/api/credentials/recheck/{job_id}", finished)
        done = alice.get(progress_path)
        assert "All 12 credentials checked again" in done.text
        assert '<meta http-equiv="refresh"' not in done.text


def test_the_openapi_document_describes_the_job(wallet_app: WalletFactory) -> None:
    spec = TestClient(wallet_app()).get("/openapi.json").json()
    start = spec["paths"]["/api/credentials/recheck"]["post"]
    assert {"200", "202"} <= set(start["responses"])
    assert "get" in spec["paths"]["/api/credentials/recheck/{job_id}"]


def test_two_runs_of_one_job_count_each_credential_once_and_a_deleted_one_is_passed_over(
    wallet_app: WalletFactory, issuer_service: FastAPI, database_url: str
) -> None:
    """What a second wallet process resuming the same job would do: both runs step through
    it, each step is taken by one of them, and the counts add up to what was checked."""
    app = wallet_app(database_url, apps={"issuer.test": issuer_service})
    sign_up(TestClient(app, base_url=WALLET_URL), ALICE)
    ids = hold_many(app, issuer_service, 12)
    inst, account_id = app.state.inst, account_id_of(app, ALICE)
    job, created = recheck_job.start(inst, account_id)
    assert created and recheck_job.start(inst, account_id) == (job, False)
    kept.delete(inst, account_id, ids[5])  # gone before the job reaches it

    runs = [threading.Thread(target=recheck_job.run, args=(inst, account_id, job.id)) for _ in "ab"]
    for run in runs:
        run.start()
    for run in runs:
        run.join(TIMEOUT)
    done = recheck_job.get(inst, account_id, job.id)
    assert (done.state, done.checked, done.total) == ("done", 12, 12)
    assert done.counts == {"verified": 11}  # the deleted one is checked off, not counted
