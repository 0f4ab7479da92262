"""The Data Integrity cryptosuites built on one signature over two hashes, one function per
algorithm step.

A cryptosuite here is a small flat value (:class:`Cryptosuite`); the steps are plain
functions shared by the suites, because they differ only in the key type, the hash function
and the canonicalization (RDFC-1.0 over the JSON-LD's RDF, or JCS over the JSON text):

- ``eddsa-rdfc-2022`` — W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.3
  https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
- ``ecdsa-rdfc-2019`` — W3C "Data Integrity ECDSA Cryptosuites v1.0" §3.2, SHA-256 for P-256
  and SHA-384 for P-384 (§3.2.4 Hashing) https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019
- ``eddsa-jcs-2022`` — vc-di-eddsa §3.4 https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
- ``ecdsa-jcs-2019`` — vc-di-ecdsa §3.3 https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-jcs-2019
  (JCS, RFC 8785: :mod:`vckit.di.jcs`; the proof carries the document's ``@context``)
- ``ecdsa-sd-2023`` (verification only here) — vc-di-ecdsa §3.3, steps in :mod:`vckit.di.ecdsa_sd`
- ``Ed25519Signature2020`` (legacy, verification only) — vc-di-eddsa §4 "The
  Ed25519Signature2020 Suite" https://www.w3.org/TR/vc-di-eddsa/#the-ed25519signature2020-suite

The steps, in the order Create Proof / Verify Proof run them:

1. :func:`configure_proof` — Proof Configuration: check the options, give them the
   document's ``@context``, canonicalize (RDFC-1.0 or JCS).
2. :func:`transform` — Transformation: canonicalize the unsecured document (RDFC-1.0 or JCS).
3. :func:`hash_data` — Hashing: ``H(canonical proof config) || H(canonical document)``.
4. :func:`serialize_proof` — Proof Serialization: sign the hash data.
5. :func:`verify_signature` — Proof Verification: check the signature over the hash data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vckit.datetimes import parse_xsd_datetime
from vckit.di import jcs
from vckit.errors import (
    DateTimeError,
    InputError,
    InvalidSignatureError,
    KeyFormatError,
    MalformedProofError,
    UnsupportedCryptosuiteError,
)
from vckit.jsonld import expansion as jsonld
from vckit.jsonld import rdfc10
from vckit.jsonld.expansion import SealedLoader
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey

HashName = Literal["sha256", "sha384"]
"""SHA-384 goes with P-384 keys, in RDFC-1.0 and in Hashing alike (vc-di-ecdsa §3.2.3-3.2.4)."""


@dataclass(frozen=True)
class Cryptosuite:
    """What distinguishes one suite from another: its names, its keys, where it is specified."""

    proof_type: str
    """The proof ``type``: ``DataIntegrityProof``, or a legacy type (``Ed25519Signature2020``)."""
    name: str | None
    """The ``cryptosuite`` value, or None for a legacy proof type that has none."""
    key_kinds: tuple[KeyKind, ...]
    signature_lengths: Mapping[KeyKind, int]
    spec: str
    canonicalization: Literal["rdfc", "jcs"] = "rdfc"

    @property
    def label(self) -> str:
        """The name people use for this suite."""
        return self.name or self.proof_type

    def hash_name(self, kind: KeyKind) -> HashName:
        """The hash for a key kind: SHA-384 for P-384 (vc-di-ecdsa §3.2.4), SHA-256 otherwise."""
        return "sha384" if kind == "P-384" else "sha256"


EDDSA_RDFC_2022 = Cryptosuite(
    proof_type="DataIntegrityProof",
    name="eddsa-rdfc-2022",
    key_kinds=("Ed25519",),
    signature_lengths={"Ed25519": 64},
    spec="https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022",
)
ECDSA_RDFC_2019 = Cryptosuite(
    proof_type="DataIntegrityProof",
    name="ecdsa-rdfc-2019",
    key_kinds=("P-256", "P-384"),
    signature_lengths={"P-256": 64, "P-384": 96},
    spec="https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019",
)
EDDSA_JCS_2022 = Cryptosuite(
    proof_type="DataIntegrityProof",
    name="eddsa-jcs-2022",
    key_kinds=("Ed25519",),
    signature_lengths={"Ed25519": 64},
    spec="https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022",
    canonicalization="jcs",
)
ECDSA_JCS_2019 = Cryptosuite(
    proof_type="DataIntegrityProof",
    name="ecdsa-jcs-2019",
    key_kinds=("P-256", "P-384"),
    signature_lengths={"P-256": 64, "P-384": 96},
    spec="https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-jcs-2019",
    canonicalization="jcs",
)
ED25519_SIGNATURE_2020 = Cryptosuite(
    proof_type="Ed25519Signature2020",
    name=None,
    key_kinds=("Ed25519",),
    signature_lengths={"Ed25519": 64},
    spec="https://www.w3.org/TR/vc-di-eddsa/#the-ed25519signature2020-suite",
)
ECDSA_SD_2023 = Cryptosuite(
    proof_type="DataIntegrityProof",
    name="ecdsa-sd-2023",
    key_kinds=("P-256",),
    signature_lengths={"P-256": 64},
    spec="https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023",
)
"""Selective disclosure; its steps are in :mod:`vckit.di.ecdsa_sd`, not the RDFC steps here."""
DATA_INTEGRITY_SUITES = (EDDSA_RDFC_2022, ECDSA_RDFC_2019, EDDSA_JCS_2022, ECDSA_JCS_2019)
VERIFY_ONLY_SUITES = (ECDSA_SD_2023,)
"""Suites :func:`vckit.di.algorithms.verify_proof` checks but :func:`~vckit.di.algorithms.sign`
does not make (ecdsa-sd-2023 base proofs come from :func:`vckit.di.ecdsa_sd.create_base_proof`)."""
LEGACY_SUITES = (ED25519_SIGNATURE_2020,)


def suite_for(proof_type: object, cryptosuite: object) -> Cryptosuite:
    """Instantiate Cryptosuite (vc-di-eddsa §3.1, vc-di-ecdsa §3.1): the suite for a proof.

    Raises UnsupportedCryptosuiteError for any other ``type`` / ``cryptosuite`` pair.
    """
    if proof_type == "DataIntegrityProof":
        for suite in (*DATA_INTEGRITY_SUITES, *VERIFY_ONLY_SUITES):
            if suite.name == cryptosuite:
                return suite
        known = ", ".join(str(s.name) for s in (*DATA_INTEGRITY_SUITES, *VERIFY_ONLY_SUITES))
        raise UnsupportedCryptosuiteError(
            f"proof.cryptosuite {cryptosuite!r} is not supported (supported: {known})"
        )
    for suite in LEGACY_SUITES:
        if suite.proof_type == proof_type:
            return suite
    raise UnsupportedCryptosuiteError(f"proof.type {proof_type!r} is not supported")


def is_xml_datetime(value: object) -> bool:
    """True for an XML Schema ``dateTime`` (XMLSCHEMA11-2 §3.3.7) with a real calendar date,
    the time zone optional (VC Data Integrity 1.0 §2.1: a ``created`` without one is read as
    UTC). Read by :func:`vckit.datetimes.parse_xsd_datetime`, so a proof's dates and a
    credential's are judged alike; hour ``24:00:00`` and years outside 0001-9999, which
    Python's ``datetime`` cannot hold, are refused."""
    try:
        parse_xsd_datetime(value, "proof date", require_timezone=False)
    except DateTimeError:
        return False
    return True


