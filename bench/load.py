"""The service under load, in its real configuration: issuer and verifier as separate
processes on loopback, did:web issuers, Bitstring status lists, the governance registry.

    .venv/bin/python bench/load.py [--clients 50] [--duration 20] [--workers 2]
                                   [--only sqlite|postgresql] [--credentials 20]
                                   [--only-n] [--single-duration SECONDS]

For each database (SQLite files; PostgreSQL 15, started here as ``bench/batch_issue.py``
does) and each worker count (1 and ``--workers``; only ``--workers`` with ``--only-n``), it
starts the issuer (``ler serve issuer``) and the verifier (``ler serve verifier --workers
N``) on free ports of 127.0.0.1 with fresh data, both on that database engine. The verifier
runs with the settings a deployment gets from the environment (``Settings.from_env``: status
lists cached at most 60 s, documents 300 s, at least 5 s) plus
``LER_ALLOW_HTTP_LOCALHOST=1`` (the issuer's DIDs are ``did:web:localhost%3A<port>:…`` over
plain http, as with ``ler up``) and the demo registry, its issuers named on that issuer. The
issuer issues ``--credentials`` eddsa-rdfc-2022 OB 3.0 credentials over its API, of every
accredited demo issuer in turn, and revokes every fifth.

Then ``--clients`` clients (one keep-alive connection each, a small HTTP/1.1 client on
asyncio so that the load generator costs the shared cores little) POST them in turn to
``/credentials/verify`` (W3C VC-API) for ``--duration`` seconds, and one client alone after
that. Nothing is warmed up: the first verifications meet empty caches. It prints the
throughput, p50/p95/p99 latency and the number of **wrong verdicts**: answers other than
"verified" (HTTP 200, ``verified: true``, the trusted-issuer check passed) for a valid
credential, or other than "revoked" (HTTP 422, the ``status`` check failed) for a revoked
one -- a timeout, a 5xx or a *could not check* is wrong too. The machine's CPU count and
load average are printed with every figure: the clients share the cores with the services.
Beside them, ``verifier CPU ms``: the CPU time (user + system, from ``/proc``) the verifier's
processes spent per answer during the run -- a figure other work on a shared machine
disturbs less than the throughput (still: compare runs side by side, not across hours).

Where a verifier process's time goes (py-spy ``--gil`` on ``ler serve verifier``, 50 clients,
one worker, December 2026): about a third of the time the interpreter lock is held is vckit's
verification (half of that the RDF canonicalization), two thirds the web edge around it --
HTTP parsing and writing (h11, the middlewares' ``send``), FastAPI's dependencies, body
validation and routing, the strict JSON reading, the JSON answer, and handing the work to a
thread and back. That hand-over was three per request (two ``def`` dependencies and the
verification each went to FastAPI's thread pool, 17 % of the samples) and is one now
(:meth:`servicekit.cpu_lane.CpuLane.call`).

Where a slow answer waits (each request time-stamped in the verifier at arrival, body read,
hand-over to the lane's thread, lane entry, lane exit, back on the event loop, answer start
and end; 50 clients, 2 workers, December 2026): the verification itself was the smallest
part (7-10 ms of a median 80-90 ms in the server at load 11-15). The slowest percent waited
on the event loop: for the result to be picked up after the lane (about 40 ms median, up to
250 ms) and, for a revoked credential, 200-440 ms between the result and the answer's first
byte, because its 422 went through a plain ``def`` exception handler, which Starlette runs in
its thread pool. The handlers are ``async`` now (``servicekit.app``); that step fell to about
1 ms. A lane one wide (``servicekit.cpu_lane.DEFAULT_WIDTH``) then gave more answers per
second than two in runs side by side. The first seconds of a run hold the slowest answers of
all (the caches fill, about 1.5-2.5 s), which a 10-minute run dilutes.

Then the clients' mean latencies (each client's own, in one 90 s run) fell in two groups: 12
clients at 58 ms and 38 at 187 ms. The 50 connections open together and stay open, and the
first worker to wake had taken 38 of them (asyncio accepts every waiting connection at once);
both workers answered about as many per second, so the 38 waited three times as long. Each
worker now takes one connection per wake-up and rests 1 ms (``servicekit.fair_accept``): the
next run split them 25/25, every client's mean within 3 % of the others'.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.batch_issue import postgres  # noqa: E402

TOKEN = "bench-load-token-0123456789"
STARTUP_LIMIT_S = 120
ANSWER_LIMIT_S = 30.0
ISSUED = [  # (issuer slug, achievement): the demo registry accredits each for it
    ("community-college", "fundamentals-of-nursing-1"),
    ("food-safety", "food-handler"),
    ("nursing-board", "licensed-practical-nurse"),
    ("community-college", "fundamentals-of-nursing-2"),
]
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- the services --------------------------------------------------------------------------


def start(
    role: str, port: int, workers: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """``ler serve ROLE --workers N`` on 127.0.0.1:``port``; waits for /readyz."""
    command = [sys.executable, "-m", "ler", "serve", role, "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the {role} exited {process.returncode}; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the {role} did not answer within {STARTUP_LIMIT_S} s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def new_database(server: str | None, name: str) -> str | None:
    """A fresh database ``name`` on the PostgreSQL ``server`` (None: SQLite)."""
    if server is None:
        return None
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return server.replace("/postgres?", f"/{name}?")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its live descendants so far (Linux
    ``/proc``; 0 elsewhere): the verifier's supervisor and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grew = {pid}, True
    while grew:
        grown = family | {child for child, parent in parents.items() if parent in family}
        grew, family = grown != family, grown
    return sum(times.get(member, 0.0) for member in family)


@dataclass(frozen=True)
class Services:
    issuer: str
    verifier: str
    verifier_pid: int


@contextmanager
def services(data: Path, workers: int, pg_server: str | None) -> Iterator[Services]:
    """Issuer (one worker) and verifier (``workers``) on fresh data and databases."""
    issuer_port, verifier_port = free_port(), free_port()
    issuer_url = f"http://localhost:{issuer_port}"
    base = {k: v for k, v in os.environ.items() if not k.startswith("LER_")}
    base |= {"PYTHONPATH": str(ROOT), "LER_DATA_DIR": str(data), "LER_LOG_LEVEL": "warning"}
    issuer_env = base | {"LER_ISSUER_URL": issuer_url, "LER_ISSUER_TOKEN": TOKEN}
    verifier_env = base | {
        "LER_ISSUER_URL": issuer_url,
        "LER_VERIFIER_URL": f"http://localhost:{verifier_port}",
        "LER_ALLOW_HTTP_LOCALHOST": "1",
    }
    suffix = f"{workers}_{os.getpid()}"
    issuer_db = new_database(pg_server, f"bench_issuer_{suffix}")
    verifier_db = new_database(pg_server, f"bench_verifier_{suffix}")
    if issuer_db and verifier_db:
        issuer_env["LER_ISSUER_DATABASE_URL"] = issuer_db
        verifier_env["LER_VERIFIER_DATABASE_URL"] = verifier_db
    issuer = start("issuer", issuer_port, 1, issuer_env, data / "issuer.log")
    try:
        verifier = start("verifier", verifier_port, workers, verifier_env, data / "verifier.log")
        try:
            yield Services(issuer_url, f"http://127.0.0.1:{verifier_port}", verifier.pid)
        finally:
            stop(verifier)
    finally:
        stop(issuer)


# --- the credentials -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    body: bytes  # the request body: {"verifiableCredential": ...}
    expected: str  # "verified" or "revoked"


def make_cases(issuer_url: str, count: int) -> list[Case]:
    """``count`` credentials issued over the issuer's API; every fifth revoked."""
    cases = []
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=issuer_url, headers=headers, timeout=60) as client:
        for n in range(count):
            slug, achievement = ISSUED[n % len(ISSUED)]
            body = {"achievement": achievement, "recipient": {"did": LEARNER}}
            answer = client.post(f"/issuers/{slug}/credentials", json=body)
            if answer.status_code != 201:
                raise SystemExit(f"the issuer refused to issue: {answer.text[:500]}")
            credential = answer.json()["credential"]
            revoked = n % 5 == 4
            if revoked:
                status = [{"type": "BitstringStatusListEntry", "status": "revoked"}]
                change = {"credentialId": credential["id"], "credentialStatus": status}
                done = client.post("/credentials/status", json=change)
                if done.status_code != 200:
                    raise SystemExit(f"the issuer refused to revoke: {done.text[:500]}")
            request = json.dumps({"verifiableCredential": credential}).encode()
            cases.append(Case(request, "revoked" if revoked else "verified"))
    return cases


