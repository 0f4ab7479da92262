"""``vckit.verification``: one report of named checks for every kind of input.

Each scenario differs from the good credential in one way, and the test names the check
that must catch it. Nothing here is mocked: the credentials are really signed, the status
lists really encoded and signed; only the network is replaced by fetch callbacks, which is
the interface the core offers for it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests import scenarios as s
from vckit.di import algorithms as data_integrity
from vckit.did.resolver import DidResolver
from vckit.errors import InputError
from vckit.report import FAIL, PASS, UNCHECKED, Report
from vckit.verification import VerifyOptions, verify

OPTIONS = VerifyOptions(now=s.NOW)


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def test_good_credential_passes_every_check() -> None:
    report = verify(s.good_credential(), OPTIONS)
    assert statuses(report) == {
        "proof": PASS,
        "issuer-key": PASS,
        "format": PASS,
        "validity-period": PASS,
        "status": PASS,
        "schema": PASS,
    }
    assert report.verdict == PASS
    assert report.format == "eddsa-rdfc-2022"


def test_p256_credential_passes() -> None:
    report = verify(s.good_credential(key=s.P256), OPTIONS)
    assert report.verdict == PASS, report.to_json()
    assert report.format == "ecdsa-rdfc-2019"


def test_text_input_is_parsed() -> None:
    assert verify(json.dumps(s.good_credential()).encode(), OPTIONS).verdict == PASS


def _tampered() -> dict[str, Any]:
    vc = s.good_credential()
    vc["credentialSubject"]["achievement"]["name"] = "Advanced Surgery"
    return vc


def _wrong_key() -> dict[str, Any]:
    """Signed by another key, but the proof names the issuer's key."""
    return s.sign(
        s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)), s.OTHER, s.vm_of(s.ISSUER)
    )


def _issuer_not_signer() -> dict[str, Any]:
    """A valid signature by someone else's own key on a credential naming our issuer."""
    return s.sign(s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)), s.OTHER)


def _no_proof() -> dict[str, Any]:
    vc = s.good_credential()
    del vc["proof"]
    return vc


def _swapped_vm() -> dict[str, Any]:
    vc = s.good_credential()
    vc["proof"]["verificationMethod"] = s.vm_of(s.OTHER)
    return vc


def _authentication_purpose() -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    return data_integrity.sign(
        credential, s.ISSUER, verification_method=s.vm_of(s.ISSUER), proof_purpose="authentication"
    )


def _schema_invalid() -> dict[str, Any]:
    credential = s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER))
    del credential["credentialSubject"]["achievement"]["criteria"]
    return s.sign(credential, s.ISSUER)


FAILURES = [
    pytest.param(_tampered, "proof", id="tampered"),
    pytest.param(_wrong_key, "proof", id="wrong-key"),
    pytest.param(_swapped_vm, "proof", id="swapped-verification-method"),
    pytest.param(_no_proof, "proof", id="no-proof"),
    pytest.param(_issuer_not_signer, "issuer-key", id="key-not-controlled-by-issuer"),
    pytest.param(_authentication_purpose, "issuer-key", id="wrong-proof-purpose"),
    pytest.param(
        lambda: s.good_credential(validUntil="2026-01-01T00:00:00Z"),
        "validity-period",
        id="expired",
    ),
    pytest.param(
        lambda: s.good_credential(validFrom="2027-01-01T00:00:00Z"),
        "validity-period",
        id="not-yet-valid",
    ),
    pytest.param(
        lambda: s.good_credential(validFrom="last tuesday"), "validity-period", id="bad-date"
    ),
    pytest.param(_schema_invalid, "schema", id="schema-invalid"),
]


@pytest.mark.parametrize(("make", "check"), FAILURES)
def test_each_failure_is_named(make: Any, check: str) -> None:
    report = verify(make(), OPTIONS)
    assert report.check(check) is not None
    assert report.check(check).status == FAIL, report.to_json()  # type: ignore[union-attr]
    assert report.verdict == FAIL


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_revoked_or_suspended_fails_at_status(purpose: str) -> None:
    options = VerifyOptions(now=s.NOW, fetch_status_list=s.status_fetch((7,), purpose))
    report = verify(s.with_status(purpose), options)
    assert statuses(report)["status"] == FAIL
    assert purpose in report.check("status").detail  # type: ignore[union-attr]
    assert statuses(report)["proof"] == PASS


def test_status_bit_not_set_passes() -> None:
    options = VerifyOptions(now=s.NOW, fetch_status_list=s.status_fetch((6, 8)))
    report = verify(s.with_status("revocation"), options)
    assert statuses(report)["status"] == PASS
    assert report.verdict == PASS


