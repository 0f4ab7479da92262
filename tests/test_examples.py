"""The library walkthrough in examples/ keeps working: a newcomer's first read must run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_walkthrough_passes_then_fails_at_status_after_revocation() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "walkthrough.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    before, after = result.stdout.split("after revocation:")
    assert "before revocation: PASS" in before
    assert after.startswith(" FAIL")
    assert "fail             Not revoked or suspended" in after