def verdict_of(status: int, body: bytes) -> str:
    """ "verified", "revoked" or what else the answer was."""
    try:
        answer = json.loads(body)
    except ValueError:
        return f"HTTP {status}, not JSON"
    validation_ok = all(c.get("status") == "pass" for c in answer.get("validation", []))
    if status == 200 and answer.get("verified") is True and validation_ok:
        return "verified"
    errors = {e.get("id") for e in answer.get("errors", [])}
    if status == 422 and answer.get("verified") is False and errors == {"status"}:
        return "revoked"
    warnings = sorted(w.get("id") for w in answer.get("warnings", []))
    return f"HTTP {status}, errors {sorted(map(str, errors))}, could not check {warnings}"


# --- the load --------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    verdicts: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    verifier_cpu: float = 0.0  # CPU seconds the verifier's processes spent during the run

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


async def post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, body: bytes
) -> tuple[int, bytes]:
    """One ``POST /credentials/verify`` on a kept-alive HTTP/1.1 connection."""
    head = (
        f"POST /credentials/verify HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def drive(url: str, cases: list[Case], clients: int, seconds: float) -> Result:
    """``clients`` clients, each on its own connection, for ``seconds``."""
    result = Result()
    host, port = url.removeprefix("http://").split(":")
    ends = time.monotonic() + seconds

    async def client(first: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        n = first
        try:
            while time.monotonic() < ends:
                case = cases[n % len(cases)]
                n += 1
                sent = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(
                        post(reader, writer, host, case.body), ANSWER_LIMIT_S
                    )
                except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    result.wrong[f"{case.expected}: no answer ({type(exc).__name__})"] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                result.latencies.append(time.perf_counter() - sent)
                verdict = verdict_of(status, body)
                result.verdicts[verdict] += 1
                if verdict != case.expected:
                    result.wrong[f"{case.expected}: {verdict}"] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    result.elapsed = time.perf_counter() - started
    return result


# --- the report ------------------------------------------------------------------------------

HEAD = f"{'database':<12}{'workers':>8}{'clients':>8}{'verif./s':>10}{'p50 ms':>8}"
HEAD += f"{'p95 ms':>8}{'p99 ms':>8}{'answers':>9}{'wrong':>7}{'verifier CPU ms':>16}  machine"


def row(engine: str, workers: int, clients: int, result: Result, machine: str) -> str:
    done = len(result.latencies)
    wrong = sum(result.wrong.values())
    cells = f"{engine:<12}{workers:>8}{clients:>8}{done / result.elapsed:>10.1f}"
    cells += f"{result.percentile(50) * 1000:>8.1f}{result.percentile(95) * 1000:>8.1f}"
    cells += f"{result.percentile(99) * 1000:>8.1f}{done:>9}{wrong:>7}"
    return cells + f"{result.verifier_cpu * 1000 / max(done, 1):>16.2f}  {machine}"


def run_engine(
    engine: str, pg_server: str | None, args: argparse.Namespace, lines: list[str]
) -> int:
    wrong = 0
    for workers in [args.workers] if args.only_n else sorted({1, args.workers}):
        with (
            tempfile.TemporaryDirectory(prefix="ler-load-") as tmp,
            services(Path(tmp), workers, pg_server) as running,
        ):
            cases = make_cases(running.issuer, args.credentials)
            for clients in (args.clients, 1):
                cpu_before = cpu_seconds(running.verifier_pid)
                seconds = args.duration if clients > 1 else (args.single_duration or args.duration)
                result = asyncio.run(drive(running.verifier, cases, clients, seconds))
                result.verifier_cpu = cpu_seconds(running.verifier_pid) - cpu_before
                line = row(engine, workers, clients, result, load_note())
                print(line, flush=True)
                lines.append(line)
                for what, n in result.wrong.most_common(5):
                    print(f"    wrong: {n} × {what}", flush=True)
                wrong += sum(result.wrong.values())
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--workers", type=int, default=2, help="N: runs 1 and N workers")
    parser.add_argument("--credentials", type=int, default=20)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--only-n", action="store_true", help="skip the 1-worker runs")
    parser.add_argument(
        "--single-duration", type=float, help="seconds of the 1-client run (default: --duration)"
    )
    args = parser.parse_args()

    print("POST /credentials/verify: issuer and verifier processes on loopback, did:web issuers,")
    print(f"status lists, the demo registry; {args.credentials} credentials (every fifth")
    print(f"revoked); {args.duration:g} s per run; clients on the same machine\n")
    print(HEAD, flush=True)
    lines: list[str] = []
    wrong = 0
    if args.only in (None, "sqlite"):
        wrong += run_engine("SQLite", None, args, lines)
    if args.only in (None, "postgresql"):
        with postgres() as server:
            wrong += run_engine("PostgreSQL", server, args, lines)
    print(f"\nwrong verdicts in all: {wrong}")
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
