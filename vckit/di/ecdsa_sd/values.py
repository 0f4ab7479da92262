"""vc-di-ecdsa § 3.5 ecdsa-sd-2023 Functions, the proof value formats: § 3.5.1
:func:`serialize_sign_data`, § 3.5.2 :func:`serialize_base_proof_value`, § 3.5.3
:func:`parse_base_proof_value`, § 3.5.5 :func:`compress_label_map`, § 3.5.6
:func:`decompress_label_map`, § 3.5.7 :func:`serialize_derived_proof_value`, § 3.5.8
:func:`parse_derived_proof_value`.

A proof value is multibase ``u`` (base64url, no padding) of a three-byte tag header (0xd9 0x5d
0x00 base, 0xd9 0x5d 0x01 derived) and a CBOR array of five items (:mod:`vckit.di.ecdsa_sd.cbor`).
Its
``publicKey`` is the proof-scoped P-256 key as Multikey bytes (the P-384 variant is not
implemented).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vckit.di.ecdsa_sd import cbor
from vckit.di.ecdsa_sd.labels import LabelMap, check_label_map
from vckit.errors import KeyFormatError, SdProofValueError
from vckit.keys import multibase
from vckit.keys.keypair import PublicKey

CRYPTOSUITE = "ecdsa-sd-2023"
BASE_PROOF_HEADER = b"\xd9\x5d\x00"
DERIVED_PROOF_HEADER = b"\xd9\x5d\x01"
_P256_MULTIKEY_PREFIX = b"\x80\x24"


def proof_key_bytes(key: PublicKey) -> bytes:
    """The proof-scoped public key as the Multikey bytes a proof value carries (P-256 only)."""
    data = multibase.decode(key.to_multibase())
    if not data.startswith(_P256_MULTIKEY_PREFIX) or len(data) != 35:
        raise KeyFormatError("ecdsa-sd-2023 proof-scoped keys must be P-256")
    return data


def proof_scoped_key(public_key: bytes) -> PublicKey:
    """The proof-scoped key from a proof value's Multikey bytes (P-256 only)."""
    if not public_key.startswith(_P256_MULTIKEY_PREFIX) or len(public_key) != 35:
        raise SdProofValueError("the proof-scoped key is not a P-256 Multikey")
    return PublicKey.from_multibase(multibase.encode(public_key, "base58btc"))


def serialize_sign_data(proof_hash: bytes, public_key: bytes, mandatory_hash: bytes) -> bytes:
    """§ 3.5.1 serializeSignData: proofHash || publicKey || mandatoryHash."""
    return proof_hash + public_key + mandatory_hash


def _encode_proof_value(header: bytes, components: list[Any]) -> str:
    return "u" + multibase.base64url_nopad_encode(header + cbor.encode(components))


def _decode_proof_value(proof_value: Any, header: bytes, what: str) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise SdProofValueError(f"the {what} proofValue must be base64url-no-pad multibase ('u')")
    try:
        data = multibase.base64url_nopad_decode(proof_value[1:])
    except Exception:
        raise SdProofValueError(f"the {what} proofValue is not base64url") from None
    if data[:3] != header:
        raise SdProofValueError(
            f"the proofValue is not an ecdsa-sd-2023 {what} proof (header {data[:3].hex()})"
        )
    components = cbor.decode(data[3:])
    if not isinstance(components, list) or len(components) != 5:
        raise SdProofValueError(f"the {what} proofValue must be a CBOR array of five items")
    return components


def serialize_base_proof_value(
    base_signature: bytes,
    public_key: bytes,
    hmac_key: bytes,
    signatures: Sequence[bytes],
    mandatory_pointers: Sequence[str],
) -> str:
    """§ 3.5.2 serializeBaseProofValue: header 0xd9 0x5d 0x00 + CBOR array, multibase ``u``."""
    return _encode_proof_value(
        BASE_PROOF_HEADER,
        [base_signature, public_key, hmac_key, list(signatures), list(mandatory_pointers)],
    )


@dataclass
class BaseProofValue:
    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    """§ 3.5.3 parseBaseProofValue."""
    sig, key, hmac_key, signatures, pointers = _decode_proof_value(
        proof_value, BASE_PROOF_HEADER, "base"
    )
    if not (
        isinstance(sig, bytes)
        and isinstance(key, bytes)
        and isinstance(hmac_key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(pointers, list)
        and all(isinstance(item, str) for item in pointers)
    ):
        raise SdProofValueError("the base proofValue components have the wrong CBOR types")
    return BaseProofValue(sig, key, hmac_key, signatures, pointers)


def compress_label_map(label_map: Mapping[str, str]) -> dict[int, bytes]:
    """§ 3.5.5 compressLabelMap: ``c14nN`` to N, ``u``-base64url label to its bytes."""
    compressed: dict[int, bytes] = {}
    for key, value in label_map.items():
        compressed[int(key[len("c14n") :])] = multibase.base64url_nopad_decode(value[1:])
    return compressed


def decompress_label_map(compressed: Any) -> LabelMap:
    """§ 3.5.6 decompressLabelMap."""
    if not isinstance(compressed, dict):
        raise SdProofValueError("the derived proof's label map must be a CBOR map")
    label_map: LabelMap = {}
    for key, value in compressed.items():
        if not isinstance(key, int) or not isinstance(value, bytes):
            raise SdProofValueError("label map entries must be integer to byte string")
        label_map[f"c14n{key}"] = "u" + multibase.base64url_nopad_encode(value)
    check_label_map(label_map)
    return label_map


def serialize_derived_proof_value(
    base_signature: bytes,
    public_key: bytes,
    signatures: Sequence[bytes],
    label_map: Mapping[str, str],
    mandatory_indexes: Sequence[int],
) -> str:
    """§ 3.5.7 serializeDerivedProofValue: header 0xd9 0x5d 0x01 + CBOR array."""
    return _encode_proof_value(
        DERIVED_PROOF_HEADER,
        [
            base_signature,
            public_key,
            list(signatures),
            compress_label_map(label_map),
            list(mandatory_indexes),
        ],
    )


@dataclass
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: LabelMap
    mandatory_indexes: list[int]


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    """§ 3.5.8 parseDerivedProofValue."""
    sig, key, signatures, compressed, indexes = _decode_proof_value(
        proof_value, DERIVED_PROOF_HEADER, "derived"
    )
    if not (
        isinstance(sig, bytes)
        and isinstance(key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(indexes, list)
        and all(isinstance(item, int) for item in indexes)
    ):
        raise SdProofValueError("the derived proofValue components have the wrong CBOR types")
    return DerivedProofValue(sig, key, signatures, decompress_label_map(compressed), indexes)
