"""Findings of the first review of ``verify``: each was a silent pass or a crash, now named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests import scenarios as s
from vckit.di import algorithms as data_integrity
from vckit.errors import InputError
from vckit.presentation import build_presentation, enveloped, sign_presentation
from vckit.report import FAIL, PASS, UNCHECKED, Report
from vckit.verification import VerifyOptions, verify
from vckit.verification.options import MAX_CREDENTIALS

OPTIONS = VerifyOptions(now=s.NOW)


def status_of(report: Report, check_id: str) -> str:
    check = report.check(check_id)
    assert check is not None, report.to_json()
    return check.status


def test_status_list_issued_by_a_stranger_is_not_trusted() -> None:
    """A valid list signed by someone else must not vouch for the issuer's credential."""
    fetch = s.status_fetch((), key=s.OTHER, list_issuer=s.OTHER)
    report = verify(s.with_status("revocation"), VerifyOptions(now=s.NOW, fetch_status_list=fetch))
    assert status_of(report, "status") == UNCHECKED
    assert "not by the credential's issuer" in report.check("status").detail  # type: ignore[union-attr]


def test_expired_proof_fails() -> None:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    signed = data_integrity.sign(
        credential,
        s.ISSUER,
        verification_method=s.vm_of(s.ISSUER),
        created=s.ISSUED,
        expires=datetime(2026, 1, 1, tzinfo=s.NOW.tzinfo),
    )
    report = verify(signed, OPTIONS)
    assert status_of(report, "proof") == FAIL
    assert "expired" in report.check("proof").detail  # type: ignore[union-attr]


def _resigned(**changes: Any) -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    credential.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del credential[key]
    return s.sign(credential, s.ISSUER)


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        pytest.param({"validFrom": "2025-01-01"}, "validity-period", id="date-without-time"),
        pytest.param({"validFrom": "2025-01-01T00:00:00"}, "validity-period", id="no-time-zone"),
        pytest.param({"validUntil": "20270101T000000Z"}, "validity-period", id="basic-format"),
    ],
)
def test_loose_dates_are_not_xml_schema_date_times(changes: dict[str, Any], check: str) -> None:
    report = verify(s.good_credential(**changes), OPTIONS)
    assert status_of(report, check) == FAIL


def test_credential_without_subject_is_not_well_formed() -> None:
    vc = s.good_credential()
    del vc["credentialSubject"]
    report = verify(vc, OPTIONS)
    assert status_of(report, "format") == FAIL
    assert report.verdict == FAIL


def test_list_valued_status_type_is_read() -> None:
    vc = s.with_status("revocation")
    vc["credentialStatus"]["type"] = ["BitstringStatusListEntry"]
    options = VerifyOptions(now=s.NOW, fetch_status_list=s.status_fetch((7,)))
    report = verify(vc, options)
    assert status_of(report, "status") == FAIL  # bit 7 is set: found through the list type


def test_huge_jwt_time_claim_is_a_finding() -> None:
    header, _, signature = s.jwt_credential().split(".")
    from vckit.keys.multibase import base64url_nopad_encode

    payload = base64url_nopad_encode(
        b'{"vc": {"@context": ["https://www.w3.org/ns/credentials/v2"], '
        b'"type": ["VerifiableCredential"]}, "exp": 1e20}'
    )
    report = verify(f"{header}.{payload}.{signature}", OPTIONS)
    assert report.verdict == FAIL


def test_naive_now_is_refused() -> None:
    with pytest.raises(InputError):
        VerifyOptions(now=datetime(2026, 3, 1))


def test_empty_presentation_binds_no_one() -> None:
    shared = s.presentation([])
    report = verify(shared.presentation, VerifyOptions(now=s.NOW, challenge=shared.challenge))
    assert status_of(report, "holder-binding") == UNCHECKED
    assert report.verdict != PASS


def test_binding_is_not_reported_on_a_proof_that_failed() -> None:
    shared = s.presentation(signer=s.OTHER)
    options = VerifyOptions(now=s.NOW, challenge=shared.challenge, domain=shared.domain)
    report = verify(shared.presentation, options)
    assert status_of(report, "challenge") == UNCHECKED
    assert status_of(report, "domain") == UNCHECKED


