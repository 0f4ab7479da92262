"""A running batch's progress is seen while it runs, on SQLite too (issue 15).

Reads used to begin ``IMMEDIATE`` (the write lock) on SQLite; the batch commits group after
group and begins again at once, and SQLite's busy wait (sleeps, retried) almost never
landed in the gap, so the progress (API and the staff page's bar) stood at 0 until the end.
Reads of a batch now begin DEFERRED (``Database.reading``) and never wait for a writer.
"""

from __future__ import annotations

import time

from tests.issuer.batches.test_batch import learners, post_batch
from tests.issuer.conftest import AppFactory, authorized

ROWS = 300  # six groups or more (at most 50 rows or 0.1 s each): about a second of work


def test_the_progress_of_a_running_batch_moves_while_it_runs(issuer_app: AppFactory) -> None:
    with authorized(issuer_app()) as client:
        response = post_batch(client, learners(ROWS))
        assert response.status_code == 202, response.text
        location = response.headers["Location"]
        seen: list[int] = []
        deadline = time.monotonic() + 120  # a safeguard against hanging, not a speed limit
        while time.monotonic() < deadline:
            state = client.get(location).json()
            if state["state"] != "running":
                break
            seen.append(state["done"])
            time.sleep(0.005)
    assert state == {**state, "state": "done", "done": ROWS}
    midway = sorted({done for done in seen if 0 < done < ROWS})
    # each poll reads the last commit: the count moves group by group, not 0 then the end
    assert len(midway) >= 3, f"progress seen while running: {sorted(set(seen))}"
