"""VC-JOSE-COSE §3.3 ``application/vc+cose``: COSE_Sign1 credentials (ES256, ES384, EdDSA)
signed and verified by vckit (with pycose), enveloped as ``data:application/vc+cose;base64``;
the signature checked independently of pycose (cbor2 + cryptography over RFC 9052 §4.4's
Sig_structure)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ler.cli import main
from tests import scenarios as s
from tests.verifier.web.test_supplied_key import example_credential
from vckit import VerifyOptions, verify
from vckit.cose import vc_cose
from vckit.did.resolver import did_key
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyKind, KeyPair
from vckit.report import Report

KINDS: list[KeyKind] = ["Ed25519", "P-256", "P-384"]


def issuer(kind: KeyKind) -> KeyPair:
    return s.ISSUER if kind == "Ed25519" else KeyPair.generate(kind)


def signed(key: KeyPair) -> bytes:
    credential = s.ob3_credential(did_key(key.public), s.did_of(s.HOLDER))
    return vc_cose.sign_vc_cose(credential, key, kid=key_id(key.public))


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


@pytest.mark.parametrize("kind", KINDS)
def test_a_vc_cose_verifies(kind: KeyKind) -> None:
    report = verify(vc_cose.envelop(signed(issuer(kind))), VerifyOptions(now=s.NOW))
    assert report.format.startswith("vc+cose")
    assert statuses(report)["proof"] == "pass" and statuses(report)["issuer-key"] == "pass"


def test_the_protected_header_is_the_specs() -> None:
    tag = cbor2.loads(signed(s.ISSUER))
    assert tag.tag == 18  # COSE_Sign1
    protected = cbor2.loads(tag.value[0])
    assert protected[1] == -8  # EdDSA
    assert protected[3] == "application/vc" and protected[16] == "application/vc+cose"
    assert protected[4] == key_id(s.ISSUER.public).encode()
    assert json.loads(tag.value[2])["type"][0] == "VerifiableCredential"


def _independent_verify(data: bytes, key: KeyPair) -> None:
    """RFC 9052 §4.4: the signature over Sig_structure, without pycose."""
    protected, _unprotected, payload, signature = cbor2.loads(data).value
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    public = key.public.to_jwk()
    if public["kty"] == "OKP":
        raw = base64.urlsafe_b64decode(public["x"] + "==")
        ed25519.Ed25519PublicKey.from_public_bytes(raw).verify(signature, to_be_signed)
        return
    size = len(signature) // 2
    der = encode_dss_signature(
        int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    )
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(base64.urlsafe_b64decode(public["x"] + "=="), "big"),
        int.from_bytes(base64.urlsafe_b64decode(public["y"] + "=="), "big"),
        ec.SECP256R1() if public["crv"] == "P-256" else ec.SECP384R1(),
    )
    digest = hashes.SHA256() if public["crv"] == "P-256" else hashes.SHA384()
    numbers.public_key().verify(der, to_be_signed, ec.ECDSA(digest))


@pytest.mark.parametrize("kind", KINDS)
def test_the_signature_verifies_without_pycose(kind: KeyKind) -> None:
    key = issuer(kind)
    _independent_verify(signed(key), key)


def test_a_tampered_payload_fails_the_proof() -> None:
    tag = cbor2.loads(signed(s.ISSUER))
    protected, unprotected, payload, signature = tag.value
    changed = payload.replace(b"Example", b"Exampl3") if b"Example" in payload else payload + b" "
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, changed, signature]))
    report = verify(vc_cose.envelop(forged), VerifyOptions(now=s.NOW))
    assert statuses(report)["proof"] == "fail"


def test_a_key_the_caller_supplies_checks_a_kid_that_is_not_a_did_url() -> None:
    data = vc_cose.sign_vc_cose(example_credential(), s.ISSUER, kid="key-1")
    report = verify(vc_cose.envelop(data), VerifyOptions(now=s.NOW, supplied_key=s.ISSUER.public))
    assert statuses(report)["proof"] == "pass"
    assert statuses(report)["issuer-key"] == "could-not-check"


def test_ler_verify_reads_a_vc_cose_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "credential.cose"
    path.write_bytes(signed(s.ISSUER))
    assert main(["verify", str(path), "--json", "--now", s.NOW.isoformat()]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"].startswith("vc+cose")
