"""A write that cannot get SQLite's write lock within ``LER_ISSUER_WRITE_WAIT`` answers 503
problem+json with ``Retry-After``, never a 500, and writes nothing; sent again once the lock
is free, it succeeds (issue 15). Another program holds the lock here (a plain sqlite3
connection in ``BEGIN IMMEDIATE``), longer than the issuer's small budget."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.issuer.conftest import AppFactory, authorized

ISSUE = "/issuers/community-college/credentials"
BODY = {"achievement": "fundamentals-of-nursing-1", "recipient": {"did": "did:example:busy"}}


def test_a_write_past_its_budget_answers_503_and_the_retry_succeeds(
    issuer_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "issuer.db"
    client = authorized(issuer_app(database_url=f"sqlite:///{path}", write_wait=0.3))
    before = client.get(ISSUE, params={"limit": 500}).json()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        busy = client.post(ISSUE, json=BODY)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.headers["Retry-After"] == "1"
    assert busy.json()["type"] == "urn:ler:problem:busy"
    assert "nothing was written" in busy.json()["detail"]
    retried = client.post(ISSUE, json=BODY)
    assert retried.status_code == 201, retried.text
    after = client.get(ISSUE, params={"limit": 500}).json()
    assert [c["id"] for c in after if c not in before] == [retried.json()["id"]]
