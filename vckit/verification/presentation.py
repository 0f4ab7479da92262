"""Verify a JSON-LD presentation: the holder's proof, the checks only a presentation has
(holder binding, challenge and domain), and every credential inside it.

VC Data Model 2.0 §5.8 (holder binding is left to the verifier: here, the holder signed
and is the subject of every credential) and VC Data Integrity 1.0 §4.3 Verify Proof steps
6-7 (the proof's ``challenge`` and ``domain`` equal what the verifier asked for). A
binding is only worth something on a proof that verified, so each check is *could not
check* unless the holder's proof and key checks passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from vckit.di.proofs import check_proof_bindings
from vckit.errors import InputError, InvalidChallengeError, InvalidDomainError
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification.credential import verify_credential_value
from vckit.verification.options import MAX_CREDENTIALS, VerifyOptions
from vckit.verification.proofs import ProofFinding, check_proofs


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


def _as_required(check: Check, options: VerifyOptions) -> Check:
    if options.require_holder_binding or check.status == PASS:
        return check
    note = f"{check.detail} (reported; holder binding was not required)"
    return Check(check.id, check.status, note, advisory=True)


def binding_checks(finding: ProofFinding, challenge: str | None, domain: str | None) -> list[Check]:
    """``challenge`` and ``domain`` of every proof that verified, against the expected ones."""
    return [_expect("challenge", finding, challenge), _expect("domain", finding, domain)]


def _expect(
    name: Literal["challenge", "domain"], finding: ProofFinding, wanted: str | None
) -> Check:
    if wanted is None and name == "domain":  # optional in Data Integrity (§2.1): reported only
        return Check(name, UNCHECKED, "no expected domain was given: not checked", advisory=True)
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


# --- the presentation ----------------------------------------------------------------------


def verify_presentation(presentation: Mapping[str, Any], options: VerifyOptions) -> Report:
    """A JSON-LD presentation with an ``authentication`` proof by its holder."""
    holder = presentation.get("holder")
    holder_id = holder if isinstance(holder, str) else None
    if isinstance(holder, Mapping) and isinstance(holder.get("id"), str):
        holder_id = str(holder["id"])
    finding = check_proofs(
        presentation,
        purpose="authentication",
        controller=holder_id,
        resolver=options.resolver,
        now=options.clock(),
        loader=options.loader,
        accept_base_proofs=options.accept_base_proofs,
    )
    inner = tuple(_inner_reports(presentation, options))
    own = [
        finding.proof,
        Check("holder-key", finding.key.status, finding.key.detail),
        _as_required(holder_binding(holder_id, finding, inner), options),
        *binding_checks(finding, options.challenge, options.domain),
    ]
    return Report(
        kind="presentation",
        format=finding.suites,
        checks=tuple(own),
        document=dict(presentation),
        credentials=inner,
    )


def _inner_reports(presentation: Mapping[str, Any], options: VerifyOptions) -> list[Report]:
    value = presentation.get("verifiableCredential", [])
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_CREDENTIALS:
        refused = Check(
            "format", FAIL, f"more than {MAX_CREDENTIALS} credentials in one presentation"
        )
        return [Report(kind="credential", format="unknown", checks=(refused,))]
    reports = []
    for item in items:
        try:
            reports.append(verify_credential_value(item, options))
        except InputError as exc:
            unreadable = Check("format", FAIL, f"unreadable credential: {exc}")
            reports.append(Report(kind="credential", format="unknown", checks=(unreadable,)))
    return reports
