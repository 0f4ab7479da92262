"""Fixtures for interoperability tests against code we did not write.

The JavaScript side lives in ``tests/interop/js``: exact npm versions in ``package-lock.json``,
installed with ``npm ci`` into ``tests/interop/js/node_modules`` (git-ignored). ``npm ci`` runs
again whenever what is installed differs from the lock file (npm's own record of the install,
``node_modules/.package-lock.json``, is compared with ``package-lock.json``), whoever installed it.

Node.js and npm are required: without them these tests FAIL (they are never skipped), because
``make test`` is expected to install them.

Each script reads a batch ``{"cases": [...]}`` on stdin and writes ``{"results": [...]}``, so a
test module starts node once or twice, not once per case.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

JS_DIR = Path(__file__).parent / "js"
REPO = Path(__file__).resolve().parents[2]
CONTEXTS_DIR = REPO / "contexts"
VECTORS = REPO / "tests" / "vectors" / "interop"
LOCK_FILE = JS_DIR / "package-lock.json"
INSTALLED_LOCK = JS_DIR / "node_modules" / ".package-lock.json"  # written by npm ci / install
# @sd-jwt/* 0.19 declares node >= 20 (the CI machine has 20.20; Debian bookworm ships 18)
MIN_NODE_MAJOR = 20
NPM_CI_TIMEOUT_S = 600
NODE_TIMEOUT_S = 180


class JsResults(dict[str, dict[str, Any]]):
    """Results of one node batch, keyed by case id."""

    def completed(self, case_id: str) -> dict[str, Any]:
        """The result of ``case_id``; fails the test if the JS side crashed on that case."""
        result = self[case_id]
        if result.get("crashed"):
            pytest.fail(f"the JS side could not run case {case_id}: {result['error']}")
        return result


RunJs = Callable[[str, Sequence[Mapping[str, Any]]], JsResults]


def _versions(lock: Path) -> dict[str, str]:
    """``{"node_modules/<name>": version}`` of a lock file ("" is the project itself)."""
    packages = json.loads(lock.read_text())["packages"]
    return {path: entry.get("version", "") for path, entry in packages.items() if path}


def _installed_matches_lock() -> bool:
    """True iff node_modules holds the same packages, at the same versions, as the lock file."""
    return INSTALLED_LOCK.is_file() and _versions(INSTALLED_LOCK) == _versions(LOCK_FILE)


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"interop tests need `{tool}` (Node.js >= {MIN_NODE_MAJOR} with npm) on PATH; "
            "`make test` installs them. These tests are never skipped.",
            pytrace=False,
        )
    return path


def _check_node_version(node: str) -> None:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    version = out.stdout.strip().lstrip("v")
    major = int(version.split(".")[0]) if version[:1].isdigit() else 0
    if major < MIN_NODE_MAJOR:
        pytest.fail(f"interop tests need Node.js >= {MIN_NODE_MAJOR}, found {version!r}")


@pytest.fixture(scope="session")
def js_packages() -> Path:
    """``tests/interop/js`` with its pinned npm packages installed (``npm ci`` if stale)."""
    node, npm = _require("node"), _require("npm")
    _check_node_version(node)
    if not _installed_matches_lock():
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_S,
        )
        if proc.returncode != 0:
            pytest.fail(f"`npm ci` in {JS_DIR} failed:\n{proc.stdout}\n{proc.stderr}")
        if not _installed_matches_lock():
            pytest.fail(f"after `npm ci`, {INSTALLED_LOCK} still differs from {LOCK_FILE}")
    return JS_DIR


@pytest.fixture(scope="session")
def run_js(js_packages: Path) -> RunJs:
    """Run ``script`` (di.mjs or jwt.mjs) once on a batch of cases; results keyed by case id."""
    node = _require("node")
    env = {**os.environ, "INTEROP_CONTEXTS_DIR": str(CONTEXTS_DIR)}

    def run(script: str, cases: Sequence[Mapping[str, Any]]) -> JsResults:
        ids = [case["id"] for case in cases]
        if len(set(ids)) != len(ids):
            raise AssertionError(f"duplicate case ids in the batch for {script}")
        proc = subprocess.run(
            [node, str(js_packages / script)],
            input=json.dumps({"cases": list(cases)}).encode("utf-8"),
            capture_output=True,
            cwd=js_packages,
            env=env,
            timeout=NODE_TIMEOUT_S,
        )
        if proc.returncode != 0:
            pytest.fail(f"node {script} exited {proc.returncode}:\n{proc.stderr.decode()}")
        results = json.loads(proc.stdout.decode("utf-8"))["results"]
        return JsResults((result["id"], result) for result in results)

    return run


@pytest.fixture(scope="session")
def interop_keys() -> dict[str, Any]:
    """Fixed test keys (W3C vector keys + one RSA key); see tests/vectors/interop/SOURCE.md."""
    keys: dict[str, Any] = json.loads((VECTORS / "keys.json").read_text())
    return keys


@pytest.fixture(scope="session")
def unicode_strings() -> dict[str, str]:
    strings: dict[str, str] = json.loads((VECTORS / "unicode-strings.json").read_text())
    return strings


BASE_URL = "http://issuer.test"
TOKEN = "interop-token-0123456789"


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[TestClient]:
    """The real issuer app (the demo issuers) behind a TestClient authorized with its token."""
    from issuer.app import create_app
    from issuer.settings import EXAMPLES, Settings

    settings = Settings(
        base_url=BASE_URL,
        data_dir=tmp_path / "issuer",
        api_token=TOKEN,
        demo_file=EXAMPLES / "issuers.json",
    )
    app = create_app(settings)
    try:
        yield TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        app.state.inst.db.close()
