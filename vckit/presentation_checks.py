"""The checks only a presentation has: holder binding, challenge and domain.

VC Data Model 2.0 §5.8 (holder binding is left to the verifier: here, the holder signed
and is the subject of every credential) and VC Data Integrity 1.0 §4.3 Verify Proof steps
6-7 (the proof's ``challenge`` and ``domain`` equal what the verifier asked for). A
binding is only worth something on a proof that verified, so each check is *could not
check* unless the holder's proof and key checks passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vckit.errors import InvalidChallengeError, InvalidDomainError
from vckit.proof_checks import ProofFinding
from vckit.proofs import check_proof_bindings
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report


def _proof_verified(finding: ProofFinding) -> bool:
    return finding.proof.status == PASS and finding.key.status == PASS


def holder_binding(holder: str | None, finding: ProofFinding, inner: Sequence[Report]) -> Check:
    """The holder signed, and every credential's subject is that holder."""
    if not _proof_verified(finding):
        return Check("holder-binding", UNCHECKED, "the holder's proof did not verify")
    if not inner:
        return Check("holder-binding", UNCHECKED, "the presentation carries no credentials")
    subjects: list[str | None] = []
    for report in inner:
        subject = (report.document or {}).get("credentialSubject")
        subject_id = subject.get("id") if isinstance(subject, Mapping) else None
        subjects.append(subject_id if isinstance(subject_id, str) else None)
    strangers = [s for s in subjects if s is not None and s != holder]
    if strangers:
        return Check(
            "holder-binding",
            FAIL,
            f"credentials about {', '.join(strangers)}, presented by {holder}",
        )
    if None in subjects:
        return Check(
            "holder-binding", UNCHECKED, "a credential's subject has no id to bind to the holder"
        )
    return Check("holder-binding", PASS, f"signed by {holder}, the subject of every credential")


def binding_checks(finding: ProofFinding, challenge: str | None, domain: str | None) -> list[Check]:
    """``challenge`` and ``domain`` of every proof that verified, against the expected ones."""
    return [_expect("challenge", finding, challenge), _expect("domain", finding, domain)]


def _expect(name: str, finding: ProofFinding, wanted: str | None) -> Check:
    if wanted is None:
        return Check(
            name, UNCHECKED, f"no expected {name} was given, so replay cannot be ruled out"
        )
    if not _proof_verified(finding):
        return Check(name, UNCHECKED, "the holder's proof did not verify")
    for proof in finding.proofs:
        problem = _binding_problem(proof, name, wanted)
        if problem:
            return Check(name, FAIL, problem)
    return Check(name, PASS, f"{name} is {wanted!r} as expected")


def _binding_problem(proof: Mapping[str, Any], name: str, wanted: str) -> str | None:
    value = proof.get(name)
    strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if value is not None and not isinstance(value, str) and not strings:
        return f"the proof's {name} {value!r} is not a string"
    try:
        if name == "challenge":
            check_proof_bindings(proof, challenge=wanted)
        else:
            check_proof_bindings(proof, domain=wanted)
    except (InvalidChallengeError, InvalidDomainError) as exc:
        return str(exc)
    return None
