"""``ler``: keys, sign and verify as a solution provider would use them, with the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ler.cli import main
from tests import scenarios as s
from tests.paths import ROOT
from vckit.ob import baking

NOW = ["--now", s.NOW.isoformat()]


def ler(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "ler.cli", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


def unsigned(issuer: str | None = None) -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    credential.pop("issuer")
    if issuer:
        credential["issuer"] = issuer
    return credential


@pytest.mark.parametrize(
    ("key_type", "form"),
    [
        ("ed25519", None),
        ("p256", None),
        ("p384", "ecdsa-rdfc-2019"),
        ("ed25519", "vc-jwt"),
        ("p256", "ob3-jwt"),
        ("rsa", "vc-jwt"),
    ],
)
def test_keys_new_sign_verify_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_type: str, form: str | None
) -> None:
    key = tmp_path / "key.jwk"
    assert main(["keys", "new", "--type", key_type, "--out", str(key)]) == 0
    assert key.stat().st_mode & 0o777 == 0o600
    assert json.loads(key.read_text())["kid"].startswith("did:")
    capsys.readouterr()

    args = ["sign", write(tmp_path / "vc.json", unsigned()), "--key", str(key)]
    assert main(args + (["--format", form] if form else [])) == 0
    signed = capsys.readouterr().out
    signed_path = write(tmp_path / "signed.txt", signed)

    assert main(["verify", signed_path]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "PASS" in out and "FAIL" not in out


def test_verify_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "vc.json", s.good_credential())
    assert main(["verify", path, "--json", *NOW]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "pass"
    assert {c["id"] for c in report["checks"]} >= {"proof", "issuer-key", "status"}


def test_exit_1_when_a_check_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vc = s.good_credential()
    vc["name"] = "Something else"
    assert main(["verify", write(tmp_path / "vc.json", vc), *NOW]) == 1
    assert "[FAIL] Signature (proof)" in capsys.readouterr().out


def test_exit_3_when_something_could_not_be_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "vc.json", s.with_status("revocation"))
    assert main(["verify", path, *NOW]) == 3
    out = capsys.readouterr().out
    assert "[COULD NOT CHECK] Not revoked or suspended" in out
    assert "not allowed" in out


def test_presentation_needs_its_challenge(tmp_path: Path) -> None:
    shared = s.presentation()
    path = write(tmp_path / "vp.json", shared.presentation)
    assert main(["verify", path, *NOW]) == 3
    expected = ["--challenge", shared.challenge, "--domain", shared.domain]
    assert main(["verify", path, *NOW, *expected]) == 0
    assert main(["verify", path, *NOW, "--challenge", "replayed", "--domain", shared.domain]) == 1


def test_sign_presentation_as_holder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "holder.jwk"
    main(["keys", "new", "--out", str(key)])
    holder_did = json.loads(key.read_text())["kid"].split("#")[0]
    credential = s.sign(s.ob3_credential(s.did_of(s.ISSUER), holder_did), s.ISSUER)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [credential],
    }
    capsys.readouterr()
    args = ["sign", write(tmp_path / "vp.json", vp), "--key", str(key), "--presentation"]
    assert main([*args, "--challenge", "n-1", "--domain", "https://x.example"]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert signed["holder"] == holder_did
    assert signed["proof"]["proofPurpose"] == "authentication"
    verified = write(tmp_path / "signed.json", signed)
    expected = ["--challenge", "n-1", "--domain", "https://x.example", *NOW]
    assert main(["verify", verified, *expected]) == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param("{not json", "not valid JSON", id="malformed-json"),
        pytest.param("", "empty", id="empty"),
        pytest.param('{"type": "Thing"}', "VerifiableCredential", id="not-a-credential"),
        pytest.param('{"a":' * 200 + "1" + "}" * 200, "nested", id="too-deep"),
    ],
)
def test_exit_2_with_one_line_for_unusable_input(tmp_path: Path, content: str, reason: str) -> None:
    result = ler("verify", write(tmp_path / "in.json", content))
    assert result.returncode == 2
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_file_is_exit_2() -> None:
    result = ler("verify", "/nonexistent/credential.json")
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert "cannot read" in result.stderr


def test_stdin_input_in_a_real_process() -> None:
    result = ler("verify", "-", *NOW, stdin=json.dumps(s.good_credential()).encode())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "credential (eddsa-rdfc-2022): PASS" in result.stdout


def test_bad_key_file_is_exit_2(tmp_path: Path) -> None:
    result = ler(
        "sign",
        write(tmp_path / "vc.json", unsigned()),
        "--key",
        write(tmp_path / "k.jwk", '{"kty": "oct", "k": "AAAA"}'),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_sign_warns_when_issuer_is_not_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k.jwk"
    main(["keys", "new", "--out", str(key)])
    path = write(tmp_path / "vc.json", unsigned(issuer="did:example:someone-else"))
    assert main(["sign", path, "--key", str(key)]) == 0
    assert "warning: issuer is did:example:someone-else" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["png", "svg"])
@pytest.mark.parametrize("form", ["json-ld", "vc-jwt"])
def test_verify_reads_the_credential_baked_into_a_badge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, form: str
) -> None:
    credential = s.good_credential() if form == "json-ld" else s.jwt_credential()
    if kind == "png":
        image = baking.bake_png(baking.default_badge_png(), credential)
    else:
        image = baking.bake_svg(baking.default_badge_svg("Nursing", "College"), credential).encode()
    path = tmp_path / f"badge.{kind}"
    path.write_bytes(image)
    assert main(["verify", str(path), *NOW]) == 0
    assert ": PASS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("image", "message"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "truncated PNG", id="broken-png"),
        pytest.param(
            b"<svg xmlns='http://www.w3.org/2000/svg'/>", "no <openbadges", id="unbaked-svg"
        ),
    ],
)
def test_an_unusable_badge_image_is_exit_2(tmp_path: Path, image: bytes, message: str) -> None:
    path = tmp_path / "badge.img"
    path.write_bytes(image)
    result = ler("verify", str(path))
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert message in result.stderr


def test_a_tampered_credential_in_a_badge_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credential = s.good_credential()
    credential["name"] = "Something else entirely"
    path = tmp_path / "badge.png"
    path.write_bytes(baking.bake_png(baking.default_badge_png(), credential))
    assert main(["verify", str(path), *NOW]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_keys_new_refuses_to_overwrite(tmp_path: Path) -> None:
    key = tmp_path / "k.jwk"
    assert main(["keys", "new", "--out", str(key)]) == 0
    before = key.read_text()
    assert main(["keys", "new", "--out", str(key)]) == 2
    assert key.read_text() == before


def test_key_file_whose_kid_names_another_key_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "k.jwk"
    main(["keys", "new", "--out", str(key)])
    jwk = json.loads(key.read_text())
    jwk["kid"] = s.vm_of(s.OTHER)
    forged = write(tmp_path / "forged.jwk", jwk)
    result = ler("sign", write(tmp_path / "vc.json", unsigned()), "--key", forged)
    assert result.returncode == 2
    assert "names another key" in result.stderr


def test_issuer_object_without_id_is_no_traceback(tmp_path: Path) -> None:
    key = tmp_path / "k.jwk"
    main(["keys", "new", "--out", str(key)])
    vc = unsigned()
    vc["issuer"] = {"name": "No id"}
    result = ler("sign", write(tmp_path / "vc.json", vc), "--key", str(key))
    assert "Traceback" not in result.stderr
