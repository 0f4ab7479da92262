"""The README's first command: ``ler up`` starts the four services and stops them on Ctrl-C."""

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
import pytest

from vckit.did.resolver import DidResolver

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "up-test-token-0123456789abcdef"


def free_base_port() -> int:
    """A base port free with its next three (landing on base, the others base+1..base+3)."""
    for base in range(23_000, 60_000, 10):
        try:
            for offset in (0, 1, 2, 3):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def wait_until_up(url: str, deadline: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_ler_up_serves_all_four_and_stops_cleanly(tmp_path: Path, stop_signal: int) -> None:
    base = free_base_port()
    env = {**os.environ, "LER_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env["LER_ISSUER_TOKEN"] = TOKEN
    for variable in ("LER_ALLOW_HTTP_LOCALHOST", "LER_WALLET_ALLOW_HTTP_LOCALHOST"):
        env.pop(variable, None)  # off by default in each service; ler up turns it on
    process = subprocess.Popen(
        [sys.executable, "-m", "ler.cli", "up", "--port", str(base)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        for offset in (0, 1, 2, 3):
            response = wait_until_up(f"http://127.0.0.1:{base + offset}/healthz", deadline)
            assert response.json() == {"status": "ok"}
            assert httpx.get(f"http://127.0.0.1:{base + offset}/readyz", timeout=5).is_success
        landing = httpx.get(f"http://127.0.0.1:{base}/", timeout=5).text
        assert f'href="http://localhost:{base + 3}/registry"' in landing  # the map links
        stats = httpx.get(f"http://127.0.0.1:{base}/stats.json", timeout=30).json()
        assert all(service["available"] for service in stats["services"].values()), stats
        did = httpx.get(f"http://127.0.0.1:{base + 1}/.well-known/did.json", timeout=5).json()
        assert did["id"] == f"did:web:localhost%3A{base + 1}"
        # the issuer's DID document resolves with vckit (https mapped to the local http server)
        resolver = DidResolver(lambda url: httpx.get(url.replace("https:", "http:", 1)).content)
        document, method = resolver.resolve_method(did["assertionMethod"][0])
        assert document.allows(method.id, "assertionMethod")
        assert method.public_key.kind == "Ed25519"
        assert not (tmp_path / "issuer" / "issuer-key.jwk").exists()  # in the database now
        assert "Verify a credential" in httpx.get(f"http://127.0.0.1:{base + 3}/", timeout=5).text
        issued = httpx.post(
            f"http://127.0.0.1:{base + 1}/issuers/community-college/credentials",
            json={"achievement": "fundamentals-of-nursing-1", "format": "eddsa-rdfc-2022",
                  "recipient": {"did": "did:example:learner"}},
            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30,
        )  # fmt: skip
        assert issued.status_code == 201, issued.text
        checked = httpx.post(
            f"http://127.0.0.1:{base + 3}/credentials/verify",
            json={"verifiableCredential": issued.json()["credential"]}, timeout=30,
        )  # fmt: skip
        assert checked.json()["verified"] is True, checked.text  # did:web on localhost, allowed
        sign_up = httpx.get(f"http://127.0.0.1:{base + 2}/sign-up", timeout=5)
        assert "Create an account" in sign_up.text  # the wallet, with its database
        assert (tmp_path / "wallet" / "wallet.db").exists()
        assert not (tmp_path / "wallet" / "session-secret").exists()  # in the database now
    finally:
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.splitlines()[0] == f"landing   http://localhost:{base}/"  # the map first
    assert f"verifier  http://localhost:{base + 3}/" in out
    logged = [json.loads(line) for line in err.splitlines() if line.strip()]  # JSON lines only
    requests = [r for r in logged if r.get("event") == "request"]
    assert {r["service"] for r in requests} == {"landing", "issuer", "wallet", "verifier"}
    assert all(set(r) >= {"time", "level", "path", "status", "request_id"} for r in requests)


def start_up(data: Path, base: int) -> subprocess.Popen[str]:
    env = {**os.environ, "LER_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("LER_DEMO_SEED", None)  # ler up turns the seed on by itself
    return subprocess.Popen(
        [sys.executable, "-m", "ler.cli", "up", "--port", str(base)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def seeded_state(base: int, password: str, data: Path) -> tuple[int, int]:
    """Signs in as the demo learner; (learners in the wallet, demo jobs listed at the verifier,
    asked with the demo employer's API token)."""
    from demo.clients import WalletClient
    from servicekit.demo_seed import JOB_TITLE, LEARNER_EMAIL, TOKEN_FILE, read_password

    deadline = time.monotonic() + 60
    for offset in (2, 3):
        wait_until_up(f"http://127.0.0.1:{base + offset}/readyz", deadline)
    wallet = WalletClient(f"http://127.0.0.1:{base + 2}")
    try:
        fields = {"email": LEARNER_EMAIL, "password": "wrong password, surely"}
        wallet.form("/sign-in", fields, page="/sign-in", expect=401)
        fields["password"] = password
        signed_in = wallet.form("/sign-in", fields, page="/sign-in", expect=303)
        assert signed_in.headers["location"] == "/credentials"
        assert LEARNER_EMAIL in wallet.page("/credentials")  # a signed-in page, not /sign-in
    finally:
        wallet.close()
    learners = httpx.get(f"http://127.0.0.1:{base + 2}/stats", timeout=5).json()["totals"]
    verifier = f"http://127.0.0.1:{base + 3}"
    assert httpx.get(f"{verifier}/jobs", timeout=5).status_code == 303  # staff only
    token = read_password(data / "verifier" / TOKEN_FILE, "token")
    employer = {"Authorization": f"Bearer {token}"}
    jobs = httpx.get(f"{verifier}/api/jobs", timeout=5, headers=employer)
    return learners["learners"], [job["title"] for job in jobs.json()].count(JOB_TITLE)


def test_ler_up_seeds_the_demo_learner_and_job_once(tmp_path: Path) -> None:
    """The learner signs in with the password ``ler up`` points to; the job is listed; a
    restart keeps one account with the same password, and one job."""
    password_file = tmp_path / "wallet" / "demo-learner.txt"
    passwords: list[str] = []
    base = free_base_port()  # the same ports both times: the data folder was made for them
    for run in (1, 2):
        process = start_up(tmp_path, base)
        try:
            deadline = time.monotonic() + 60
            try:
                wait_until_up(f"http://127.0.0.1:{base + 2}/healthz", deadline)
            except httpx.TransportError:
                process.send_signal(signal.SIGINT)
                out, err = process.communicate(timeout=30)  # say why, not only "refused"
                raise AssertionError(f"run {run}: no wallet\n{out}\n{err}") from None
            text = password_file.read_text()
            assert password_file.stat().st_mode & 0o777 == 0o600
            password = text.split("password:", 1)[1].split()[0]
            assert len(password) >= 10 and "email: alex.rivera@demo.example" in text
            passwords.append(password)
            assert seeded_state(base, password, tmp_path) == (1, 1), f"run {run}"
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
                out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        expected = f"demo learner: alex.rivera@demo.example, password in {password_file}"
        assert expected in out.splitlines()
        token_line = next(i for i, line in enumerate(out.splitlines()) if "API token" in line)
        assert out.splitlines()[token_line + 1] == expected  # next to the token line
    assert passwords[0] == passwords[1]


def test_a_busy_port_is_named_before_any_url_is_printed(tmp_path: Path) -> None:
    """`make up` with the wallet's port taken says which and how to pick others, and starts
    nothing (it used to print the four URLs, then stop with an Errno 98 line)."""
    base = free_base_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", base + 2))
        holder.listen()
        process = start_up(tmp_path, base)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2, err
    assert "http://" not in out  # no URL printed as if all were fine
    assert f"port {base + 2} (wallet) is already in use" in err
    assert "ler up --port " in err and "Errno" not in err
    assert not (tmp_path / "wallet").exists()  # nothing started


def test_a_data_folder_made_for_other_ports_is_refused_plainly(tmp_path: Path) -> None:
    """The issuers' DIDs name the ports `ler up` first ran on: on other ports it says so and
    how to go on, instead of starting services whose credentials fail at "proof"."""
    first = free_base_port()
    process = start_up(tmp_path, first)
    try:
        wait_until_up(f"http://127.0.0.1:{first + 1}/healthz", time.monotonic() + 90)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    written = json.loads((tmp_path / "urls.json").read_text())
    assert written["issuer"] == f"http://localhost:{first + 1}"  # `ler demo` reads this
    second = free_base_port() + 100
    process = start_up(tmp_path, second)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2, err
    assert "http://" not in out
    assert f"was made for other addresses (issuer at http://localhost:{first + 1}" in err
    assert f"ler up --port {first}" in err and "fresh data folder" in err
