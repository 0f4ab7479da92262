"""W3C Data Integrity ECDSA Cryptosuites v1.0: ``ecdsa-sd-2023`` (selective disclosure).

The suite's face: the issuer's :func:`create_base_proof`, the holder's :func:`verify_base_proof`
and :func:`add_derived_proof`, the verifier's :func:`verify_derived_proof`, and
:func:`verify_proof` for either kind (told apart by :func:`proof_kind`);
``vckit.di.algorithms.verify_proof`` hands ecdsa-sd-2023 proofs to it. P-256 only (the
suite's P-384 variant is not implemented).

One function per spec step, named after it, in one module per concept:

======================== ====================================================================
:mod:`.labels`           § 3.4.2 to § 3.4.5: label map functions, label-replacement
                         canonicalization
:mod:`.select`           § 3.4.8 to § 3.4.14: skolemization, JSON pointers, selectJsonLd
:mod:`.group`            § 3.4.15, § 3.4.16: selectCanonicalNQuads, canonicalizeAndGroup (and
                         the RDF list nodes of a selection)
:mod:`.values`           § 3.5.1 to § 3.5.3, § 3.5.5 to § 3.5.8: sign data, base and derived
                         proof values, label map compression (CBOR: :mod:`vckit.di.ecdsa_sd.cbor`)
:mod:`.base`             § 3.6.1 to § 3.6.4: the base proof, created and checked
:mod:`.derived`          § 3.5.4, § 3.6.5: the derived proof; § 3.5.9, § 3.6.6: its check
======================== ====================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.di.ecdsa_sd.base import create_base_proof, verify_base_proof
from vckit.di.ecdsa_sd.derived import add_derived_proof, verify_derived_proof
from vckit.di.ecdsa_sd.values import BASE_PROOF_HEADER, CRYPTOSUITE, DERIVED_PROOF_HEADER
from vckit.errors import SdProofValueError
from vckit.keys import multibase
from vckit.keys.keypair import PublicKey

__all__ = [
    "CRYPTOSUITE",
    "add_derived_proof",
    "create_base_proof",
    "proof_kind",
    "verify_base_proof",
    "verify_derived_proof",
    "verify_proof",
]


def proof_kind(proof: Mapping[str, Any]) -> str | None:
    """``base`` or ``derived`` for an ecdsa-sd-2023 proof (by its proofValue header), else None."""
    value = proof.get("proofValue")
    if proof.get("cryptosuite") != CRYPTOSUITE or not isinstance(value, str):
        return None
    try:
        header = multibase.base64url_nopad_decode(value[1:5])[:3]
    except Exception:
        return None
    if not value.startswith("u"):
        return None
    return {BASE_PROOF_HEADER: "base", DERIVED_PROOF_HEADER: "derived"}.get(header)


def verify_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """Verify the ecdsa-sd-2023 proof of ``secured_document``, base or derived."""
    proof = secured_document.get("proof")
    kind = proof_kind(proof) if isinstance(proof, Mapping) else None
    if kind == "base":
        verify_base_proof(secured_document, issuer_key)
    elif kind == "derived":
        verify_derived_proof(secured_document, issuer_key)
    else:
        raise SdProofValueError("the proofValue is neither an ecdsa-sd-2023 base nor derived proof")
