"""vc-di-ecdsa ecdsa-sd-2023, the derived proof: the holder's § 3.5.4
:func:`create_disclosure_data` and § 3.6.5 :func:`add_derived_proof`, the verifier's § 3.5.9
:func:`create_verify_data` and § 3.6.6 :func:`verify_derived_proof`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit.di.ecdsa_sd.base import base_proof_configuration
from vckit.di.ecdsa_sd.group import canonicalize_and_group
from vckit.di.ecdsa_sd.labels import (
    LabelMap,
    Nquads,
    create_hmac_id_label_map_function,
    create_label_map_function,
    label_replacement_canonicalize_jsonld,
)
from vckit.di.ecdsa_sd.select import select_jsonld
from vckit.di.ecdsa_sd.values import (
    parse_base_proof_value,
    parse_derived_proof_value,
    proof_scoped_key,
    serialize_derived_proof_value,
    serialize_sign_data,
)
from vckit.errors import InvalidSignatureError, MalformedProofError, SdProofValueError
from vckit.jsonld import rdfc10
from vckit.keys.keypair import PublicKey


@dataclass
class DisclosureData:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: LabelMap
    mandatory_indexes: list[int]
    reveal_document: dict[str, Any]


def create_disclosure_data(
    document: Mapping[str, Any], proof: Mapping[str, Any], selective_pointers: Sequence[str]
) -> DisclosureData:
    """§ 3.5.4 createDisclosureData: what the holder reveals, and the proof parts for it."""
    base = parse_base_proof_value(proof.get("proofValue"))
    factory = create_hmac_id_label_map_function(base.hmac_key)
    combined = [*base.mandatory_pointers, *selective_pointers]
    groups, label_map, _nquads = canonicalize_and_group(
        document,
        factory,
        {
            "mandatory": base.mandatory_pointers,
            "selective": selective_pointers,
            "combined": combined,
        },
    )
    combined_indexes = list(groups["combined"].matching)
    non_mandatory_indexes = list(groups["mandatory"].non_matching)
    mandatory_indexes = [combined_indexes.index(index) for index in groups["mandatory"].matching]
    selective_indexes = set(groups["selective"].matching)
    if len(base.signatures) != len(non_mandatory_indexes):
        raise SdProofValueError("the base proof's signature count does not match the document")
    signatures = [
        signature
        for index, signature in zip(non_mandatory_indexes, base.signatures, strict=True)
        if index in selective_indexes
    ]
    reveal_document = select_jsonld(combined, document) or {}
    _lines, canonical_id_map = rdfc10.canonical_lines_and_map(
        groups["combined"].deskolemized_nquads
    )
    verifier_label_map = {
        c14n_label: label_map[input_label] for input_label, c14n_label in canonical_id_map.items()
    }
    return DisclosureData(
        base.base_signature,
        base.public_key,
        signatures,
        verifier_label_map,
        mandatory_indexes,
        reveal_document,
    )


def add_derived_proof(
    secured_document: Mapping[str, Any], selective_pointers: Sequence[str]
) -> dict[str, Any]:
    """§ 3.6.5 Add Derived Proof: the holder's reveal document with its derived proof."""
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single base proof")
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    data = create_disclosure_data(unsecured, proof, selective_pointers)
    derived = {key: value for key, value in proof.items() if key != "proofValue"}
    derived["proofValue"] = serialize_derived_proof_value(
        data.base_signature,
        data.public_key,
        data.signatures,
        data.label_map,
        data.mandatory_indexes,
    )
    reveal = data.reveal_document
    reveal["proof"] = derived
    return reveal


@dataclass
class VerifyData:
    base_signature: bytes
    proof_hash: bytes
    public_key: bytes
    signatures: list[bytes]
    non_mandatory: Nquads
    mandatory_hash: bytes
    nquads: Nquads


def create_verify_data(document: Mapping[str, Any], proof: Mapping[str, Any]) -> VerifyData:
    """§ 3.5.9 createVerifyData: the verifier's hashes and N-Quads for a derived proof."""
    proof_hash = hashlib.sha256(base_proof_configuration(document, proof).encode("utf-8")).digest()
    derived = parse_derived_proof_value(proof.get("proofValue"))
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    _label_map, nquads = label_replacement_canonicalize_jsonld(
        unsecured, create_label_map_function(derived.label_map)
    )
    wanted = set(derived.mandatory_indexes)
    if any(index >= len(nquads) for index in wanted):
        raise SdProofValueError("a mandatory index points past the revealed N-Quads")
    mandatory = [nquad for index, nquad in enumerate(nquads) if index in wanted]
    non_mandatory = [nquad for index, nquad in enumerate(nquads) if index not in wanted]
    mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
    return VerifyData(
        derived.base_signature,
        proof_hash,
        derived.public_key,
        derived.signatures,
        non_mandatory,
        mandatory_hash,
        nquads,
    )


def verify_derived_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """§ 3.6.6 Verify Derived Proof; raises :class:`InvalidSignatureError` when it fails.

    ``issuer_key`` is the key of the proof's verificationMethod (resolved by the caller).
    """
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single derived proof")
    data = create_verify_data(secured_document, proof)
    if len(data.signatures) != len(data.non_mandatory):
        raise InvalidSignatureError(
            f"{len(data.signatures)} signatures for {len(data.non_mandatory)} non-mandatory "
            "statements"
        )
    to_verify = serialize_sign_data(data.proof_hash, data.public_key, data.mandatory_hash)
    if not issuer_key.verify(data.base_signature, to_verify):
        raise InvalidSignatureError(
            "the base signature does not verify (a mandatory statement or the proof options "
            "changed, or another issuer key)"
        )
    proof_key = proof_scoped_key(data.public_key)
    for index, (signature, nquad) in enumerate(
        zip(data.signatures, data.non_mandatory, strict=True)
    ):
        if not proof_key.verify(signature, nquad.encode("utf-8")):
            raise InvalidSignatureError(
                f"the signature of non-mandatory statement {index} does not verify "
                "(a disclosed field was changed)"
            )