@pytest.mark.parametrize(
    ("options", "why"),
    [
        pytest.param(VerifyOptions(now=s.NOW), "not allowed", id="no-status-fetch"),
        pytest.param(
            VerifyOptions(now=s.NOW, fetch_status_list=s.status_fetch((), key=s.OTHER)),
            "does not verify",
            id="status-list-signed-by-stranger",
        ),
        pytest.param(
            VerifyOptions(now=s.NOW, fetch_status_list=lambda url: b"<html>nope</html>"),
            "status list",
            id="status-list-not-json",
        ),
        pytest.param(
            VerifyOptions(
                now=s.NOW, fetch_status_list=lambda url: (_ for _ in ()).throw(OSError("down"))
            ),
            "could not be fetched",
            id="status-server-down",
        ),
    ],
)
def test_status_that_cannot_be_checked_is_never_a_pass(options: VerifyOptions, why: str) -> None:
    report = verify(s.with_status("revocation"), options)
    status = report.check("status")
    assert status is not None and status.status == UNCHECKED
    assert why in status.detail
    assert report.verdict == UNCHECKED


def test_unknown_status_type_is_could_not_check() -> None:
    entry = {"id": "https://x.example/s#1", "type": "1EdTechRevocationList"}
    report = verify(s.good_credential(credentialStatus=entry), OPTIONS)
    assert statuses(report)["status"] == UNCHECKED


def _web_credential() -> dict[str, Any]:
    credential = s.ob3_credential(s.WEB_DID, s.did_of(s.HOLDER))
    return s.sign(credential, s.ISSUER, f"{s.WEB_DID}#key-1")


def test_did_web_issuer_without_fetch_could_not_be_checked() -> None:
    report = verify(_web_credential(), OPTIONS)
    assert statuses(report)["proof"] == UNCHECKED
    assert statuses(report)["issuer-key"] == UNCHECKED
    assert report.verdict == UNCHECKED


def test_did_web_issuer_with_fetch_passes() -> None:
    report = verify(_web_credential(), VerifyOptions(now=s.NOW, resolver=s.web_resolver()))
    assert report.verdict == PASS, report.to_json()


def test_unknown_context_is_not_a_pass() -> None:
    vc = s.good_credential()
    vc["@context"] = [*vc["@context"], "https://evil.example/context.json"]
    report = verify(vc, OPTIONS)
    assert statuses(report)["proof"] in (FAIL, UNCHECKED)
    assert report.verdict != PASS


# --- VC-JWT ---------------------------------------------------------------------------------


def test_jwt_credential_passes() -> None:
    report = verify(s.jwt_credential(), OPTIONS)
    assert report.verdict == PASS, report.to_json()
    assert report.format.startswith("vc-jwt")


def test_jwt_expired_fails_at_validity() -> None:
    report = verify(s.jwt_credential(validUntil="2026-01-01T00:00:00Z"), OPTIONS)
    assert statuses(report)["validity-period"] == FAIL
    assert statuses(report)["proof"] == PASS


def test_jwt_tampered_fails_at_proof() -> None:
    header, payload, signature = s.jwt_credential().split(".")
    forged = s.jwt_credential(key=s.OTHER).split(".")[1]
    report = verify(f"{header}.{forged}.{signature}", OPTIONS)
    assert statuses(report)["proof"] == FAIL or statuses(report)["issuer-key"] == FAIL
    assert report.verdict == FAIL


def test_jwt_alg_none_is_rejected() -> None:
    _, payload, _ = s.jwt_credential().split(".")
    none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # {"alg":"none","typ":"JWT"}
    report = verify(f"{none_header}.{payload}.", OPTIONS)
    assert report.verdict == FAIL


# --- presentations --------------------------------------------------------------------------


def expecting(shared: s.Shared, **changes: Any) -> VerifyOptions:
    return VerifyOptions(
        now=s.NOW,
        challenge=changes.get("challenge", shared.challenge),
        domain=changes.get("domain", shared.domain),
    )


def test_presentation_passes_with_expected_challenge_and_domain() -> None:
    shared = s.presentation()
    report = verify(shared.presentation, expecting(shared))
    assert statuses(report) == {
        "proof": PASS,
        "holder-key": PASS,
        "holder-binding": PASS,
        "challenge": PASS,
        "domain": PASS,
    }
    assert [r.verdict for r in report.credentials] == [PASS]
    assert report.verdict == PASS


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        pytest.param({"challenge": "another"}, "challenge", id="replayed-challenge"),
        pytest.param({"domain": "https://other.example"}, "domain", id="wrong-domain"),
    ],
)
def test_presentation_binding_mismatch_fails(changes: dict[str, str], check: str) -> None:
    shared = s.presentation()
    report = verify(shared.presentation, expecting(shared, **changes))
    assert statuses(report)[check] == FAIL


def test_presentation_without_expectations_is_not_a_pass() -> None:
    report = verify(s.presentation().presentation, OPTIONS)
    assert statuses(report)["challenge"] == UNCHECKED
    assert report.verdict == UNCHECKED


def test_presentation_by_someone_else_fails_holder_key() -> None:
    shared = s.presentation(signer=s.OTHER)
    report = verify(shared.presentation, expecting(shared))
    assert statuses(report)["holder-key"] == FAIL
    assert statuses(report)["holder-binding"] == UNCHECKED