@pytest.mark.parametrize("media", ["application/jwtfoo", "text/plain", "application/vc+ld+json"])
def test_enveloped_credential_with_another_media_type_is_refused(media: str) -> None:
    item = enveloped(s.jwt_credential(), media_type=media)
    vp = build_presentation([], holder=s.did_of(s.HOLDER))
    vp["verifiableCredential"] = [item]
    signed = sign_presentation(
        vp, s.HOLDER, verification_method=s.vm_of(s.HOLDER), challenge="c", created=s.NOW
    )
    report = verify(signed, VerifyOptions(now=s.NOW, challenge="c"))
    assert status_of(report.credentials[0], "format") == FAIL


def test_presentation_nested_as_a_credential_is_refused() -> None:
    import json

    inner = json.dumps(s.presentation().presentation)
    vp = build_presentation([], holder=s.did_of(s.HOLDER))
    vp["verifiableCredential"] = [inner]
    report = verify(vp, OPTIONS)
    assert status_of(report.credentials[0], "format") == FAIL


def test_too_many_proofs_are_refused() -> None:
    vc = s.good_credential()
    vc["proof"] = [vc["proof"]] * 9
    assert status_of(verify(vc, OPTIONS), "proof") == FAIL


def test_too_many_credentials_are_refused() -> None:
    vp = build_presentation([], holder=s.did_of(s.HOLDER))
    vp["verifiableCredential"] = [{"type": "VerifiableCredential"}] * (MAX_CREDENTIALS + 1)
    report = verify(vp, OPTIONS)
    assert [status_of(r, "format") for r in report.credentials] == [FAIL]


def test_issuer_that_is_not_a_did_cannot_be_tied_to_the_key() -> None:
    """An https issuer signed by a did:key: not a forgery we can prove, not a pass either."""
    credential = s.ob3_credential("https://college.example/issuers/1", s.did_of(s.HOLDER))
    report = verify(s.sign(credential, s.ISSUER), OPTIONS)
    assert status_of(report, "proof") == PASS
    assert status_of(report, "issuer-key") == UNCHECKED
    assert report.verdict == UNCHECKED


def test_a_witness_proof_beside_the_issuers_is_accepted_and_named() -> None:
    """VC Data Integrity §2.1.1-2.1.2: a proof set or chain may hold proofs by others; one
    proof by the issuer is what ties the credential to it (the W3C suites' proof chain)."""
    unsigned = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    by_issuer = data_integrity.sign(unsigned, s.ISSUER, verification_method=s.vm_of(s.ISSUER))
    witnessed = data_integrity.sign(by_issuer, s.OTHER, verification_method=s.vm_of(s.OTHER))
    report = verify(witnessed, OPTIONS)
    assert report.check("issuer-key").status == PASS
    assert "1 witness proof(s)" in report.check("issuer-key").detail
    assert report.check("proof").status == PASS


def test_proofs_by_others_alone_do_not_make_the_issuers_credential() -> None:
    unsigned = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    by_other = data_integrity.sign(unsigned, s.OTHER, verification_method=s.vm_of(s.OTHER))
    twice = data_integrity.sign(by_other, s.HOLDER, verification_method=s.vm_of(s.HOLDER))
    assert verify(twice, OPTIONS).check("issuer-key").status == FAIL


def test_a_json_credential_given_as_a_string_in_a_presentation_is_refused() -> None:
    """VC 2.0 §4.13: a presentation's credentials are objects, or enveloped / JWT strings."""
    import json

    credential = data_integrity.sign(
        s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)),
        s.ISSUER,
        verification_method=s.vm_of(s.ISSUER),
    )
    presentation = build_presentation([], holder=s.did_of(s.HOLDER))
    presentation["verifiableCredential"] = [json.dumps(credential)]  # cannot even be signed
    [inner] = verify(presentation, OPTIONS).credentials
    assert inner.check("format").status == FAIL
    assert "must be a JWT or an SD-JWT" in inner.check("format").detail
