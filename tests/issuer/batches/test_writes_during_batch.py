"""Single writes are not held up by a running batch on SQLite (issue 15).

An issuer on one SQLite file runs a CSV batch (its background thread, as in a server);
meanwhile single credentials are issued over the API. Each write used to wait until the
batch ended (SQLite's busy wait lost every race against the batch's next group: 4.2 s and
more, past the 30 s busy timeout a 500). Now the batch lets a waiting writer in before its
next group. Measured in the batch's own progress, not in seconds (the machine is shared):
while one write is answered, the batch moves on by a few groups, not to its end (before:
at least the half of the batch still to go).
"""

from __future__ import annotations

from tests.issuer.batches.test_batch import SLUG, learners, post_batch
from tests.issuer.conftest import AppFactory, authorized

ROWS = 2000
WRITES = 3
MOVED = 200  # rows the batch may issue while one write is answered: a few groups (at most 50
# rows or 0.1 s each; under load, groups are smaller and the request itself slower)


def test_single_writes_get_in_while_a_batch_runs(issuer_app: AppFactory) -> None:
    with authorized(issuer_app()) as client:
        response = post_batch(client, learners(ROWS))
        assert response.status_code == 202, response.text
        location = response.headers["Location"]

        def done() -> int:  # reads never wait for the batch
            return int(client.get(location).json()["done"])

        moved: list[int] = []
        while len(moved) < WRITES and done() < ROWS // 2:  # half is left
            before = done()
            recipient = {"did": f"did:example:single-{len(moved)}"}
            body = {"achievement": "fundamentals-of-nursing-1", "recipient": recipient}
            issued = client.post(f"/issuers/{SLUG}/credentials", json=body)
            assert issued.status_code == 201, issued.text
            moved.append(done() - before)
    assert max(moved) <= MOVED, f"rows the batch issued during each write: {moved}"
    assert len(moved) == WRITES, f"half the batch was done after {len(moved)} writes: {moved}"
