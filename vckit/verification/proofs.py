"""The proof checks of a Data Integrity secured document: ``proof`` and key control.

``check_proofs`` verifies every proof on a document (a proof set must hold as a whole)
and says, separately, whether the key that signed belongs to the party the document names
(the issuer of a credential, the holder of a presentation) for the proof's purpose.
Keys are dereferenced by DID URL or by https URL (a W3C Controlled Identifiers controller
document, :mod:`vckit.did.controlled`). A key that cannot be dereferenced (fetching off or
failed, an unsupported method) makes ``issuer-key`` *could not check* and is never a bad
signature: ``proof`` is then could-not-check too, unless the key URL spells out its own key.
A key the issuer's document does not list fails ``issuer-key``. A proof past its ``expires``
fails ``proof``. A signed document that breaks JSON-LD (:class:`~vckit.errors.JsonLdSyntaxError`:
a protected term redefined, a relative IRI, an invalid definition), or uses a term no context
defines, fails ``proof``; a context outside the sealed set makes it *could not check*
(:mod:`vckit.jsonld.failures`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vckit.datetimes import parse_xsd_datetime
from vckit.di import algorithms as data_integrity
from vckit.di import ecdsa_sd
from vckit.did.controlled import key_in_url
from vckit.did.resolver import DidDocument, DidResolver
from vckit.errors import (
    CanonicalizationLimitError,
    DateTimeError,
    InvalidDidError,
    InvalidSignatureError,
    JsonLdError,
    JsonLdSyntaxError,
    MalformedProofError,
    ProofError,
    UndefinedTermError,
    VckitError,
    VerificationMethodNotFoundError,
)
from vckit.jsonld.expansion import SealedLoader
from vckit.keys.keypair import PublicKey
from vckit.report import FAIL, PASS, UNCHECKED, Check

BASE_PROOF_REFUSED = (
    "an ecdsa-sd-2023 base proof is for the holder, not a verifier: a holder presents a derived "
    "proof (vc-di-ecdsa §3.5.8: a proofValue without the derived header MUST be refused)"
)
MAX_PROOFS = 8
"""More proofs than this on one document is refused: each one costs a canonicalization and
possibly a did:web fetch, and no credential or presentation in practice carries more."""


@dataclass(frozen=True)
class ProofFinding:
    """The ``proof`` and key-control checks, the proofs they judged, the suites used."""

    proof: Check
    key: Check
    suites: str
    proofs: tuple[Mapping[str, Any], ...] = ()


def _refused(proof: Check, suites: str) -> ProofFinding:
    return ProofFinding(proof, Check("issuer-key", UNCHECKED, proof.detail), suites)


def check_proofs(
    document: Mapping[str, Any],
    *,
    purpose: str,
    controller: str | None,
    resolver: DidResolver,
    now: datetime,
    loader: SealedLoader | None = None,
    accept_base_proofs: bool = False,
) -> ProofFinding:
    """Verify every proof on ``document``; the key must be ``controller``'s, for ``purpose``.
    An ecdsa-sd-2023 base proof fails unless ``accept_base_proofs`` (a holder receiving)."""
    try:
        proofs = data_integrity.proofs_of(document)
    except MalformedProofError as exc:
        return _refused(Check("proof", FAIL, str(exc)), "?")
    if not proofs:
        return _refused(Check("proof", FAIL, "the document carries no proof"), "none")
    if len(proofs) > MAX_PROOFS:
        return _refused(Check("proof", FAIL, f"more than {MAX_PROOFS} proofs"), "?")
    suites = ", ".join(str(p.get("cryptosuite") or p.get("type")) for p in proofs)
    proof_checks: list[Check] = []
    found: list[_OneProof] = []
    for proof in proofs:
        one = _check_one_proof(document, proof, purpose, controller, resolver, loader)
        proof_check = one.proof
        if ecdsa_sd.proof_kind(proof) == "base" and not accept_base_proofs:
            proof_check = Check("proof", FAIL, BASE_PROOF_REFUSED)
        proof_checks.append(_expiry_check(proof, now) or proof_check)
        found.append(one)
    return ProofFinding(_combine(proof_checks), _issuer_key(found), suites, tuple(proofs))


@dataclass(frozen=True)
class _OneProof:
    proof: Check
    key: Check
    witness: bool = False
    """Made by someone other than the issuer (holder), with a key its own controller lists
    for the purpose: a valid proof, just not the issuer's."""


def _issuer_key(found: list[_OneProof]) -> Check:
    """A proof set or chain needs one proof by the issuer (holder); the others may be witnesses
    (VC Data Integrity 1.0 §2.1.1-2.1.2: anyone may add a proof to a set or chain)."""
    own = [one.key for one in found if one.key.status == PASS]
    others = [one for one in found if one.key.status != PASS]
    if len(found) == 1 or not own or not all(one.witness for one in others):
        return _combine([one.key for one in found])
    extra = f"; and {len(others)} witness proof(s) by others" if others else ""
    return Check(own[0].id, PASS, own[0].detail + extra)


