"""A write that cannot get SQLite's write lock within ``LER_ISSUER_WRITE_WAIT`` answers 503
problem+json with ``Retry-After``, never a 500, and writes nothing; sent again once the lock
is free, it succeeds (issue 15). Another program holds the lock here (a plain sqlite3
connection in ``BEGIN IMMEDIATE``), longer than the issuer's small budget. Reads do not wait
for it at all: the issued list, a credential, its status list and the issuer's DID document
(what verifiers fetch) answer while the lock is held (they had waited behind every writer,
a running batch too, on SQLite)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.issuer.conftest import AppFactory, authorized

ISSUE = "/issuers/community-college/credentials"
BODY = {"achievement": "fundamentals-of-nursing-1", "recipient": {"did": "did:example:busy"}}


def status_list_of(client: TestClient, credential_id: str) -> str:
    document = client.get(f"/credentials/{credential_id}").json()
    entries = document["credentialStatus"]
    entry = entries[0] if isinstance(entries, list) else entries
    return urlsplit(entry["statusListCredential"]).path


def reads(client: TestClient, credential_id: str, status_list: str) -> list[int]:
    """The statuses of the reads of one issued credential."""
    return [
        client.get(ISSUE, params={"limit": 500}).status_code,
        client.get(f"/credentials/{credential_id}").status_code,
        client.get(status_list).status_code,
        client.get("/issuers/community-college/did.json").status_code,
    ]


def test_a_write_past_its_budget_answers_503_and_the_retry_succeeds(
    issuer_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "issuer.db"
    client = authorized(issuer_app(database_url=f"sqlite:///{path}", write_wait=0.3))
    first = client.post(ISSUE, json={**BODY, "recipient": {"did": "did:example:first"}})
    assert first.status_code == 201, first.text
    status_list = status_list_of(client, first.json()["id"])
    before = client.get(ISSUE, params={"limit": 500}).json()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        busy = client.post(ISSUE, json=BODY)
        while_held = reads(client, first.json()["id"], status_list)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.headers["Retry-After"] == "1"
    assert busy.json()["type"] == "urn:ler:problem:busy"
    assert "the write was not made" in busy.json()["detail"]
    assert while_held == [200, 200, 200, 200]
    retried = client.post(ISSUE, json=BODY)
    assert retried.status_code == 201, retried.text
    after = client.get(ISSUE, params={"limit": 500}).json()
    assert [c["id"] for c in after if c not in before] == [retried.json()["id"]]
