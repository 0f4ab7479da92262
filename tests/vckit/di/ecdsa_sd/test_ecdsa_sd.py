"""ecdsa-sd-2023 against the W3C vc-di-ecdsa test vectors (tests/vectors/ecdsa-sd-2023)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.paths import VECTORS
from vckit.di import ecdsa_sd as sd
from vckit.di.ecdsa_sd import base as ecdsa_sd_base
from vckit.di.ecdsa_sd import cbor, values
from vckit.di.ecdsa_sd import derived as ecdsa_sd_derived
from vckit.di.ecdsa_sd import group as ecdsa_sd_group
from vckit.di.ecdsa_sd import labels as ecdsa_sd_labels
from vckit.errors import InvalidSignatureError, SdPointerError, SdProofValueError
from vckit.keys import multibase
from vckit.keys.keypair import KeyPair

VECTORS = VECTORS / "ecdsa-sd-2023"
CASES = ["employ", "prc"]
# The holder's selection in the W3C examples (vc-di-ecdsa, ecdsa-sd-2023 derived proof).
SELECTIVE_POINTERS = ["/validFrom", "/validUntil", "/credentialSubject/birthCountry"]
KEYS = json.loads((VECTORS / "SDKeyMaterial.json").read_text(encoding="utf-8"))
HMAC_KEY = bytes.fromhex(KEYS["hmacKeyString"])


def keypair(name: str) -> KeyPair:
    return KeyPair.from_multibase(
        KEYS[name]["publicKeyMultibase"], KEYS[name]["secretKeyMultibase"]
    )


ISSUER = keypair("baseKeyPair")
PROOF_KEY = keypair("proofKeyPair")


def load(case: str, name: str) -> Any:
    return json.loads((VECTORS / case / name).read_text(encoding="utf-8"))


def indexed(value: dict[str, Any]) -> dict[int, str]:
    return {int(key): nquad for key, nquad in value["value"]}


def unsecured(case: str) -> dict[str, Any]:
    return {k: v for k, v in load(case, "addSignedSDBase.json").items() if k != "proof"}


def base_proof(case: str) -> dict[str, Any]:
    proof: dict[str, Any] = load(case, "addSignedSDBase.json")["proof"]
    return proof


def options(case: str) -> dict[str, Any]:
    return {k: v for k, v in base_proof(case).items() if k != "proofValue"}


# --- base proof (issuer) ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_hmac_relabelled_canonical_nquads(case: str) -> None:
    factory = ecdsa_sd_labels.create_hmac_id_label_map_function(HMAC_KEY)
    _groups, _label_map, nquads = ecdsa_sd_group.canonicalize_and_group(
        unsecured(case), factory, {}
    )
    assert nquads == load(case, "addBaseDocHMACCanon.json")


@pytest.mark.parametrize("case", CASES)
def test_base_transformation_splits_mandatory(case: str) -> None:
    expected = load(case, "addBaseTransform.json")
    got = ecdsa_sd_base.base_proof_transformation(
        unsecured(case), expected["mandatoryPointers"], hmac_key=HMAC_KEY
    )
    assert got.mandatory == indexed(expected["mandatory"])
    assert got.non_mandatory == indexed(expected["nonMandatory"])


@pytest.mark.parametrize("case", CASES)
def test_proof_configuration_and_hashes(case: str) -> None:
    canonical = ecdsa_sd_base.base_proof_configuration(unsecured(case), options(case))
    assert canonical == (VECTORS / case / "addProofConfigCanon.txt").read_text(encoding="utf-8")
    transformed = ecdsa_sd_base.base_proof_transformation(
        unsecured(case), ["/issuer"], hmac_key=HMAC_KEY
    )
    hashes = ecdsa_sd_base.base_proof_hashing(transformed, canonical)
    expected = load(case, "addHashData.json")
    assert hashes.proof_hash.hex() == expected["proofHash"]
    assert hashes.mandatory_hash.hex() == expected["mandatoryHash"]


@pytest.mark.parametrize("case", CASES)
def test_vector_base_proof_value_parses_to_raw_signature_info(case: str) -> None:
    raw = load(case, "addRawBaseSignatureInfo.json")
    parsed = values.parse_base_proof_value(base_proof(case)["proofValue"])
    assert parsed.base_signature.hex() == raw["baseSignature"]
    assert parsed.public_key == multibase.decode(raw["publicKey"])
    assert [s.hex() for s in parsed.signatures] == raw["signatures"]
    assert parsed.hmac_key == HMAC_KEY
    assert parsed.mandatory_pointers == ["/issuer"]
    # CBOR round trip, byte for byte, with the 0xd9 0x5d 0x00 header.
    again = values.serialize_base_proof_value(
        parsed.base_signature,
        parsed.public_key,
        parsed.hmac_key,
        parsed.signatures,
        parsed.mandatory_pointers,
    )
    assert again == base_proof(case)["proofValue"]
    assert multibase.decode(again)[:3] == b"\xd9\x5d\x00"


@pytest.mark.parametrize("case", CASES)
def test_vector_signatures_verify_over_our_data(case: str) -> None:
    """The vector's signatures are over exactly the bytes we compute (ECDSA is randomized
    in vckit, so our own signatures differ; they are checked in the round trip below)."""
    transformed = ecdsa_sd_base.base_proof_transformation(
        unsecured(case), ["/issuer"], hmac_key=HMAC_KEY
    )
    canonical = ecdsa_sd_base.base_proof_configuration(unsecured(case), options(case))
    hashes = ecdsa_sd_base.base_proof_hashing(transformed, canonical)
    parsed = values.parse_base_proof_value(base_proof(case)["proofValue"])
    to_sign = values.serialize_sign_data(
        hashes.proof_hash, parsed.public_key, hashes.mandatory_hash
    )
    assert ISSUER.public.verify(parsed.base_signature, to_sign)
    nquads = list(transformed.non_mandatory.values())
    assert len(nquads) == len(parsed.signatures)
    for signature, nquad in zip(parsed.signatures, nquads, strict=True):
        assert PROOF_KEY.public.verify(signature, nquad.encode("utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_our_base_proof_matches_vector_but_for_signatures(case: str) -> None:
    secured = sd.create_base_proof(
        unsecured(case), options(case), ISSUER, ["/issuer"], hmac_key=HMAC_KEY, proof_key=PROOF_KEY
    )
    ours = values.parse_base_proof_value(secured["proof"]["proofValue"])
    theirs = values.parse_base_proof_value(base_proof(case)["proofValue"])
    assert (ours.public_key, ours.hmac_key, ours.mandatory_pointers) == (
        theirs.public_key,
        theirs.hmac_key,
        theirs.mandatory_pointers,
    )
    assert len(ours.signatures) == len(theirs.signatures)
    assert {k: v for k, v in secured.items() if k != "proof"} == unsecured(case)


# --- derived proof (holder) -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_group_indexes(case: str) -> None:
    expected = load(case, "derivedGroupIndexes.json")
    parsed = values.parse_base_proof_value(base_proof(case)["proofValue"])
    groups, _labels, _nquads = ecdsa_sd_group.canonicalize_and_group(
        unsecured(case),
        ecdsa_sd_labels.create_hmac_id_label_map_function(parsed.hmac_key),
        {
            "mandatory": parsed.mandatory_pointers,
            "selective": SELECTIVE_POINTERS,
            "combined": parsed.mandatory_pointers + SELECTIVE_POINTERS,
        },
    )
    assert list(groups["combined"].matching) == expected["combinedIndexes"]
    assert list(groups["mandatory"].matching) == expected["mandatoryIndexes"]
    assert list(groups["mandatory"].non_matching) == expected["nonMandatoryIndexes"]
    assert list(groups["selective"].matching) == expected["selectiveIndexes"]


@pytest.mark.parametrize("case", CASES)
def test_disclosure_data(case: str) -> None:
    data = ecdsa_sd_derived.create_disclosure_data(
        unsecured(case), base_proof(case), SELECTIVE_POINTERS
    )
    expected = load(case, "derivedDisclosureData.json")
    assert data.base_signature.hex() == expected["baseSignature"]
    assert data.public_key == multibase.decode(expected["publicKey"])
    assert [s.hex() for s in data.signatures] == expected["signatures"]
    assert data.label_map == dict(expected["labelMap"]["value"])
    assert data.mandatory_indexes == expected["mandatoryIndexes"]
    assert (
        data.mandatory_indexes
        == load(case, "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    )
    assert data.reveal_document == load(case, "derivedUnsignedReveal.json")


@pytest.mark.parametrize("case", CASES)
def test_derived_proof_is_byte_for_byte_the_vector(case: str) -> None:
    secured = load(case, "addSignedSDBase.json")
    assert sd.add_derived_proof(secured, SELECTIVE_POINTERS) == load(
        case, "derivedRevealDocument.json"
    )


# --- verification (verifier) ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_verify_data(case: str) -> None:
    revealed = load(case, "derivedRevealDocument.json")
    parsed = values.parse_derived_proof_value(revealed["proof"]["proofValue"])
    expected = load(case, "verifyDerivedProofValue.json")
    assert parsed.label_map == dict(expected["labelMap"])
    assert parsed.mandatory_indexes == expected["mandatoryIndexes"]
    assert [s.hex() for s in parsed.signatures] == expected["signatures"]
    data = ecdsa_sd_derived.create_verify_data(revealed, revealed["proof"])
    assert data.nquads == load(case, "verifyNQuads.json")
    verify = load(case, "verifyCreateVerifyData.json")
    assert data.proof_hash.hex() == verify["proofHash"]
    assert data.mandatory_hash.hex() == verify["mandatoryHash"]
    assert data.non_mandatory == verify["nonMandatory"]
    assert multibase.decode(revealed["proof"]["proofValue"])[:3] == b"\xd9\x5d\x01"


@pytest.mark.parametrize("case", CASES)
def test_vector_derived_proof_verifies(case: str) -> None:
    sd.verify_derived_proof(load(case, "derivedRevealDocument.json"), ISSUER.public)


@pytest.mark.parametrize("case", CASES)
def test_round_trip_with_fresh_keys(case: str) -> None:
    issuer = KeyPair.generate("P-256")
    secured = sd.create_base_proof(unsecured(case), options(case), issuer, ["/issuer"])
    revealed = sd.add_derived_proof(secured, ["/credentialSubject/birthCountry"])
    assert "validFrom" not in revealed
    sd.verify_derived_proof(revealed, issuer.public)


# --- failures, by scenario ----------------------------------------------------------------


def revealed_vector() -> dict[str, Any]:
    return load("employ", "derivedRevealDocument.json")


def tampered_field(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["birthCountry"] = "Atlantis"


def tampered_mandatory_field(doc: dict[str, Any]) -> None:
    doc["issuer"]["image"] = "data:image/png;base64,AAAA"


def dropped_mandatory_field(doc: dict[str, Any]) -> None:
    del doc["issuer"]["image"]


def dropped_selective_field(doc: dict[str, Any]) -> None:
    del doc["validUntil"]


def tampered_proof_options(doc: dict[str, Any]) -> None:
    doc["proof"]["created"] = "2024-01-01T00:00:00Z"


def wrong_hmac_label(doc: dict[str, Any]) -> None:
    parsed = values.parse_derived_proof_value(doc["proof"]["proofValue"])
    labels = dict(parsed.label_map)
    labels["c14n0"], labels["c14n1"] = labels["c14n1"], labels["c14n0"]
    doc["proof"]["proofValue"] = values.serialize_derived_proof_value(
        parsed.base_signature,
        parsed.public_key,
        parsed.signatures,
        labels,
        parsed.mandatory_indexes,
    )


def forged_hmac_label(doc: dict[str, Any]) -> None:
    parsed = values.parse_derived_proof_value(doc["proof"]["proofValue"])
    labels = dict(parsed.label_map)
    labels["c14n0"] = "u" + multibase.base64url_nopad_encode(bytes(32))
    doc["proof"]["proofValue"] = values.serialize_derived_proof_value(
        parsed.base_signature, parsed.public_key, parsed.signatures, labels,
        parsed.mandatory_indexes,
    )  # fmt: skip


def mandatory_index_dropped(doc: dict[str, Any]) -> None:
    parsed = values.parse_derived_proof_value(doc["proof"]["proofValue"])
    doc["proof"]["proofValue"] = values.serialize_derived_proof_value(
        parsed.base_signature, parsed.public_key, parsed.signatures, parsed.label_map,
        parsed.mandatory_indexes[1:],
    )  # fmt: skip


NEGATIVE = [
    tampered_field,
    tampered_mandatory_field,
    dropped_mandatory_field,
    dropped_selective_field,
    tampered_proof_options,
    wrong_hmac_label,
    forged_hmac_label,
    mandatory_index_dropped,
]


@pytest.mark.parametrize("mutate", NEGATIVE, ids=[f.__name__ for f in NEGATIVE])
def test_changed_derived_document_is_rejected(mutate: Any) -> None:
    doc = revealed_vector()
    mutate(doc)
    with pytest.raises(InvalidSignatureError) as raised:
        sd.verify_derived_proof(doc, ISSUER.public)
    assert raised.value.code == "invalid-signature"


def test_wrong_issuer_key_is_rejected() -> None:
    with pytest.raises(InvalidSignatureError):
        sd.verify_derived_proof(revealed_vector(), KeyPair.generate("P-256").public)


def test_base_proof_is_not_a_derived_proof() -> None:
    with pytest.raises(SdProofValueError) as raised:
        sd.verify_derived_proof(load("employ", "addSignedSDBase.json"), ISSUER.public)
    assert raised.value.code == "sd-proof-value-malformed"


def test_holder_cannot_drop_a_mandatory_statement() -> None:
    """A holder cannot drop a mandatory statement: the base signature covers it."""
    doc = revealed_vector()
    del doc["issuer"]
    with pytest.raises(InvalidSignatureError):
        sd.verify_derived_proof(doc, ISSUER.public)


def test_mandatory_pointer_dropped_from_the_base_proof_cannot_be_derived() -> None:
    """A holder who rewrites the base proof without ``/issuer`` has no signatures for it."""
    secured = load("employ", "addSignedSDBase.json")
    parsed = values.parse_base_proof_value(secured["proof"]["proofValue"])
    secured["proof"]["proofValue"] = values.serialize_base_proof_value(
        parsed.base_signature, parsed.public_key, parsed.hmac_key, parsed.signatures, []
    )
    with pytest.raises(SdProofValueError):
        sd.add_derived_proof(secured, SELECTIVE_POINTERS)


def test_pointer_that_selects_nothing_is_refused() -> None:
    with pytest.raises(SdPointerError) as raised:
        sd.add_derived_proof(load("employ", "addSignedSDBase.json"), ["/credentialSubject/nope"])
    assert raised.value.code == "sd-pointer-invalid"


@pytest.mark.parametrize(
    "data",
    [b"\x5f\x41\x00\xff", b"\x82\x01", b"\x01\x02", b"\xf6", b"\x9f\x01\xff"],
    ids=["indefinite-bytes", "truncated-array", "trailing-bytes", "null", "indefinite-array"],
)
def test_cbor_decoder_refuses(data: bytes) -> None:
    with pytest.raises(SdProofValueError):
        cbor.decode(data)


def test_cbor_round_trip() -> None:
    value = [b"\x00" * 64, "/issuer", [1, 24, 256, 70000], {0: b"x", 1: b"y"}]
    assert cbor.decode(cbor.encode(copy.deepcopy(value))) == value


@pytest.mark.parametrize(
    "label_map",
    [
        {"c14n0": "uAAAA", "c14n1": "uAAAA"},
        {"c14n0": "uAAAA", "b1": "uBBBB"},
        {"c14n01": "uAAAA"},
    ],
    ids=["two-nodes-one-label", "key-not-c14n", "leading-zero"],
)
def test_label_map_function_refuses_a_map_that_is_not_one_to_one(
    label_map: dict[str, str],
) -> None:
    with pytest.raises(SdProofValueError):
        ecdsa_sd_labels.create_label_map_function(label_map)


def test_derived_proof_value_with_a_repeated_label_is_refused() -> None:
    derived = load("employ", "derivedRevealDocument.json")
    value = values.parse_derived_proof_value(derived["proof"]["proofValue"])
    labels = dict(value.label_map)
    first, second = sorted(labels)[:2]
    labels[second] = labels[first]
    forged = values.serialize_derived_proof_value(
        value.base_signature, value.public_key, value.signatures, labels, value.mandatory_indexes
    )
    with pytest.raises(SdProofValueError, match="same label"):
        values.parse_derived_proof_value(forged)
