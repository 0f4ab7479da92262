"""``python -m servicekit.serve``: a service whose key-encryption key is wrong or malformed
stops at start with one line naming the setting, not a traceback and not a running server
that fails in the middle of a request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit.sealing import Kek
from tests.paths import ROOT
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
