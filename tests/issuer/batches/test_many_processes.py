"""Three issuer processes on one database (one SQLite file; one PostgreSQL database): the
process running a CSV batch is killed (SIGKILL) half way, and one of the other two, still
running, takes the batch over (its lease is free: its holder no longer runs) and finishes it,
with no restart: every row issued once, none twice. The batch is signed in a pool of 2 worker
processes (``LER_ISSUER_BATCH_WORKERS``): none outlives the killed process.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from servicekit.db import Database
from tests.issuer.batches.test_batch import SLUG, learners, post_batch
from tests.issuer.conftest import TOKEN
from tests.processes import ServiceProcess, descendants, services, wait_all_gone, wait_until

ROWS = 600
KILL_AT = 50


def done_rows(db: Database, batch_id: str) -> int:
    with db.reading() as tx:  # never waits for the batch's writes (issue 15: it did on SQLite)
        row = tx.one("SELECT done FROM batches WHERE id = ?", (batch_id,))
    return 0 if row is None else int(row["done"])


def test_a_batch_whose_process_dies_is_finished_by_another(
    database_url: str, tmp_path: Path
) -> None:
    db = Database.connect(database_url)
    try:
        with services() as running:
            for _ in range(3):  # one after another: starting together is another test's
                process = ServiceProcess(
                    "issuer",
                    database_url,
                    tmp_path / "data",
                    {"LER_ISSUER_TOKEN": TOKEN, "LER_ISSUER_BATCH_WORKERS": "2"},
                )
                running.append(process.start())
                process.wait_ready()
            first, second, _ = running
            auth = {"Authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=first.url, headers=auth, timeout=30) as client:
                response = post_batch(client, learners(ROWS))
            assert response.status_code == 202, response.text
            batch_id = response.json()["id"]
            location = f"{second.url}{response.headers['Location']}"

            def progress() -> int:  # as the staff page's bar reads it, from another process
                return int(httpx.get(location, headers=auth, timeout=30).json()["done"])

            deadline = time.monotonic() + 60
            while progress() < KILL_AT and time.monotonic() < deadline:
                time.sleep(0.002)
            assert first.process is not None
            pool = descendants(first.process.pid)  # its signing pool's 2 workers
            assert len(pool) >= 2
            first.kill()  # in the middle of the batch, as it runs in the process it was sent to
            assert wait_all_gone(pool, 10) == [], "signing pool processes outlived the issuer"
            at_kill = done_rows(db, batch_id)
            assert KILL_AT <= at_kill < ROWS, "the kill came too late to test a takeover"

            def finished() -> bool:
                state = httpx.get(location, headers=auth, timeout=30)
                return bool(state.json()["state"] != "running")

            wait_until(finished, "another process to finish the batch", 180)
            with db.transaction() as tx:
                batch = tx.one("SELECT state, done FROM batches WHERE id = ?", (batch_id,))
                rows = tx.all(
                    "SELECT credential_id FROM batch_rows WHERE batch_id = ?", (batch_id,)
                )
                issued = tx.all("SELECT id FROM credentials WHERE issuer = ?", (SLUG,))
    finally:
        db.close()
    assert batch == {"state": "done", "done": ROWS}
    assert len(rows) == ROWS and all(row["credential_id"] for row in rows)
    assert len({row["credential_id"] for row in rows}) == ROWS
    assert len(issued) == ROWS  # nothing issued twice