def canonicalize(
    document: Mapping[str, Any],
    loader: SealedLoader | None,
    hash_name: HashName,
    suite: Cryptosuite = EDDSA_RDFC_2022,
) -> str:
    """The suite's canonical form: JCS (RFC 8785) of the JSON, or RDFC-1.0 over the document's
    RDF dataset with the suite's hash for blank-node labels.

    ``jsonld.to_quads`` refuses undefined terms and relative IRIs, so nothing is left
    unsigned silently (vc-data-integrity #securing-data-losslessly); JCS signs the JSON text
    exactly as it is, so there is nothing to lose.
    """
    if suite.canonicalization == "jcs":
        try:
            return jcs.canonicalize(document)
        except InputError as exc:
            raise MalformedProofError(f"{suite.label}: the document is not I-JSON: {exc}") from exc
    return "".join(rdfc10.canonical_lines(jsonld.to_quads(document, loader), hash_name=hash_name))


def configure_proof(
    options: Mapping[str, Any],
    document_context: object,
    suite: Cryptosuite,
    loader: SealedLoader | None = None,
    hash_name: HashName = "sha256",
) -> str:
    """Proof Configuration (vc-di-eddsa §3.3.5, vc-di-ecdsa §3.2.5; Ed25519Signature2020 alike).

    Clones the proof options (the proof without ``proofValue``), checks ``type``,
    ``cryptosuite`` and ``created``, sets ``@context`` to the unsecured document's
    ``@context``, and returns the RDFC-1.0 canonical N-Quads of the result.
    """
    config = {key: value for key, value in options.items() if key != "proofValue"}
    if config.get("type") != suite.proof_type:
        raise MalformedProofError(f"proof.type must be {suite.proof_type!r} for {suite.label}")
    if suite.name is not None and config.get("cryptosuite") != suite.name:
        raise MalformedProofError(f"proof.cryptosuite must be {suite.name!r}")
    if "created" in config and not is_xml_datetime(config["created"]):
        raise MalformedProofError(
            f"proof.created {config['created']!r} is not an XML Schema dateTime"
        )
    config["@context"] = document_context
    if suite.canonicalization == "jcs":
        return canonicalize(config, loader, hash_name, suite)
    return _canonical_config(config, loader or jsonld.default_loader(), hash_name, suite)