def _expiry_check(proof: Mapping[str, Any], now: datetime) -> Check | None:
    """VC Data Integrity 1.0 §2.1 ``expires``: a proof past it no longer proves anything."""
    if "expires" not in proof:
        return None
    try:
        expires = parse_xsd_datetime(proof["expires"], "proof.expires")
    except DateTimeError as exc:
        return Check("proof", FAIL, str(exc))
    if now >= expires:
        return Check("proof", FAIL, f"the proof expired at {expires.isoformat()}")
    return None


def _combine(found: list[Check]) -> Check:
    for status in (FAIL, UNCHECKED):
        bad = [c for c in found if c.status == status]
        if bad:
            return Check(bad[0].id, status, "; ".join(c.detail for c in bad))
    return Check(found[0].id, PASS, "; ".join(c.detail for c in found))


def _check_one_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    purpose: str,
    controller: str | None,
    resolver: DidResolver,
    loader: SealedLoader | None,
) -> _OneProof:
    vm_id = proof.get("verificationMethod")
    if not isinstance(vm_id, str):
        bad = "the proof names no verificationMethod"
        return _OneProof(Check("proof", FAIL, bad), Check("issuer-key", FAIL, bad))
    try:
        did_document, method = resolver.resolve_method(vm_id)
    except VckitError as exc:
        return _OneProof(*_unresolved(document, proof, vm_id, exc, loader))
    proof_check = _signature_check(document, proof, method.public_key, loader)
    key_check = _key_control_check(proof, did_document, method.id, purpose, controller)
    authorized = proof.get("proofPurpose") == purpose and did_document.allows(method.id, purpose)
    witness = authorized and did_document.id != controller
    return _OneProof(proof_check, key_check, witness)


def _unresolved(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    vm_id: str,
    exc: VckitError,
    loader: SealedLoader | None,
) -> tuple[Check, Check]:
    """The key could not be dereferenced. That is never a bad signature: ``issuer-key`` says
    why (a document that does not list the key, or a malformed DID URL, fails it; a fetch that
    is off or failed, or a method we do not support, makes it could-not-check). The signature
    is still checked when the URL spells out its own key (a Multikey fragment), but such a key
    proves only that the document is intact, not who signed it."""
    refused = isinstance(exc, VerificationMethodNotFoundError | InvalidDidError)
    key_check = Check("issuer-key", FAIL if refused else UNCHECKED, f"key {vm_id}: {exc}")
    named = key_in_url(vm_id)
    if named is None:
        why = f"not checked: no key to check the signature with ({exc.code})"
        return Check("proof", UNCHECKED, why), key_check
    checked = _signature_check(document, proof, named, loader)
    if checked.status != PASS:
        return checked, key_check
    note = "with the key its verificationMethod URL spells out; whose key it is was not checked"
    return Check("proof", PASS, f"{checked.detail} ({note})"), key_check


def _signature_check(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    loader: SealedLoader | None,
) -> Check:
    suite = proof.get("cryptosuite") or proof.get("type")
    try:
        data_integrity.verify_proof(document, proof, public_key, loader=loader)
    except InvalidSignatureError as exc:
        return Check("proof", FAIL, f"{suite}: {exc}")
    except (
        MalformedProofError,
        UndefinedTermError,
        JsonLdSyntaxError,
        CanonicalizationLimitError,
    ) as exc:  # the document's own fault; an unloadable context is could-not-check (below)
        return Check("proof", FAIL, f"{suite}: {exc}")
    except (ProofError, JsonLdError, VckitError) as exc:
        return Check("proof", UNCHECKED, f"{suite}: {exc}")
    except Exception as exc:  # a library below us failed: that is never a pass
        return Check("proof", UNCHECKED, f"{suite}: verification broke off ({type(exc).__name__})")
    return Check("proof", PASS, f"{suite} signature verifies")


def _key_control_check(
    proof: Mapping[str, Any],
    did_document: DidDocument,
    method_id: str,
    purpose: str,
    controller: str | None,
) -> Check:
    stated = proof.get("proofPurpose")
    if stated != purpose:
        return Check("issuer-key", FAIL, f"proofPurpose is {stated!r}, expected {purpose!r}")
    if (
        controller is None
        and purpose == "authentication"
        and did_document.allows(method_id, purpose)
    ):
        return Check(  # VC 2.0 §4.13: a presentation's holder is optional
            "issuer-key", PASS, f"signed by {did_document.id}; the presentation names no holder"
        )
    if controller is None:
        return Check("issuer-key", FAIL, "the document names no issuer/holder to own the key")
    if did_document.id != controller and not controller.startswith("did:"):
        return Check(
            "issuer-key",
            UNCHECKED,
            f"{controller} is not a DID, so whether it controls {did_document.id}'s key "
            "cannot be established",
        )
    if did_document.id != controller:
        return Check(
            "issuer-key", FAIL, f"signed by {did_document.id}, but the document names {controller}"
        )
    if not did_document.allows(method_id, purpose):
        return Check(
            "issuer-key",
            FAIL,
            f"{did_document.id} does not list {method_id} for {purpose}",
        )
    fragment = method_id.partition("#")[2]
    return Check("issuer-key", PASS, f"key #{fragment} is listed by {controller} for {purpose}")
