"""The decision a verifier makes before it spends a request's nonce: is the answer bound to
it (``vckit.verification.binding``)? End to end in tests/verifier/jobs/test_strangers.py."""

from __future__ import annotations

from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification.binding import bound_to_request


def _presentation(*checks: Check) -> Report:
    return Report(kind="presentation", format="test", checks=checks)


def test_binding_needs_a_verified_holder_proof_over_nonce_and_audience() -> None:
    proof, key = Check("proof", PASS, "ok"), Check("holder-key", PASS, "ok")
    nonce, aud = Check("challenge", PASS, "ok"), Check("domain", PASS, "ok")
    assert bound_to_request([_presentation(proof, key, nonce, aud)]).bound
    assert bound_to_request([_presentation(proof, nonce, aud)]).bound  # SD-JWT+KB: no holder-key
    assert not bound_to_request([]).bound
    assert not bound_to_request([Report(kind="credential", format="x", checks=(proof,))]).bound
    assert not bound_to_request([_presentation(proof, key, nonce)]).bound
    failed = bound_to_request([_presentation(proof, Check("holder-key", FAIL, "x"), nonce, aud)])
    assert not failed.bound and failed.reason.startswith("holder-key")
    unchecked = _presentation(proof, key, Check("challenge", UNCHECKED, "x"), aud)
    two = bound_to_request([_presentation(proof, key, nonce, aud), unchecked])
    assert not two.bound and two.reason.startswith("presentation #2: challenge")
