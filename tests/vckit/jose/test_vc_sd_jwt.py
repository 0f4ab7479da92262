"""VC-JOSE-COSE §3.2.2 ``vc+sd-jwt``: the credential itself is the SD-JWT payload (no ``vc``
claim, ``iss`` optional: the credential's ``issuer`` signed it). Verified with its disclosures,
with a Key Binding JWT as a presentation, and enveloped (``data:application/vc+sd-jwt,``) on
``POST /credentials/verify``."""

from __future__ import annotations

from datetime import datetime

from tests import scenarios as s
from vckit import VerifyOptions, sdjwt, verify
from vckit.report import Report

CHALLENGE, DOMAIN = "n-5e2a", "https://carehome.example"


def vc_sd_jwt() -> str:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    return sdjwt.issue(
        credential,
        s.ISSUER,
        kid=s.vm_of(s.ISSUER),
        disclosable=[("credentialSubject", "achievement")],
        holder_jwk=s.HOLDER.public.to_jwk(),
        typ="vc+sd-jwt",
    )


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def test_a_vc_sd_jwt_verifies() -> None:
    report = verify(vc_sd_jwt(), VerifyOptions(now=s.NOW))
    assert report.format.startswith("vc+sd-jwt")
    found = statuses(report)
    assert found["proof"] == "pass" and found["issuer-key"] == "pass"
    assert found["disclosures"] == "pass" and found["format"] == "pass"
    assert report.document is not None
    assert "achievement" in report.document["credentialSubject"]


def test_a_vc_sd_jwt_with_key_binding_is_a_presentation() -> None:
    iat = datetime.fromtimestamp(int(s.NOW.timestamp()), s.NOW.tzinfo)
    token = sdjwt.present(
        vc_sd_jwt(),
        [("credentialSubject", "achievement")],
        s.HOLDER,
        nonce=CHALLENGE,
        aud=DOMAIN,
        iat=iat,
    )
    report = verify(token, VerifyOptions(now=s.NOW, challenge=CHALLENGE, domain=DOMAIN))
    assert report.kind == "presentation" and report.format == "vc+sd-jwt+kb"
    assert set(statuses(report).values()) == {"pass"}, report.checks
    [credential] = report.credentials
    assert statuses(credential)["proof"] == "pass"
