"""Verifications per second over HTTP, and in-process, for one OB 3.0 credential.

    .venv/bin/python bench/verify_http.py [--clients 50] [--requests 3000] [--seconds 30]

Starts the verifier as ``ler up`` does (``uvicorn verifier.app:create_app --factory``) on a
free port of 127.0.0.1 with a temporary data folder, then ``--clients`` concurrent clients
(asyncio + ``httpx.AsyncClient``, one connection each) POST the same signed credential to
``/credentials/verify`` (W3C VC-API) until ``--requests`` answers have come back or
``--seconds`` have passed, whichever is first. Prints answers per second, p50 and p99
latency, and the HTTP statuses seen; then the rate of ``vckit.verification`` called in-process on
the same credential with the same options, for comparison.

The credential is an eddsa-rdfc-2022 OB 3.0 AchievementCredential of a did:key issuer
without a status entry, so a verification takes nothing from the network: what is measured
is parsing, canonicalization, the signature, the schema and the HTTP stack. The verifier
runs without a governance registry (``LER_REGISTRY=""``): with the demo registry a did:key
issuer is an unknown issuer, the answer a 422, and the comparison with ``vckit.verification``
less direct. The clients run on the same machine as the server and share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vckit import ob as openbadges  # noqa: E402
from vckit.di import algorithms as data_integrity  # noqa: E402
from vckit.did.resolver import DidResolver, did_key  # noqa: E402
from vckit.keys.keyfile import key_id  # noqa: E402
from vckit.keys.keypair import KeyPair  # noqa: E402
from vckit.verification import VerifyOptions, verify  # noqa: E402

STARTUP_LIMIT_S = 60
SUBJECT = "did:key:z6MkuNJRH9tF2J1gzyrqzAo2zLUoXFyzSLshsZy86K68U7xY"


def signed_credential() -> dict[str, Any]:
    """An OB 3.0 credential like the story's nursing course (two skill alignments)."""
    key = KeyPair.generate("Ed25519")
    issuer = did_key(key.public)
    achievement = openbadges.achievement(
        "https://college.example/achievements/nursing-1",
        "Fundamentals of Nursing I",
        "Foundations of patient care: privacy, safety and medical terminology.",
        "Completed all modules and passed the final assessment.",
        achievement_type="Course",
        alignments=[
            openbadges.alignment(
                name,
                f"https://example.org/skills/{slug}",
                target_type="ceasn:Competency",
            )
            for name, slug in [
                ("Patient data privacy", "patient-data-privacy"),
                ("Medical terminology", "medical-terminology"),
            ]
        ],
    )
    unsigned = openbadges.achievement_credential(
        "urn:uuid:0b7f2c9e-5d0e-4a47-8f4b-2f3c7f9a1e10",
        openbadges.profile(issuer, "Demo Community College", url="https://college.example"),
        achievement,
        valid_from=datetime(2025, 9, 1, tzinfo=UTC),
        subject_id=SUBJECT,
        name="Fundamentals of Nursing I",
    )
    return data_integrity.sign(unsigned, key, verification_method=key_id(key.public))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_verifier(port: int, data: Path, workers: int) -> subprocess.Popen[bytes]:
    """``uvicorn verifier.app:create_app --factory`` on 127.0.0.1:``port``; waits for /healthz."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LER_DATA_DIR": str(data)}
    env["LER_VERIFIER_URL"] = f"http://localhost:{port}"
    env["LER_REGISTRY"] = ""  # a bare VC-API verifier: no employer policy (see the docstring)
    command = [sys.executable, "-m", "uvicorn", "verifier.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--no-access-log", "--workers", str(workers)]
    log = (data / "verifier.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the verifier exited {process.returncode}; see {log.name}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the verifier did not answer within {STARTUP_LIMIT_S} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class HttpResult:
    latencies: list[float]
    statuses: Counter[int]
    errors: Counter[str]
    elapsed: float

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


async def load(
    url: str, body: dict[str, Any], clients: int, requests: int, seconds: float
) -> HttpResult:
    """``clients`` concurrent clients until ``requests`` answers or ``seconds`` have passed."""
    result = HttpResult([], Counter(), Counter(), 0.0)
    started = 0
    deadline = time.monotonic() + seconds

    async def client() -> None:
        nonlocal started
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            while started < requests and time.monotonic() < deadline:
                started += 1
                sent = time.perf_counter()
                try:
                    response = await http.post("/credentials/verify", json=body)
                except httpx.HTTPError as exc:
                    result.errors[type(exc).__name__] += 1
                    continue
                result.latencies.append(time.perf_counter() - sent)
                result.statuses[response.status_code] += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = time.perf_counter() - start
    return result


def in_process_rate(credential: dict[str, Any], seconds: float) -> tuple[float, str]:
    """Calls per second of ``vckit.verification`` (no fetch, as the HTTP case needs none)."""
    options = VerifyOptions(resolver=DidResolver())
    verdict = verify(credential, options).verdict
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        verify(credential, options)
        count += 1
    return count / elapsed, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000, help="stop after this many")
    parser.add_argument("--seconds", type=float, default=30.0, help="or after this long")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--inproc-seconds", type=float, default=5.0)
    args = parser.parse_args()

    credential = signed_credential()
    body = {"verifiableCredential": credential}
    with tempfile.TemporaryDirectory(prefix="ler-bench-") as tmp:
        port = free_port()
        process = start_verifier(port, Path(tmp), args.workers)
        try:
            url = f"http://127.0.0.1:{port}"
            warm = httpx.post(f"{url}/credentials/verify", json=body, timeout=60)
            verdict = warm.json().get("verified")
            http = asyncio.run(load(url, body, args.clients, args.requests, args.seconds))
        finally:
            stop(process)
    inproc, inproc_verdict = in_process_rate(credential, args.inproc_seconds)

    done = len(http.latencies)
    print("\nverify one eddsa-rdfc-2022 OB 3.0 credential (did:key issuer, no status entry)")
    print(f"machine: {os.cpu_count()} CPUs; server: uvicorn, {args.workers} worker(s); clients on")
    print("the same machine\n")
    print(f"{'where':<34}{'verif./s':>10}{'p50 ms':>10}{'p99 ms':>10}{'answers':>9}")
    print(
        f"{f'HTTP, {args.clients} concurrent clients':<34}{done / http.elapsed:>10.1f}"
        f"{http.percentile(50) * 1000:>10.1f}{http.percentile(99) * 1000:>10.1f}{done:>9}"
    )
    print(
        f"{'in-process vckit.verification':<34}{inproc:>10.1f}{1000 / inproc:>10.1f}{'':>10}{'':>9}"
    )
    statuses = ", ".join(f"HTTP {code}: {n}" for code, n in sorted(http.statuses.items()))
    errors = ", ".join(f"{name}: {n}" for name, n in http.errors.items()) or "none"
    print(f"\nHTTP answers: {statuses}; transport errors: {errors}")
    print(f"verdict over HTTP: verified={verdict}; in-process: {inproc_verdict}")
    print(f"(in-process p50 column: mean ms per call; HTTP run took {http.elapsed:.1f} s)")


if __name__ == "__main__":
    main()
