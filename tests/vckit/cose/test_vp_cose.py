"""VC-JOSE-COSE §3.3.2 ``application/vp+cose``: a COSE_Sign1 presentation signed by its holder,
verified by vckit (holder key by DID, or a key the caller supplies for a holder whose ``kid``
cannot be looked up; never for the credentials inside); enveloped ``vc+cose`` credentials in
unpadded base64 (the W3C suite's vectors) are read; P-521 keys sign COSE (ES512)."""

from __future__ import annotations

import base64
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests import scenarios as s
from tests.verifier.web.test_supplied_key import example_credential
from vckit import VerifyOptions, verify
from vckit.cose import vc_cose
from vckit.errors import JwtFormatError
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation
from vckit.report import Report


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def cose_credential(key: KeyPair = s.ISSUER) -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(key), s.did_of(s.HOLDER))
    return vc_cose.envelop(vc_cose.sign_vc_cose(credential, key, kid=s.vm_of(key)))


def vp_cose(holder: str, kid: str, key: KeyPair = s.HOLDER) -> bytes:
    vp = build_presentation([cose_credential()], holder=holder)
    return vc_cose.sign_vp_cose(vp, key, kid=kid)


def test_a_vp_cose_by_a_did_holder_verifies() -> None:
    data = vp_cose(s.did_of(s.HOLDER), s.vm_of(s.HOLDER))
    protected = cbor2.loads(cbor2.loads(data).value[0])
    assert protected[3] == "application/vp" and protected[16] == "application/vp+cose"
    report = verify(data, VerifyOptions(now=s.NOW))
    assert report.kind == "presentation" and report.format == "vp+cose (EdDSA)"
    assert statuses(report)["proof"] == "pass" and statuses(report)["holder-key"] == "pass"
    assert statuses(report)["holder-binding"] == "pass"
    assert [statuses(c)["proof"] for c in report.credentials] == ["pass"]


def test_a_vp_cose_signed_by_another_key_fails() -> None:
    data = vp_cose(s.did_of(s.HOLDER), s.vm_of(s.HOLDER), key=s.OTHER)
    assert statuses(verify(data, VerifyOptions(now=s.NOW)))["proof"] == "fail"


def test_a_vp_cose_cannot_carry_an_expected_challenge() -> None:
    data = vp_cose(s.did_of(s.HOLDER), s.vm_of(s.HOLDER))
    report = verify(data, VerifyOptions(now=s.NOW, challenge="c-1"))
    assert statuses(report)["challenge"] == "fail"


def test_the_supplied_key_checks_the_holder_only() -> None:
    """An https holder with a thumbprint kid: the caller's key checks the holder's signature
    (*holder-key* stays could-not-check); the credential inside is still checked by its own
    issuer's key, which its did:key gives."""
    data = vp_cose("https://holder.example", "thumbprint-kid")
    report = verify(data, VerifyOptions(now=s.NOW, supplied_key=s.HOLDER.public))
    assert statuses(report)["proof"] == "pass"
    assert statuses(report)["holder-key"] == "could-not-check"
    assert [statuses(c)["proof"] for c in report.credentials] == ["pass"]


def test_the_supplied_key_is_not_used_for_the_credentials_inside() -> None:
    inner = vc_cose.sign_vc_cose(example_credential(), s.ISSUER, kid="thumbprint-kid")
    vp = build_presentation([vc_cose.envelop(inner)], holder="https://holder.example")
    data = vc_cose.sign_vp_cose(vp, s.HOLDER, kid="thumbprint-kid")
    report = verify(data, VerifyOptions(now=s.NOW, supplied_key=s.HOLDER.public))
    assert statuses(report)["proof"] == "pass"
    assert [statuses(c)["proof"] for c in report.credentials] == ["could-not-check"]


def test_an_enveloped_vc_cose_without_base64_padding_is_read() -> None:
    """The suite's vectors carry base64 without its padding (Go's RawStdEncoding)."""
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    data = vc_cose.sign_vc_cose(credential, s.ISSUER, kid=s.vm_of(s.ISSUER))
    while len(data) % 3 == 0:  # make the base64 need padding
        credential["name"] = credential.get("name", "") + " "
        data = vc_cose.sign_vc_cose(credential, s.ISSUER, kid=s.vm_of(s.ISSUER))
    envelope = vc_cose.envelop(data)
    assert envelope["id"].endswith("=")
    report = verify({**envelope, "id": envelope["id"].rstrip("=")}, VerifyOptions(now=s.NOW))
    assert statuses(report)["proof"] == "pass"


def test_an_enveloped_credential_must_not_hold_a_presentation() -> None:
    data = vp_cose(s.did_of(s.HOLDER), s.vm_of(s.HOLDER))
    envelope = {
        **cose_credential(),
        "id": "data:application/vc+cose;base64," + base64.b64encode(data).decode(),
    }
    report = verify(
        build_presentation([envelope], holder=s.did_of(s.HOLDER)), VerifyOptions(now=s.NOW)
    )
    assert [c.status for c in report.credentials[0].checks] == ["fail"]


@pytest.mark.parametrize("wrong", ["application/vc+cose", "text/plain"])
def test_a_content_type_that_is_not_the_typs_is_refused(wrong: str) -> None:
    protected, unprotected, payload, signature = cbor2.loads(
        vp_cose(s.did_of(s.HOLDER), s.vm_of(s.HOLDER))
    ).value
    header = cbor2.loads(protected)
    header[3] = wrong
    forged = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps(header), unprotected, payload, signature]))
    with pytest.raises(JwtFormatError, match="content type"):
        vc_cose.decode(forged)


def test_a_p521_key_signs_cose() -> None:
    key = KeyPair.generate("P-521")
    data = vc_cose.sign_vc_cose(example_credential(), key, kid="key-3")
    assert cbor2.loads(cbor2.loads(data).value[0])[1] == -36  # ES512
    report = verify(data, VerifyOptions(now=s.NOW, supplied_key=key.public))
    assert report.format == "vc+cose (ES512)" and statuses(report)["proof"] == "pass"
    # RFC 9053 §2.1: ES512 is ECDSA over SHA-512 on P-521, r || s of 66 bytes each; checked
    # without pycose (cbor2 + cryptography over RFC 9052 §4.4's Sig_structure)
    protected, _unprotected, payload, signature = cbor2.loads(data).value
    assert len(signature) == 132
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    der = encode_dss_signature(
        int.from_bytes(signature[:66], "big"), int.from_bytes(signature[66:], "big")
    )
    jwk = key.public.to_jwk()
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="), "big"),
        int.from_bytes(base64.urlsafe_b64decode(jwk["y"] + "=="), "big"),
        ec.SECP521R1(),
    )
    numbers.public_key().verify(der, to_be_signed, ec.ECDSA(hashes.SHA512()))
