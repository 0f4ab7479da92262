"""VC-JOSE-COSE ``vp+jwt`` presentations (§3.2.1), with enveloped ``vc+jwt`` credentials inside
(VC Data Model 2.0 §4.13.1): vckit signs them, verifies them, an independent JOSE library
(PyJWT) verifies ours, and a vp+jwt over a request's nonce counts as bound to it."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from tests import scenarios as s
from vckit import VerifyOptions, sdjwt, verify
from vckit.errors import JwtClaimsError
from vckit.jose.vc_jwt import peek
from vckit.jose.vp_jwt import envelop, sign_vp_jwt
from vckit.presentation import build_presentation
from vckit.report import Report
from vckit.verification.binding import bound_to_request

NONCE, AUD = "n-7c1d", "https://carehome.example"


def vp_jwt(signer: Any = s.HOLDER, kid: str | None = None, **claims: Any) -> str:
    enveloped = envelop(s.jwt_credential())
    presentation = build_presentation([enveloped], holder=s.did_of(s.HOLDER))
    claims = {"nonce": NONCE, "aud": AUD, **claims}
    return sign_vp_jwt(presentation, signer, kid=kid or s.vm_of(s.HOLDER), **claims)


def checked(token: Any, challenge: str = NONCE, domain: str = AUD) -> Report:
    return verify(token, VerifyOptions(challenge=challenge, domain=domain, now=s.NOW))


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def test_the_header_and_payload_are_the_specs() -> None:
    header, payload = peek(vp_jwt())
    assert header["typ"] == "vp+jwt" and header["cty"] == "vp"
    assert payload["type"] == ["VerifiablePresentation"]
    assert payload["iss"] == s.did_of(s.HOLDER)
    assert payload["nonce"] == NONCE and payload["aud"] == AUD
    assert "vp" not in payload and "vc" not in payload
    inner = payload["verifiableCredential"][0]
    assert inner["type"] == "EnvelopedVerifiableCredential"
    assert inner["id"].startswith("data:application/vc+jwt,eyJ")


def test_a_vp_jwt_verifies_and_is_bound_to_the_nonce() -> None:
    report = checked(vp_jwt())
    assert report.kind == "presentation" and report.format.startswith("vp+jwt")
    assert statuses(report) == {
        "proof": "pass",
        "holder-key": "pass",
        "holder-binding": "pass",
        "challenge": "pass",
        "domain": "pass",
    }
    [credential] = report.credentials
    assert credential.check("proof") is not None
    assert credential.check("proof").status == "pass"  # type: ignore[union-attr]
    assert credential.check("issuer-key").status == "pass"  # type: ignore[union-attr]
    assert bound_to_request([report]).bound


def test_another_nonce_or_audience_is_not_bound() -> None:
    other_nonce = checked(vp_jwt(), challenge="n-other")
    assert statuses(other_nonce)["challenge"] == "fail"
    assert not bound_to_request([other_nonce]).bound
    other_aud = checked(vp_jwt(aud=["https://elsewhere.example"]))
    assert statuses(other_aud)["domain"] == "fail"
    assert not bound_to_request([other_aud]).bound


def test_no_nonce_is_not_bound() -> None:
    enveloped = envelop(s.jwt_credential())
    presentation = build_presentation([enveloped], holder=s.did_of(s.HOLDER))
    token = sign_vp_jwt(presentation, s.HOLDER, kid=s.vm_of(s.HOLDER))
    report = checked(token)
    assert statuses(report)["challenge"] == "fail"
    assert not bound_to_request([report]).bound


def test_a_tampered_or_foreign_signature_fails_the_proof() -> None:
    header, payload, signature = vp_jwt().split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA")
    assert statuses(checked(f"{header}.{payload}.{flipped}"))["proof"] == "fail"
    foreign = checked(vp_jwt(signer=s.OTHER))  # the holder's kid, another key's signature
    assert statuses(foreign)["proof"] == "fail"
    assert not bound_to_request([foreign]).bound


def test_a_kid_of_someone_else_is_refused_when_signing() -> None:
    with pytest.raises(JwtClaimsError):
        vp_jwt(signer=s.OTHER, kid=s.vm_of(s.OTHER))


def test_an_enveloped_presentation_verifies() -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": f"data:application/vp+jwt,{vp_jwt()}",
    }
    report = checked(enveloped)
    assert report.kind == "presentation"
    assert bound_to_request([report]).bound


def test_pyjwt_verifies_our_vp_jwt() -> None:
    """An independent JOSE library: the signature, ``aud``, the header."""
    token = vp_jwt()
    public = jwt.PyJWK(s.HOLDER.public.to_jwk())
    alg = jwt.get_unverified_header(token)["alg"]
    payload = jwt.decode(token, key=public.key, algorithms=[alg], audience=AUD)
    assert payload["nonce"] == NONCE
    assert jwt.get_unverified_header(token)["typ"] == "vp+jwt"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token, key=jwt.PyJWK(s.OTHER.public.to_jwk()).key, algorithms=[alg], audience=AUD
        )


def vp_sd_jwt(challenge: str = NONCE) -> str:
    """A presentation the holder secures as an SD-JWT (VC-JOSE-COSE §3.2.2), its credential
    disclosable; ``nonce``/``aud`` in the signed payload."""
    enveloped = envelop(s.jwt_credential())
    presentation = build_presentation([enveloped], holder=s.did_of(s.HOLDER))
    claims = {**presentation, "iss": s.did_of(s.HOLDER), "nonce": challenge, "aud": AUD}
    return sdjwt.issue(
        claims,
        s.HOLDER,
        kid=s.vm_of(s.HOLDER),
        disclosable=[("verifiableCredential", 0)],
        typ="vp+sd-jwt",
    )


def test_a_vp_sd_jwt_verifies_and_is_bound_to_the_nonce() -> None:
    report = checked(vp_sd_jwt())
    assert report.kind == "presentation" and report.format.startswith("vp+sd-jwt")
    assert set(statuses(report).values()) == {"pass"}, report.checks
    [credential] = report.credentials
    assert credential.check("proof").status == "pass"  # type: ignore[union-attr]
    assert bound_to_request([report]).bound
    assert not bound_to_request([checked(vp_sd_jwt("n-other"))]).bound


def test_a_vp_sd_jwt_with_its_credential_withheld_carries_none() -> None:
    jwt = vp_sd_jwt().partition("~")[0] + "~"
    report = checked(jwt)
    assert statuses(report)["proof"] == "pass"
    assert report.credentials == ()


def test_a_key_the_caller_supplies_checks_a_holder_whose_kid_cannot_be_looked_up() -> None:
    """The W3C vc-jose-cose suite's vp+jwt: an https holder, a JWK-thumbprint kid. The caller's
    key checks the holder's signature (*holder-key* stays could-not-check); the credential
    inside is checked with its own issuer's key, never the caller's."""
    presentation = build_presentation(
        [envelop(s.jwt_credential())], holder="https://holder.example"
    )
    token = sign_vp_jwt(presentation, s.HOLDER, kid="thumbprint-kid")
    report = verify(token, VerifyOptions(now=s.NOW, supplied_key=s.HOLDER.public))
    assert statuses(report)["proof"] == "pass"
    assert "the caller supplied" in (report.check("proof") or report.checks[0]).detail
    assert statuses(report)["holder-key"] == "could-not-check"
    assert [statuses(c)["proof"] for c in report.credentials] == ["pass"]
    other = verify(token, VerifyOptions(now=s.NOW, supplied_key=s.OTHER.public))
    assert statuses(other)["proof"] == "fail"
