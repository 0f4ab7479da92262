"""DataIntegrityProof: add a proof to a document and verify one.

Follows W3C "Verifiable Credential Data Integrity 1.0" (https://www.w3.org/TR/vc-data-integrity/):

- "Context Injection" (#context-injection): :func:`with_data_integrity_context`;
- "Add Proof" (#add-proof) and "Add Proof Set/Chain" (#add-proof-set-chain):
  :func:`create_proof` (the proof) and :func:`sign` (the secured document);
- "Verify Proof" (#verify-proof) and "Verify Proof Sets and Chains"
  (#verify-proof-sets-and-chains): :func:`verify_proof`, one proof at a time.

The suite-specific steps (proof configuration, transformation, hashing, signing,
signature check) live in :mod:`vckit.di.cryptosuites`, one function per step, so tests can
compare every intermediate value with the W3C and 1EdTech vectors; the proof's shape, proof
sets and chains in :mod:`vckit.di.proofs`.

Key lookup is the caller's business: :func:`verify_proof` receives the public key that the
caller resolved from ``proof["verificationMethod"]`` (see :mod:`vckit.did.resolver`), and checks
nothing about who controls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack

from vckit.datetimes import format_xsd_datetime
from vckit.di import ecdsa_sd
from vckit.di.cryptosuites import (
    DATA_INTEGRITY_SUITES,
    Cryptosuite,
    configure_proof,
    hash_data,
    serialize_proof,
    suite_for,
    transform,
    verify_signature,
)
from vckit.di.proofs import (
    Domain,
    check_proof,
    check_proof_bindings,
    decode_proof_value,
    input_document,
    proofs_of,
)
from vckit.document import json_copy
from vckit.errors import KeyFormatError, MalformedProofError, UnsupportedCryptosuiteError
from vckit.jsonld.expansion import SealedLoader
from vckit.keys import multibase
from vckit.keys.keypair import KeyPair, PublicKey

__all__ = [
    "DATA_INTEGRITY_CONTEXT",
    "SUITES",
    "create_proof",
    "proofs_of",
    "sign",
    "verify_proof",
    "with_data_integrity_context",
]

SUITES = tuple(str(suite.name) for suite in DATA_INTEGRITY_SUITES)
"""The cryptosuites this module signs with: ``eddsa-rdfc-2022``, ``ecdsa-rdfc-2019``."""

DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
_CONTEXTS_DEFINING_PROOFS = frozenset(
    {
        "https://www.w3.org/ns/credentials/v2",
        DATA_INTEGRITY_CONTEXT,
        "https://w3id.org/security/data-integrity/v1",
    }
)
_DEFAULT_SUITE = {
    "Ed25519": "eddsa-rdfc-2022",
    "P-256": "ecdsa-rdfc-2019",
    "P-384": "ecdsa-rdfc-2019",
}


def with_data_integrity_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """Context Injection (VC Data Integrity, #context-injection): a copy of ``document``
    whose ``@context`` maps the Data Integrity terms.

    If no context already defining ``DataIntegrityProof`` is present (credentials v2 or
    data-integrity v1/v2), ``https://w3id.org/security/data-integrity/v2`` is appended,
    as the spec says a signer SHOULD (and as Digital Bazaar's libraries do for v1
    credentials). A document that already carries proofs is left as it is: changing its
    context would break them.
    """
    result: dict[str, Any] = json_copy(dict(document))
    context = result.get("@context")
    listed = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) and c in _CONTEXTS_DEFINING_PROOFS for c in listed):
        return result
    if proofs_of(document):
        return result
    if context is None:
        result["@context"] = DATA_INTEGRITY_CONTEXT
    else:
        result["@context"] = [*listed, DATA_INTEGRITY_CONTEXT]
    return result


def proof_options(
    suite: Cryptosuite,
    *,
    verification_method: str,
    proof_purpose: str,
    created: datetime,
    expires: datetime | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """The proof options of #proofs, in the order the W3C examples use (no ``proofValue``)."""
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if suite.name is not None:
        options["cryptosuite"] = suite.name
    options["created"] = format_xsd_datetime(created)
    if expires is not None:
        options["expires"] = format_xsd_datetime(expires)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain if isinstance(domain, str) else list(domain)
    if previous_proof is not None:
        options["previousProof"] = (
            previous_proof if isinstance(previous_proof, str) else list(previous_proof)
        )
    check_proof(options, require_value=False)
    return options


def _signing_suite(cryptosuite: str | None, key: KeyPair) -> Cryptosuite:
    name = cryptosuite or _DEFAULT_SUITE.get(key.public.kind)
    if name is None:
        raise KeyFormatError(f"no Data Integrity cryptosuite signs with a {key.public.kind} key")
    if name not in SUITES:
        raise UnsupportedCryptosuiteError(f"cryptosuite {name!r} is not supported ({SUITES})")
    return suite_for("DataIntegrityProof", name)


def create_proof(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    cryptosuite: str | None = None,
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
    loader: SealedLoader | None = None,
    expires: datetime | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """Create Proof (vc-di-eddsa §3.3.1, vc-di-ecdsa §3.2.1): the proof for ``document``.

    ``cryptosuite`` defaults to the key's: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019
    for P-256 / P-384. ``created`` defaults to now. ``document`` must already map the Data
    Integrity terms (see :func:`with_data_integrity_context`; :func:`sign` does this). Any
    proof already in ``document`` is left out of what is signed unless ``previous_proof``
    names it (#add-proof-set-chain). Undefined terms are refused (UndefinedTermError) by
    the strict expansion in :func:`vckit.di.cryptosuites.transform`: the sealed credentials v2
    context has no ``@vocab``, so a term no context defines is never signed.
    """
    suite = _signing_suite(cryptosuite, key)
    options = proof_options(
        suite,
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        created=created if created is not None else datetime.now(UTC),
        expires=expires,
        challenge=challenge,
        domain=domain,
        proof_id=proof_id,
        previous_proof=previous_proof,
    )
    hash_name = suite.hash_name(key.public.kind)
    unsecured = input_document(document, previous_proof)
    context = unsecured.get("@context")
    canonical_proof_config = configure_proof(options, context, suite, loader, hash_name)
    transformed = transform(unsecured, suite, loader, hash_name)
    data = hash_data(transformed, canonical_proof_config, hash_name)
    proof_bytes = serialize_proof(data, key, suite)
    if suite.canonicalization == "jcs" and context is not None:
        options["@context"] = context  # the JCS suites' proofs carry it (vc-di-eddsa §3.4)
    return {**options, "proofValue": multibase.encode(proof_bytes, "base58btc")}


class ProofParameters(TypedDict, total=False):
    """The optional parameters of a new proof, as :func:`create_proof` names them."""

    cryptosuite: str | None
    proof_purpose: str
    created: datetime | None
    challenge: str | None
    domain: Domain | None
    loader: SealedLoader | None
    expires: datetime | None
    proof_id: str | None
    previous_proof: str | Sequence[str] | None


def sign(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    **parameters: Unpack[ProofParameters],
) -> dict[str, Any]:
    """Add Proof / Add Proof Set/Chain (#add-proof, #add-proof-set-chain): a copy of
    ``document`` with the new proof (:func:`create_proof`, with the same ``parameters``) added.

    The Data Integrity context is injected first if needed. With no proof yet, ``proof``
    becomes the new proof; otherwise the new proof is appended to the proof set.
    """
    base = with_data_integrity_context(document)
    proof = create_proof(base, key, verification_method=verification_method, **parameters)
    existing = proofs_of(base)
    secured = {name: value for name, value in base.items() if name != "proof"}
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def _jcs_context(proof_context: object, document_context: object, suite: Cryptosuite) -> object:
    """vc-di-eddsa §3.4.2 / vc-di-ecdsa §3.3.2 Verify Proof: the secured document's
    ``@context`` must start with every value of the proof's ``@context``, in order; the
    unsecured document is then verified with the proof's ``@context``."""
    wanted = proof_context if isinstance(proof_context, list) else [proof_context]
    found = document_context if isinstance(document_context, list) else [document_context]
    if found[: len(wanted)] != wanted:
        raise MalformedProofError(
            f"{suite.label}: the document's @context does not start with the proof's @context"
        )
    return proof_context


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: PublicKey,
    loader: SealedLoader | None = None,
    *,
    expected_proof_purpose: str | None = None,
    challenge: str | None = None,
    domain: Domain | None = None,
) -> None:
    """Verify one proof of ``document`` (#verify-proof; vc-di-eddsa §3.3.2, vc-di-ecdsa
    §3.2.2; legacy Ed25519Signature2020).

    Returns only if the proof verifies with ``public_key``; otherwise raises
    MalformedProofError, UnsupportedCryptosuiteError, ProofPurposeError,
    InvalidDomainError, InvalidChallengeError, a JsonLdError (undefined term, unknown
    context: nothing is verified then) or InvalidSignatureError. For a proof in a chain,
    the proofs named by ``previousProof`` are secured too, but must be verified by their
    own calls (#verify-proof-sets-and-chains). An ecdsa-sd-2023 proof, base or derived, is
    verified by :func:`vckit.di.ecdsa_sd.verify_proof`.
    """
    is_sd = isinstance(proof, Mapping) and proof.get("cryptosuite") == ecdsa_sd.CRYPTOSUITE
    suite = check_proof(proof, require_value=not is_sd)
    check_proof_bindings(
        proof, expected_proof_purpose=expected_proof_purpose, challenge=challenge, domain=domain
    )
    if is_sd:  # base or derived: its own algorithms (vc-di-ecdsa §3.3)
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        ecdsa_sd.verify_proof({**unsecured, "proof": dict(proof)}, public_key)
        return
    proof_bytes = decode_proof_value(proof["proofValue"])
    hash_name = suite.hash_name(public_key.kind)
    unsecured = input_document(document, proof.get("previousProof"))
    context = unsecured.get("@context")
    if suite.canonicalization == "jcs" and "@context" in proof:
        context = _jcs_context(proof["@context"], context, suite)
        unsecured["@context"] = context
    canonical_proof_config = configure_proof(proof, context, suite, loader, hash_name)
    transformed = transform(unsecured, suite, loader, hash_name)
    data = hash_data(transformed, canonical_proof_config, hash_name)
    verify_signature(data, proof_bytes, public_key, suite)
