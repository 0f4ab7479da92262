"""``ler sign`` for VC-JOSE-COSE: ``--format vc-cose`` (a COSE_Sign1 credential, printed
enveloped) and ``--presentation --format vc-jwt`` (a ``vp+jwt`` over ``--challenge`` and
``--domain``); ``ler verify`` reads both back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ler.cli import main
from tests import scenarios as s
from tests.ler.test_cli import NOW, unsigned, write
from vckit.jose.vp_jwt import envelop
from vckit.presentation import build_presentation


@pytest.mark.parametrize("key_type", ["ed25519", "p256", "p384"])
def test_sign_vc_cose_and_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_type: str
) -> None:
    key = tmp_path / "key.jwk"
    assert main(["keys", "new", "--type", key_type, "--out", str(key)]) == 0
    capsys.readouterr()
    args = ["sign", write(tmp_path / "vc.json", unsigned()), "--key", str(key)]
    assert main([*args, "--format", "vc-cose"]) == 0
    signed = json.loads(capsys.readouterr().out)
    assert signed["id"].startswith("data:application/vc+cose;base64,")
    assert main(["verify", write(tmp_path / "signed.json", signed), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"].startswith("vc+cose")


def test_sign_vp_jwt_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "holder.jwk"
    key.write_text(json.dumps({**s.HOLDER.to_private_jwk(), "kid": s.vm_of(s.HOLDER)}))
    vp = build_presentation([envelop(s.jwt_credential())], holder=s.did_of(s.HOLDER))
    path = write(tmp_path / "vp.json", vp)
    bind = ["--challenge", "c-9", "--domain", "https://v.example"]
    assert (
        main(["sign", path, "--key", str(key), "--presentation", "--format", "vc-jwt", *bind]) == 0
    )
    token = capsys.readouterr().out.strip()
    assert token.count(".") == 2
    signed = tmp_path / "vp.jwt"
    signed.write_text(token)
    assert main(["verify", str(signed), "--json", *NOW, *bind]) == 0, capsys.readouterr().out
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "presentation" and report["format"].startswith("vp+jwt")
