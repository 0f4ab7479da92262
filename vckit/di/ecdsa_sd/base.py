"""vc-di-ecdsa § 3.6 Algorithms, the base proof: § 3.6.1 :func:`base_proof_transformation`,
§ 3.6.2 :func:`base_proof_hashing`, § 3.6.3 :func:`base_proof_configuration`, § 3.6.4
:func:`base_proof_serialization`; the issuer's :func:`create_base_proof` (all four in turn) and
the holder's :func:`verify_base_proof` (the same steps recomputed with the proof's HMAC key).
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit.di.ecdsa_sd.group import canonicalize_and_group
from vckit.di.ecdsa_sd.labels import create_hmac_id_label_map_function
from vckit.di.ecdsa_sd.values import (
    CRYPTOSUITE,
    parse_base_proof_value,
    proof_key_bytes,
    proof_scoped_key,
    serialize_base_proof_value,
    serialize_sign_data,
)
from vckit.errors import InvalidSignatureError, KeyFormatError, MalformedProofError
from vckit.jsonld import expansion as jsonld
from vckit.keys.keypair import KeyPair, PublicKey


@dataclass
class TransformedDocument:
    mandatory_pointers: list[str]
    mandatory: dict[int, str]
    non_mandatory: dict[int, str]
    hmac_key: bytes


def base_proof_transformation(
    unsecured_document: Mapping[str, Any],
    mandatory_pointers: Sequence[str],
    *,
    hmac_key: bytes | None = None,
) -> TransformedDocument:
    """§ 3.6.1 Base Proof Transformation: HMAC-relabelled N-Quads, mandatory and not."""
    hmac_key = secrets.token_bytes(32) if hmac_key is None else hmac_key
    groups, _label_map, _nquads = canonicalize_and_group(
        unsecured_document,
        create_hmac_id_label_map_function(hmac_key),
        {"mandatory": list(mandatory_pointers)},
    )
    group = groups["mandatory"]
    return TransformedDocument(
        list(mandatory_pointers), group.matching, group.non_matching, hmac_key
    )


@dataclass
class HashData:
    proof_hash: bytes
    mandatory_hash: bytes
    transformed: TransformedDocument


def base_proof_hashing(transformed: TransformedDocument, canonical_proof_config: str) -> HashData:
    """§ 3.6.2 Base Proof Hashing: SHA-256 of the proof config and of the mandatory N-Quads."""
    return HashData(
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest(),
        hashlib.sha256("".join(transformed.mandatory.values()).encode("utf-8")).digest(),
        transformed,
    )


def base_proof_configuration(document: Mapping[str, Any], proof: Mapping[str, Any]) -> str:
    """§ 3.6.3 Base Proof Configuration: the proof options (no proofValue) canonicalized."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise MalformedProofError("not a DataIntegrityProof with cryptosuite ecdsa-sd-2023")
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = document.get("@context")
    return jsonld.canonicalize(config)


def base_proof_serialization(
    hash_data: HashData, issuer_key: KeyPair, *, proof_key: KeyPair | None = None
) -> str:
    """§ 3.6.4 Base Proof Serialization: per-quad signatures with an ephemeral P-256 key."""
    proof_key = KeyPair.generate("P-256") if proof_key is None else proof_key
    public_key = proof_key_bytes(proof_key.public)
    signatures = [
        proof_key.sign(nquad.encode("utf-8"))
        for nquad in hash_data.transformed.non_mandatory.values()
    ]
    to_sign = serialize_sign_data(hash_data.proof_hash, public_key, hash_data.mandatory_hash)
    return serialize_base_proof_value(
        issuer_key.sign(to_sign),
        public_key,
        hash_data.transformed.hmac_key,
        signatures,
        hash_data.transformed.mandatory_pointers,
    )


def create_base_proof(
    unsecured_document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    issuer_key: KeyPair,
    mandatory_pointers: Sequence[str],
    *,
    hmac_key: bytes | None = None,
    proof_key: KeyPair | None = None,
) -> dict[str, Any]:
    """Issuer: the secured document with an ecdsa-sd-2023 base proof (§ 3.6.1 to § 3.6.4)."""
    if issuer_key.public.kind != "P-256":
        raise KeyFormatError("ecdsa-sd-2023 is implemented for P-256 issuer keys only")
    proof = {key: value for key, value in proof_options.items() if key != "proofValue"}
    canonical_config = base_proof_configuration(unsecured_document, proof)
    transformed = base_proof_transformation(
        unsecured_document, mandatory_pointers, hmac_key=hmac_key
    )
    hash_data = base_proof_hashing(transformed, canonical_config)
    proof["proofValue"] = base_proof_serialization(hash_data, issuer_key, proof_key=proof_key)
    secured = copy.deepcopy(dict(unsecured_document))
    secured["proof"] = proof
    return secured


def verify_base_proof(secured_document: Mapping[str, Any], issuer_key: PublicKey) -> None:
    """The holder's check of a base proof (§ 3.6.1 to § 3.6.4 recomputed with the proof's
    HMAC key): the base signature over the proof options and the mandatory statements, and
    every per-statement signature. Raises :class:`InvalidSignatureError` when one fails."""
    proof = secured_document.get("proof")
    if not isinstance(proof, dict):
        raise MalformedProofError("the document has no single base proof")
    base = parse_base_proof_value(proof.get("proofValue"))
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    canonical_config = base_proof_configuration(unsecured, proof)
    transformed = base_proof_transformation(
        unsecured, base.mandatory_pointers, hmac_key=base.hmac_key
    )
    hash_data = base_proof_hashing(transformed, canonical_config)
    to_verify = serialize_sign_data(hash_data.proof_hash, base.public_key, hash_data.mandatory_hash)
    if not issuer_key.verify(base.base_signature, to_verify):
        raise InvalidSignatureError(
            "the base signature does not verify (a mandatory statement or the proof options "
            "changed, or another issuer key)"
        )
    statements = list(transformed.non_mandatory.values())
    if len(base.signatures) != len(statements):
        raise InvalidSignatureError(
            f"{len(base.signatures)} signatures for {len(statements)} non-mandatory statements"
        )
    proof_key = proof_scoped_key(base.public_key)
    for index, (signature, nquad) in enumerate(zip(base.signatures, statements, strict=True)):
        if not proof_key.verify(signature, nquad.encode("utf-8")):
            raise InvalidSignatureError(
                f"the signature of non-mandatory statement {index} does not verify "
                "(a field was changed)"
            )