def test_presenting_another_persons_credential_fails_holder_binding() -> None:
    theirs = s.sign(s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.OTHER)), s.ISSUER)
    shared = s.presentation([theirs])
    report = verify(shared.presentation, expecting(shared))
    assert statuses(report)["holder-binding"] == FAIL


def test_tampered_credential_inside_presentation_fails_the_presentation() -> None:
    inner = s.good_credential()
    inner["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    shared = s.presentation([inner])
    report = verify(shared.presentation, expecting(shared))
    assert statuses(report)["proof"] == PASS
    assert report.credentials[0].check("proof").status == FAIL  # type: ignore[union-attr]
    assert report.verdict == FAIL


def test_enveloped_jwt_credential_inside_presentation() -> None:
    shared = s.presentation([s.jwt_credential()])
    report = verify(shared.presentation, expecting(shared))
    assert report.credentials[0].format.startswith("vc-jwt")
    assert report.verdict == PASS, report.to_json()


def test_unreadable_credential_inside_presentation_is_a_failure_not_a_crash() -> None:
    shared = s.presentation(["abc"])  # enveloped as a JWT, but it is not one
    report = verify(shared.presentation, expecting(shared))
    assert report.credentials[0].check("format").status == FAIL  # type: ignore[union-attr]


# --- unusable input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"{}", id="no-type"),
        pytest.param(b'{"type": "Nonsense"}', id="wrong-type"),
        pytest.param(b"not json", id="not-json"),
    ],
)
def test_unusable_input_raises_input_error(data: bytes) -> None:
    with pytest.raises(InputError):
        verify(data, OPTIONS)


def test_vc_jwt_dressed_as_sd_jwt_fails_its_format_not_its_proof() -> None:
    """Its signature is good (it is a real VC-JWT); its typ is not an SD-JWT VC's: a format
    problem, filed under format, and the whole still fails."""
    report = verify(s.jwt_credential() + "~", OPTIONS)
    assert report.format.startswith("dc+sd-jwt")
    assert report.check("format").status == FAIL
    assert "dc+sd-jwt" in report.check("format").detail
    assert report.check("proof").status == PASS
    assert report.verdict == FAIL


def test_verify_does_not_modify_its_input() -> None:
    vc = s.good_credential()
    before = copy.deepcopy(vc)
    verify(vc, VerifyOptions(now=s.NOW, resolver=DidResolver()))
    assert vc == before


@pytest.mark.parametrize(
    "proof", ["a string", 42, [1, 2]], ids=["string", "number", "list-of-numbers"]
)
def test_malformed_proof_member_is_a_failed_proof(proof: Any) -> None:
    vc = s.good_credential()
    vc["proof"] = proof
    report = verify(vc, OPTIONS)
    assert statuses(report)["proof"] == FAIL


def test_deeply_nested_parsed_document_is_refused_before_json_ld() -> None:
    vc = s.good_credential()
    node = vc["credentialSubject"]
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(InputError):
        verify(vc, OPTIONS)


def test_a_remembered_status_list_is_used_and_a_new_one_verified() -> None:
    """``remember_status_list`` sees each fetched list's URL and bytes; what it returns is the
    list checked (the caller's memory), and it verifies through the thunk it is given."""
    seen: list[tuple[str, bytes]] = []
    remembered: dict[bytes, Any] = {}

    def remember(url: str, body: bytes, verified: Any) -> Any:
        seen.append((url, body))
        if body not in remembered:
            remembered[body] = verified()
        return remembered[body]

    fetch = s.status_fetch((7,))
    options = VerifyOptions(now=s.NOW, fetch_status_list=fetch, remember_status_list=remember)
    for _ in range(2):
        assert statuses(verify(s.with_status("revocation"), options))["status"] == FAIL
    assert len(seen) == 2 and len(remembered) == 1
    stranger = VerifyOptions(
        now=s.NOW,
        fetch_status_list=s.status_fetch((), key=s.OTHER),
        remember_status_list=remember,
    )
    report = verify(s.with_status("revocation"), stranger)  # other bytes: verified, refused
    assert "does not verify" in report.check("status").detail  # type: ignore[union-attr]


def test_options_get_the_dispatcher_once_and_keep_everything_else() -> None:
    """``verify`` hands the parts options that can verify what they find; made once per
    options object (issue 15: copying them was part of every report), equal in every field
    but ``verify_inner``, and never over a caller's own ``verify_inner``."""
    options = VerifyOptions(challenge="c-1", domain="https://v.example", check_status=False)
    first = options.verifying_inner(verify)
    assert first.verify_inner is verify and options.verify_inner is None
    assert first is options.verifying_inner(verify)
    assert first == options  # verify_inner takes no part in equality
    assert (first.challenge, first.domain, first.check_status) == (
        "c-1",
        "https://v.example",
        False,
    )

    def mine(data: Any, opts: VerifyOptions) -> Report:
        return verify(data, opts)

    own = VerifyOptions(verify_inner=mine)
    assert own.verifying_inner(verify) is own
    assert "_verifying_inner" not in repr(first)