def _canonical_config(
    config: Mapping[str, Any], loader: SealedLoader, hash_name: HashName, suite: Cryptosuite
) -> str:
    """RDFC-1.0 of a proof configuration, remembered by the loader per JSON text and hash.

    A configuration is the same for every credential an issuer signs within one second
    (``created`` has whole seconds) and for every check of one credential; its canonical form
    depends only on its JSON, the loader's sealed contexts and the hash. Failures are not kept.
    """
    try:
        text = json.dumps(config, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # not JSON: let canonicalize say why
        return canonicalize(config, loader, hash_name, suite)
    key = (hash_name, text)
    found = loader.canonical_memo.get(key)
    if found is None:
        found = canonicalize(config, loader, hash_name, suite)
        loader.canonical_memo[key] = found
    return found


def transform(
    unsecured_document: Mapping[str, Any],
    suite: Cryptosuite,
    loader: SealedLoader | None = None,
    hash_name: HashName = "sha256",
) -> str:
    """Transformation (vc-di-eddsa §3.3.3, vc-di-ecdsa §3.2.3; Ed25519Signature2020 alike).

    The RDFC-1.0 canonical N-Quads of the unsecured document. For P-384 keys RDFC-1.0 runs
    with SHA-384 ("a hash algorithm that has an appropriate security level for the curve
    used", vc-di-ecdsa §3.2.3); the W3C P-384 employment vector, which has blank nodes,
    depends on it.
    """
    if suite.proof_type not in ("DataIntegrityProof", "Ed25519Signature2020"):
        raise MalformedProofError(f"cannot transform for proof type {suite.proof_type!r}")
    return canonicalize(unsecured_document, loader, hash_name, suite)


def hash_data(transformed_document: str, canonical_proof_config: str, hash_name: HashName) -> bytes:
    """Hashing (vc-di-eddsa §3.3.4, vc-di-ecdsa §3.2.4; Ed25519Signature2020 alike).

    ``hash(canonicalProofConfig) || hash(transformedDocument)``, both UTF-8 encoded.
    """
    proof_config_hash = hashlib.new(hash_name, canonical_proof_config.encode("utf-8")).digest()
    document_hash = hashlib.new(hash_name, transformed_document.encode("utf-8")).digest()
    return proof_config_hash + document_hash


def _check_key_kind(suite: Cryptosuite, kind: KeyKind) -> None:
    if kind not in suite.key_kinds:
        raise KeyFormatError(
            f"{suite.label} needs a {' or '.join(suite.key_kinds)} key, not {kind}"
        )


def serialize_proof(hash_data: bytes, key: KeyPair, suite: Cryptosuite) -> bytes:
    """Proof Serialization (vc-di-eddsa §3.3.6, vc-di-ecdsa §3.2.6): sign the hash data.

    Ed25519: pure EdDSA (RFC 8032). ECDSA: P1363 ``r || s`` over SHA-256 (P-256) or SHA-384
    (P-384) of the hash data, 64 or 96 bytes.
    """
    _check_key_kind(suite, key.public.kind)
    return key.sign(hash_data)


def verify_signature(
    hash_data: bytes, proof_bytes: bytes, public_key: PublicKey, suite: Cryptosuite
) -> None:
    """Proof Verification (vc-di-eddsa §3.3.7, vc-di-ecdsa §3.2.7; Ed25519Signature2020 alike).

    Returns only if the signature is valid; otherwise raises InvalidSignatureError.
    """
    if public_key.kind not in suite.key_kinds:
        raise InvalidSignatureError(
            f"a {public_key.kind} key cannot verify a {suite.label} proof "
            f"(needs {' or '.join(suite.key_kinds)})"
        )
    expected = suite.signature_lengths[public_key.kind]
    if len(proof_bytes) != expected:
        raise MalformedProofError(
            f"proof.proofValue decodes to {len(proof_bytes)} bytes; a {suite.label} signature "
            f"with a {public_key.kind} key is {expected} bytes"
        )
    if not public_key.verify(proof_bytes, hash_data):
        raise InvalidSignatureError(
            f"the {suite.label} signature does not match the document and proof options "
            "for this key"
        )
