"""``ler demo``: the whole story over HTTP against real services, on SQLite and on PostgreSQL.

Each test runs the real command (``ler demo --start``) in a subprocess: it starts the issuer,
wallet and verifier on free ports and drives them through their HTTP interfaces. The
broken-expectation test gives the verifier a real registry that does not accredit the
college, so the story's verdicts must change and the command must say so (exit 1).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
STORY_LINES = (
    "[as expected] three OpenID4VCI offers (pre-authorized code), one link each",
    "[as expected] all three verified on arrival",
    "skills view: 'Patient data privacy' evidenced by 2 verified credentials of 2",
    "[as expected] an OpenID4VP request with a fresh, single-use challenge",
    "verdict: PASS",
    "[as expected] verdict pass",
    "[as expected] requirement met",
    "[as expected] the verifier saw the two nursing credentials and not the food one",
    "[as expected] Fundamentals of Nursing I: grade and date of birth withheld",
    "[as expected] Fundamentals of Nursing II: grade and date of birth withheld",
    "[as expected] Not revoked or suspended: pass",
    "[as expected] Meets the job's requirements: pass",
    "verdict: FAIL, fails at: status",
    "[as expected] the same presentation now fails at status, and only there",
    "[as expected] the other nursing credential still verifies",
    "verdict: FAIL, fails at: trusted-issuer",
    "[as expected] it fails at trusted-issuer, and only there",
    "[as expected] the programme credential carries the board's endorsement",
    "[as expected] the CLR holds the learner's programme credential",
    "[as expected] the CLR holds both courses, as the registrar's eddsa-rdfc-2022 copies",
    "[as expected] the transcript shows both courses held, each with its own badge",
    "[as expected] the wallet shows the CLR as a transcript of the programme and its courses",
    "[as expected] the wallet shows the board's endorsement on the programme credential",
    "[as expected] the CLR's own proof verifies",
    "[as expected] each credential inside verifies on its own, its issuer accredited",
    "[as expected] the verifier reports the board's endorsement, its endorser accredited",
    "ler demo: all 8 steps gave the expected result",
)


def ler_demo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``ler demo ARGS`` in a real process, with no LER_* setting but those in ``env``."""
    outside = {k: v for k, v in os.environ.items() if not k.startswith("LER_")}
    environment = {**outside, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ler.cli", "demo", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def lines_of(output: str) -> set[str]:
    return {line.strip() for line in output.splitlines()}


def assert_story_passed(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    found = lines_of(result.stdout)
    missing = [line for line in STORY_LINES if line not in found]
    assert not missing, f"missing lines {missing}\n{result.stdout[-4000:]}"
    assert "NOT AS EXPECTED" not in result.stdout


def test_the_story_runs_on_sqlite() -> None:
    assert_story_passed(ler_demo("--start"))


def test_the_same_story_runs_on_postgresql(postgres_server: str) -> None:
    urls = {}
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        for role in ("issuer", "wallet", "verifier"):
            name = f"demo_{role}_{os.getpid()}"
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
            urls[role] = postgres_server.replace("/postgres?", f"/{name}?")
    env = {f"LER_{role.upper()}_DATABASE_URL": url for role, url in urls.items()}

    assert_story_passed(ler_demo("--start", env=env))

    # the services kept their records in PostgreSQL, not in a SQLite file
    counts = {
        "issuer": "SELECT COUNT(*) FROM credentials",
        "wallet": "SELECT COUNT(*) FROM credentials",
        "verifier": "SELECT COUNT(*) FROM responses",
    }
    found = {}
    for role, query in counts.items():
        with psycopg.connect(urls[role]) as connection:
            row = connection.execute(query).fetchone()
            found[role] = row[0] if row else 0
    # step 8 adds the endorsement, the programme credential, the corrected course credential,
    # the registrar's copies of the two course credentials and the CLR; the wallet keeps the CLR
    assert found == {"issuer": 9, "wallet": 4, "verifier": 1}


def test_a_verifier_that_does_not_accredit_the_college_breaks_the_story(tmp_path: Path) -> None:
    registry = json.loads((ROOT / "examples" / "registry.json").read_text())
    registry["issuers"] = [i for i in registry["issuers"] if i["slug"] != "community-college"]
    (tmp_path / "registry.json").write_text(json.dumps(registry))

    result = ler_demo("--start", env={"LER_REGISTRY": str(tmp_path / "registry.json")})

    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-2000:]
    found = lines_of(result.stdout)
    assert "verdict: FAIL" in found
    [verdict] = [line for line in found if line.startswith("[NOT AS EXPECTED] verdict pass")]
    assert "'trusted-issuer'" in verdict and "'requirements-met'" in verdict
    assert any(line.startswith("[NOT AS EXPECTED] requirement met") for line in found)
    assert "ler demo: all 8 steps gave the expected result" not in found
    assert "- step 4: requirement met" in found


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_service_exits_2_and_says_which() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    result = ler_demo(
        "--issuer-url", url, "--wallet-url", url, "--verifier-url", url, "--issuer-token", "t"
    )
    assert result.returncode == 2
    assert f"the issuer at {url} cannot be reached" in result.stderr
    assert "ler demo --start" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_an_issuer_token_it_says_where_it_looked(tmp_path: Path) -> None:
    result = ler_demo(env={"LER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert f"cannot read {tmp_path / 'issuer' / 'api-token'}" in result.stderr


def free_base_port() -> int:
    """A base port whose four ports are free (landing base, then issuer, wallet, verifier)."""
    for base in range(31_000, 60_000, 10):
        try:
            for offset in range(4):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def wait_until_up(url: str, deadline: float) -> None:
    while True:
        try:
            httpx.get(url, timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_ler_demo_against_ler_up_reads_the_token_ler_up_made(tmp_path: Path) -> None:
    """The README's order: `make up` (ler up, here on other ports than 8000), then `ler demo`
    with no options: it finds the token and the addresses ler up wrote."""
    base = free_base_port()
    outside = {k: v for k, v in os.environ.items() if not k.startswith("LER_")}
    env = {**outside, "LER_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    up = subprocess.Popen(
        [sys.executable, "-m", "ler.cli", "up", "--port", str(base)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        for offset in (1, 2, 3):
            wait_until_up(f"http://127.0.0.1:{base + offset}/healthz", deadline)
        # no --*-url: `ler demo` reads the addresses `ler up` wrote to <data dir>/urls.json
        result = ler_demo(env={"LER_DATA_DIR": str(tmp_path)})
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(timeout=30)
    assert_story_passed(result)
