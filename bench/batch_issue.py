"""Batch issuance of 10,000 credentials: credentials/s and peak memory, SQLite and PostgreSQL.

    .venv/bin/python bench/batch_issue.py [--count 10000] [--format eddsa-rdfc-2022]
                                          [--only sqlite|postgresql] [--workers N]

Each database runs in its own child process (so each peak RSS is its own) through the
issuer's use case, without HTTP: ``batch.create_batch`` (parse and check every row, store
the batch) then ``batch.run_batch`` (group commits: up to 50 rows or 0.1 s per transaction,
each credential committed with its row's mark, so a row reported done is committed; what the
rows share is looked up once per group, the status positions taken in one statement and the
rows written with executemany: under 2 statements per row). The time goes to signing
(JSON-LD expansion and RDFC-1.0 of each credential, as in bench/run.py), then the checks
before signing (JSON-LD rules, OB 3.0 schema); with one transaction per row and about 11
statements each, the database came on top (most on PostgreSQL, a round trip each). PostgreSQL 15 is
started here, as the tests' fixture does: initdb + pg_ctl from
/usr/lib/postgresql/15/bin in a temporary folder, a unix socket only, as the ``postgres``
user when run as root. Peak memory is ``getrusage(RUSAGE_SELF).ru_maxrss`` of the child.
*per CPU-s* is credentials per CPU-second of the issuing process and its signing workers
(not counting PostgreSQL's own work): on a machine shared with other work, the figure that
does not depend on their load. ``--workers`` is the issuer's ``LER_ISSUER_BATCH_WORKERS``
(default: the cores; 1: signing in the issuing process, :mod:`issuer.batches.signing`); the
workers' start and warm-up count in the time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from issuer.app import create_app  # noqa: E402
from issuer.batches import batch, signing  # noqa: E402
from issuer.settings import EXAMPLES, Settings  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ISSUER, ACHIEVEMENT = "community-college", "fundamentals-of-nursing-1"


def learners_csv(count: int) -> bytes:
    """``count`` learner rows: a DID and a name each."""
    rows = (f"did:example:learner-{n:06d},Learner {n}" for n in range(1, count + 1))
    return ("recipient_did,name\n" + "\n".join(rows) + "\n").encode()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_one(database_url: str, count: int, format: str, workers: int | None) -> dict[str, Any]:
    """In the child: one batch of ``count`` rows on a fresh issuer."""
    data_dir = Path(tempfile.mkdtemp(prefix="ler-bench-"))
    try:
        settings = Settings(
            base_url="http://localhost:8001",
            data_dir=data_dir,
            database_url=database_url or None,
            api_token="bench",
            demo_file=EXAMPLES / "issuers.json",
            batch_workers=workers,
        )
        inst = create_app(settings).state.inst
        data = learners_csv(count)
        before = max_rss_mib()
        start = time.perf_counter()
        record = batch.create_batch(inst, ISSUER, ACHIEVEMENT, data, format=format)
        checked, cpu = time.perf_counter(), time.process_time()
        final = batch.run_batch(inst, record.id)
        issued, cpu = time.perf_counter(), time.process_time() - cpu
        pool = signing.pool_of(inst.batch_workers)
        cpu += 0.0 if pool is None else pool.cpu_seconds()
        inst.db.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if final is None or final.state != "done" or final.done != count:
        raise SystemExit(f"the batch did not finish: {final}")
    return {
        "credentials": count,
        "bytes": len(data),
        "check_store_s": checked - start,
        "issue_s": issued - checked,
        "per_s": count / (issued - checked),
        "per_cpu_s": count / cpu,
        "workers": inst.batch_workers,
        "rss_before_mib": before,
        "rss_peak_mib": max_rss_mib(),
    }


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL 15 server on a unix socket; yields its URL."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL 15 is not installed ({PG_BIN}); `make test` installs it")
    root = Path(tempfile.mkdtemp(prefix="ler-bench-pg-"))
    data, socket_dir = root / "data", root / "run"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
    initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    initdb += ["-E", "UTF8", "--no-instructions"]
    subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
    options = f"-k {socket_dir} -c listen_addresses='' -F"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        _as_postgres([*pg_ctl, "-o", options, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={socket_dir}"
    finally:
        subprocess.run(_as_postgres([*pg_ctl, "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def in_child(database_url: str, count: int, format: str, workers: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", database_url, "--count", str(count)]
    command += [] if workers is None else ["--workers", str(workers)]
    done = subprocess.run([*command, "--format", format], check=True, capture_output=True)
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def table(results: dict[str, dict[str, Any]], format: str) -> str:
    head: tuple[str, ...] = (
        "database",
        "credentials",
        "check+store s",
        "issue s",
        "credentials/s",
        "per CPU-s",
    )
    head += ("peak RSS MiB",)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    workers = {r["workers"] for r in results.values()}
    signers = ", ".join(str(w) for w in sorted(workers))
    lines = [f"batch issuance, {format}, group commits, signing processes: {signers}", ""]
    lines.append(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
    lines.append("")
    lines.append(" | ".join(f"{h:>13}" for h in head))
    lines.append("-+-".join("-" * 13 for _ in head))
    for name, r in results.items():
        cells = [
            name,
            f"{r['credentials']:,}",
            f"{r['check_store_s']:.2f}",
            f"{r['issue_s']:.1f}",
            f"{r['per_s']:.0f}",
            f"{r['per_cpu_s']:.0f}",
            f"{r['rss_peak_mib']:.0f} ({r['rss_before_mib']:.0f} at start)",
        ]
        lines.append(" | ".join(f"{c:>13}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--format", default="eddsa-rdfc-2022")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, help="signing processes (default: the cores)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a database URL; "" for SQLite
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.count, args.format, args.workers)))
        return
    results: dict[str, dict[str, Any]] = {}
    if args.only in (None, "sqlite"):
        results["SQLite"] = in_child("", args.count, args.format, args.workers)
    if args.only in (None, "postgresql"):
        with postgres() as url:
            results["PostgreSQL 15"] = in_child(url, args.count, args.format, args.workers)
    print(table(results, args.format))


if __name__ == "__main__":
    main()
