"""What a Data Integrity proof is, apart from any cryptosuite.

W3C "Verifiable Credential Data Integrity 1.0" (https://www.w3.org/TR/vc-data-integrity/):

- "Proofs" (#proofs): the shape of a proof, checked by :func:`check_proof`, and its
  ``proofValue`` (:func:`decode_proof_value`);
- "Proof Sets" / "Proof Chains" (#proof-sets, #proof-chains): :func:`proofs_of` and
  :func:`input_document`, the document a proof secures (with the proofs its
  ``previousProof`` names);
- "Verify Proof" steps 5-7 (#verify-proof): :func:`check_proof_bindings`, the expected
  purpose, domain and challenge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from vckit.di.cryptosuites import Cryptosuite, is_xml_datetime, suite_for
from vckit.errors import (
    InvalidChallengeError,
    InvalidDomainError,
    MalformedProofError,
    ProofPurposeError,
    VckitError,
)
from vckit.keys import multibase

_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_DID_URL = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._%-]*:)*[A-Za-z0-9._%-]+(?:[/?#]\S*)?")

Domain = str | Sequence[str]
"""One security domain or several (#proofs ``domain``)."""


def proofs_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The document's proof or proof set as a list (empty if it has no ``proof``)."""
    value = document.get("proof")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, Mapping) for item in items):
        raise MalformedProofError("proof must be an object or a list of objects")
    return [dict(item) for item in items]


def input_document(
    document: Mapping[str, Any], previous_proof: str | Sequence[str] | None = None
) -> dict[str, Any]:
    """The document a proof secures (#add-proof-set-chain steps 1-6,
    #verify-proof-sets-and-chains step 3.1-3.2).

    The document without its ``proof``; if the proof names ``previousProof`` ids, the
    proofs with those ids are put back as ``proof``, so the new proof also secures them
    (a proof chain). An id that matches no proof raises MalformedProofError.
    """
    all_proofs = proofs_of(document)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if previous_proof is None:
        return unsecured
    wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
    known = {proof.get("id") for proof in all_proofs}
    for proof_id in wanted:
        if proof_id not in known:
            raise MalformedProofError(f"previousProof {proof_id!r} names no proof in the document")
    unsecured["proof"] = [proof for proof in all_proofs if proof.get("id") in wanted]
    return unsecured


def _is_strings(value: object) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def check_proof(proof: object, *, require_value: bool = True) -> Cryptosuite:
    """Check a proof's shape (#proofs, #verify-proof step 4) and return its cryptosuite.

    ``type``, ``verificationMethod`` (an absolute URL; a DID URL must be well formed) and
    ``proofPurpose`` are required, ``cryptosuite`` too for a ``DataIntegrityProof``;
    ``created`` / ``expires`` must be XML Schema dateTimes, ``domain`` / ``previousProof``
    strings or lists of strings, ``proofValue`` base58-btc multibase. Raises
    MalformedProofError naming the field, or UnsupportedCryptosuiteError.
    """
    if not isinstance(proof, Mapping):
        raise MalformedProofError("proof must be an object")
    for name in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise MalformedProofError(f"proof.{name} is missing or not a string")
    if proof["type"] == "DataIntegrityProof" and not isinstance(proof.get("cryptosuite"), str):
        raise MalformedProofError("proof.cryptosuite is required for a DataIntegrityProof")
    suite = suite_for(proof["type"], proof.get("cryptosuite"))
    vm = proof["verificationMethod"]
    if not _ABSOLUTE_URL.fullmatch(vm) or (vm.startswith("did:") and not _DID_URL.fullmatch(vm)):
        raise MalformedProofError(f"proof.verificationMethod {vm!r} is not an absolute URL")
    if suite.name is None and "created" not in proof:
        raise MalformedProofError(f"proof.created is required for {suite.label}")
    for name in ("created", "expires"):
        if name in proof and not is_xml_datetime(proof[name]):
            raise MalformedProofError(f"proof.{name} {proof[name]!r} is not an XML Schema dateTime")
    proof_id = proof.get("id")
    if "id" in proof and not (isinstance(proof_id, str) and _ABSOLUTE_URL.fullmatch(proof_id)):
        raise MalformedProofError("proof.id must be an absolute URL")
    for name in ("challenge", "nonce"):
        if name in proof and not isinstance(proof[name], str):
            raise MalformedProofError(f"proof.{name} must be a string")
    for name in ("domain", "previousProof"):
        if name in proof and not _is_strings(proof[name]):
            raise MalformedProofError(f"proof.{name} must be a string or a list of strings")
    if require_value:
        decode_proof_value(proof.get("proofValue"))
    return suite


def decode_proof_value(value: object) -> bytes:
    """The signature bytes of a ``proofValue``: base58-btc multibase (``z`` prefix)."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise MalformedProofError("proof.proofValue must be a base58-btc multibase string ('z...')")
    try:
        return multibase.decode(value)
    except (VckitError, ValueError) as exc:
        raise MalformedProofError(f"proof.proofValue is not valid base58-btc: {exc}") from exc


def check_proof_bindings(
    proof: Mapping[str, Any],
    *,
    expected_proof_purpose: str | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
) -> None:
    """Verify Proof steps 5-7 (#verify-proof): purpose, domain and challenge as expected."""
    if expected_proof_purpose is not None and proof.get("proofPurpose") != expected_proof_purpose:
        raise ProofPurposeError(
            f"proof.proofPurpose is {proof.get('proofPurpose')!r}, "
            f"expected {expected_proof_purpose!r}"
        )
    if domain is not None:
        given = {domain} if isinstance(domain, str) else set(domain)
        value = proof.get("domain")
        found = {value} if isinstance(value, str) else set(value or [])
        if given != found:
            raise InvalidDomainError(f"proof.domain is {value!r}, expected {sorted(given)!r}")
    if challenge is not None and proof.get("challenge") != challenge:
        raise InvalidChallengeError(
            f"proof.challenge is {proof.get('challenge')!r}, expected {challenge!r}"
        )
