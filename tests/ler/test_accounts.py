"""``ler staff add`` and ``ler tokens add|list|revoke``: what they print works at the verifier."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ler.cli import main
from tests.verifier.callers import csrf_of
from verifier.app import create_app
from verifier.settings import Settings
from verifier.web.deps import COOKIE

ORG = "Acme Care"


def printed(capsys: pytest.CaptureFixture[str], label: str) -> str:
    found = re.search(rf"^{label}:\s+(\S+)", capsys.readouterr().out, re.M)
    assert found, label
    return found.group(1)


def test_staff_and_tokens_made_by_the_cli_open_the_verifier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LER_VERIFIER_DATABASE_URL", raising=False)
    assert main(["staff", "add", "--org", ORG, "--email", "hr@acme.example"]) == 0
    password = printed(capsys, "password")
    assert main(["tokens", "add", "--org", ORG, "--name", "ATS", "--scope", "jobs:read"]) == 0
    out = capsys.readouterr().out
    secret = re.search(r"^token:\s+(\S+)", out, re.M)
    token_id = re.search(r"^token id:\s+(\S+)", out, re.M)
    assert secret and token_id

    app = create_app(Settings(data_dir=tmp_path / "verifier"))
    reader = TestClient(app, headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert reader.get("/api/jobs").status_code == 200
    assert reader.post("/api/jobs", json={"title": "x"}).status_code == 403  # read only
    browser = TestClient(app)
    form = browser.get("/sign-in")
    browser.cookies.set(COOKIE, form.cookies.get(COOKIE) or "")
    fields = {"email": "hr@acme.example", "password": password, "csrf": csrf_of(form.text)}
    assert browser.post("/sign-in", data=fields, follow_redirects=False).status_code == 303
    app.state.inst.db.close()

    assert main(["tokens", "list", "--org", ORG]) == 0
    listing = capsys.readouterr().out
    assert token_id.group(1) in listing and secret.group(1) not in listing
    assert main(["tokens", "revoke", "--org", ORG, token_id.group(1)]) == 0
    app = create_app(Settings(data_dir=tmp_path / "verifier"))
    reader = TestClient(app, headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert reader.get("/api/jobs").status_code == 401
    app.state.inst.db.close()
    assert main(["tokens", "list", "--org", "Nobody"]) == 2
