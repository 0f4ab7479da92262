"""``python -m servicekit.serve``: a service whose key-encryption key is wrong or malformed
stops at start with one line naming the setting, not a traceback and not a running server
that fails in the middle of a request."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from servicekit.sealing import Kek
from servicekit.serve import app_factory
from tests.paths import ROOT
from tests.processes import free_port, wait_until
from verifier import store
from verifier.app import create_app
from verifier.settings import KEK_SETTING, Settings


def serve(data_root: Path, kek: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LER_DATA_DIR": str(data_root), KEK_SETTING: kek, "LER_REGISTRY": ""}
    return subprocess.run(
        [sys.executable, "-m", "servicekit.serve", "verifier", "--port", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("kek", ["not-a-key", Kek.generate().text()], ids=["malformed", "wrong"])
def test_a_bad_key_encryption_key_stops_the_start_in_one_line(tmp_path: Path, kek: str) -> None:
    app = create_app(Settings(data_dir=tmp_path / "verifier", registry_file=None))
    with app.state.inst.db.transaction() as tx:  # one sealed secret, under the file's key
        job = store.add_job(tx, "Care assistant", {}, created="2026-01-01T00:00:00Z")
        store.set_webhook(tx, job.id, "https://ats.test/hook", "s" * 20, created="now")
    app.state.inst.db.close()
    done = serve(tmp_path, kek)
    assert done.returncode != 0
    assert "verifier: cannot start" in done.stderr and KEK_SETTING in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"], ids=["no-proxy-trusted", "balancer-trusted"])
def test_behind_a_trusted_balancer_each_client_is_counted_on_its_own(
    tmp_path: Path, trusted: str
) -> None:
    """One answer a minute per address: two clients through the balancer (127.0.0.1, saying
    who they are in X-Forwarded-For) get an answer each when the balancer is trusted; when
    nobody is, the header is ignored and the second is refused (429) as the same address."""
    port = free_port()
    env = {
        **os.environ, "LER_DATA_DIR": str(tmp_path), "LER_REGISTRY": "",
        "LER_ANSWER_LIMIT_ADDRESS": "1", "LER_FORWARDED_ALLOW_IPS": trusted,
    }  # fmt: skip
    command = [sys.executable, "-m", "servicekit.serve", "verifier", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: ready(url), "the verifier", 120)
        statuses = [
            httpx.post(
                f"{url}/oid4vp/response",
                data={"vp_token": "x", "state": "no-such-state"},
                headers={"X-Forwarded-For": client},
            ).status_code
            for client in ("203.0.113.7", "198.51.100.9")
        ]
    finally:
        server.terminate()
        server.wait(10)
    assert statuses == ([400, 400] if trusted else [400, 429])


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_what_startup_built_is_frozen_out_of_the_collectors_walks() -> None:
    gc.unfreeze()
    try:
        app = app_factory("landing")()  # the lightest service: it keeps no data
        assert gc.get_freeze_count() > 10_000  # modules, routes, templates: out of the walks
    finally:
        gc.unfreeze()
    assert app.title
