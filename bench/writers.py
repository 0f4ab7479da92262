"""How long a single write waits while a batch issuance runs: SQLite and PostgreSQL.

    .venv/bin/python bench/writers.py [--rows 3000] [--only sqlite|postgresql] [--workers 1]

For each database the issuer runs as a real server (``ler serve issuer`` on a free loopback
port, fresh data). First the single writes alone (their own time, no batch), then a CSV batch
of ``--rows`` rows is posted and, while it runs, one client after another does single
writes: ``POST /issuers/{slug}/credentials`` (issue one credential) and ``POST
/credentials/status`` (revoke one of them). Printed: each kind's time alone (p50) and during
the batch (p50, p95, max), the answers that were not 2xx, the batch's rows per second, the
machine's load. A write's *wait* is its time during the batch minus its time alone: what the
batch made it wait (for SQLite's one write lock; on PostgreSQL for the status list row the
batch's open group holds).

PostgreSQL 15 is started here as ``bench/batch_issue.py`` starts it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.batch_issue import learners_csv, postgres  # noqa: E402
from bench.load import free_port, load_note, new_database, start, stop  # noqa: E402

TOKEN = "bench-writers-token"
SLUG, ACHIEVEMENT = "community-college", "fundamentals-of-nursing-1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Times:
    seconds: list[float] = field(default_factory=list)
    failed: dict[int, int] = field(default_factory=dict)  # status -> count

    def add(self, seconds: float, status: int) -> None:
        if 200 <= status < 300:
            self.seconds.append(seconds)
        else:
            self.failed[status] = self.failed.get(status, 0) + 1

    def p(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def text(self) -> str:
        if not self.seconds:
            return f"no answer 2xx; failed {self.failed}"
        ms = [s * 1000 for s in (self.p(0.5), self.p(0.95), max(self.seconds))]
        failed = f", not 2xx: {self.failed}" if self.failed else ""
        spread = f"p50 {ms[0]:.0f} ms, p95 {ms[1]:.0f} ms, max {ms[2]:.0f} ms"
        return f"n {len(self.seconds)}, {spread}{failed}"


@contextmanager
def issuer(data: Path, database_url: str | None, workers: int) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_")}
    env |= {"PYTHONPATH": str(ROOT), "LER_DATA_DIR": str(data), "LER_LOG_LEVEL": "warning"}
    env |= {"LER_ISSUER_URL": url, "LER_ISSUER_TOKEN": TOKEN}
    if database_url:
        env["LER_ISSUER_DATABASE_URL"] = database_url
    process = start("issuer", port, workers, env, data / "issuer.log")
    try:
        yield url
    finally:
        stop(process)


def issue_one(client: httpx.Client, n: int, times: Times) -> str | None:
    body = {"achievement": ACHIEVEMENT, "recipient": {"did": f"did:example:single-{n:06d}"}}
    began = time.perf_counter()
    answer = client.post(f"/issuers/{SLUG}/credentials", json=body)
    times.add(time.perf_counter() - began, answer.status_code)
    return str(answer.json()["id"]) if answer.status_code == 201 else None


def revoke(client: httpx.Client, credential_id: str, times: Times) -> None:
    body = {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    began = time.perf_counter()
    answer = client.post("/credentials/status", json=body)
    times.add(time.perf_counter() - began, answer.status_code)


def writes(client: httpx.Client, n: int, issued: Times, revoked: Times) -> None:
    """One issue, then the revocation of what it issued."""
    credential_id = issue_one(client, n, issued)
    if credential_id is not None:
        revoke(client, credential_id, revoked)


def run_engine(name: str, database_url: str | None, rows: int, workers: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="ler-bench-writers-") as folder,
        issuer(Path(folder), database_url, workers) as url,
        httpx.Client(base_url=url, headers=AUTH, timeout=120) as client,
    ):
        alone_issue, alone_revoke = Times(), Times()
        for n in range(20):  # the writes' own time, nothing else running
            writes(client, n, alone_issue, alone_revoke)
        answer = client.post(
            f"/issuers/{SLUG}/batches",
            params={"achievement": ACHIEVEMENT},
            content=learners_csv(rows),
            headers={"Content-Type": "text/csv"},
        )
        answer.raise_for_status()
        location, began = answer.headers["Location"], time.perf_counter()
        during_issue, during_revoke = Times(), Times()
        n = 1000
        while client.get(location).json()["state"] == "running":
            writes(client, n, during_issue, during_revoke)
            n += 1
        state = client.get(location).json()
        took = time.perf_counter() - began
    print(f"{name}, {workers} worker(s): batch of {rows} {state['state']} in {took:.1f} s "
          f"({state['done'] / took:.0f} rows/s, writes included); {load_note()}")  # fmt: skip
    print(f"  issue one,  alone:        p50 {alone_issue.p(0.5) * 1000:.0f} ms")
    print(f"  issue one,  during batch: {during_issue.text()}")
    print(f"  revoke one, alone:        p50 {alone_revoke.p(0.5) * 1000:.0f} ms")
    print(f"  revoke one, during batch: {during_revoke.text()}")
    worst = max(during_issue.seconds + during_revoke.seconds, default=0.0)
    base = statistics.median(alone_issue.seconds + alone_revoke.seconds or [0.0])
    print(f"  longest wait behind the batch: about {(worst - base) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.only != "postgresql":
        run_engine("SQLite", None, args.rows, args.workers)
    if args.only != "sqlite":
        with postgres() as server:
            database = new_database(server, f"bench_writers_{os.getpid()}")
            run_engine("PostgreSQL", database, args.rows, args.workers)


if __name__ == "__main__":
    main()
