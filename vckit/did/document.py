"""DID documents: verification methods, verification relationships, key control.

DID Core 1.0 (https://www.w3.org/TR/did-core/): 5.2 verification methods, 5.3 verification
relationships (a method is referenced by id or embedded), 3.2.2 relative DID URLs. Key types
read: Multikey and JsonWebKey (W3C Controlled Identifiers 1.0, 2.2.2 and 2.2.3), and the older
CCG suite types Ed25519VerificationKey2020 (publicKeyMultibase), Ed25519VerificationKey2018
(publicKeyBase58) and JsonWebKey2020 (publicKeyJwk).

Key control is strict and simple: :meth:`DidDocument.allows` is true iff the relationship
lists (references or embeds) the method id. A document may only define methods whose id is
under its own DID and whose ``controller`` is that DID (Controlled Identifiers 1.0, 3.3
"Retrieve Verification Method": a method whose ``controller`` is not the document's ``id``
is an invalid verification method), and may never publish a private key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vckit.errors import (
    DidResolutionError,
    InputError,
    KeyFormatError,
    VerificationMethodNotFoundError,
)
from vckit.keys import multibase
from vckit.keys.keypair import PublicKey

RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
MAX_VERIFICATION_METHODS = 100
_PRIVATE_MEMBERS = (
    "secretKeyMultibase",
    "privateKeyMultibase",
    "privateKeyJwk",
    "privateKeyBase58",
)


@dataclass(frozen=True)
class VerificationMethod:
    """A verification method vckit can use (DID Core 5.2); ``id`` is always absolute."""

    id: str
    type: str
    controller: str
    public_key: PublicKey


@dataclass(frozen=True)
class DidDocument:
    """A resolved DID document. ``unusable`` lists (id, reason) of methods vckit cannot read
    (unknown type, X25519 key...): they are never returned by :meth:`find`."""

    id: str
    document: dict[str, Any]
    verification_methods: tuple[VerificationMethod, ...]
    unusable: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def absolute(self, ref: str) -> str:
        """Resolve a relative DID URL (``#key-1``) against the document id (DID Core 3.2.2)."""
        return self.id + ref if ref.startswith("#") else ref

    def find(self, vm_id: str) -> VerificationMethod:
        """The verification method with this (absolute or relative) id."""
        target = self.absolute(vm_id)
        for method in self.verification_methods:
            if method.id == target:
                return method
        reason = dict(self.unusable).get(target)
        detail = f" ({reason})" if reason else ""
        raise VerificationMethodNotFoundError(f"{target} is not usable in {self.id}{detail}")

    def allows(self, vm_id: str, relationship: str) -> bool:
        """True iff ``relationship`` (e.g. ``assertionMethod``) references or embeds ``vm_id``
        (DID Core 5.3). A method merely present in ``verificationMethod`` is not enough."""
        entries = self.document.get(relationship)
        if not isinstance(entries, list):
            return False
        target = self.absolute(vm_id)
        for entry in entries:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and self.absolute(ref) == target:
                return True
        return False


def has_private_key(method: Mapping[str, Any]) -> bool:
    """A public document must never publish a private key (a JWK ``d`` or a private member)."""
    jwk = method.get("publicKeyJwk")
    return (isinstance(jwk, Mapping) and "d" in jwk) or any(m in method for m in _PRIVATE_MEMBERS)


def method_key(method: Mapping[str, Any]) -> PublicKey:
    """Read the key of one method by its type (CID 1.0 2.2.2 Multikey, 2.2.3 JsonWebKey;
    Ed25519VerificationKey2020/2018 and JsonWebKey2020 from the CCG suites)."""
    kind = method.get("type")
    if kind in ("Multikey", "Ed25519VerificationKey2020"):
        value = method.get("publicKeyMultibase")
        if not isinstance(value, str):
            raise KeyFormatError(f"{kind} needs a publicKeyMultibase string")
        public = PublicKey.from_multibase(value)
        if kind != "Multikey" and public.kind != "Ed25519":
            raise KeyFormatError(f"{kind} must hold an Ed25519 key, not {public.kind}")
        return public
    if kind in ("JsonWebKey2020", "JsonWebKey"):
        jwk = method.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            raise KeyFormatError(f"{kind} needs a publicKeyJwk object")
        return PublicKey.from_jwk(jwk)
    if kind == "Ed25519VerificationKey2018":
        value = method.get("publicKeyBase58")
        if not isinstance(value, str):
            raise KeyFormatError("Ed25519VerificationKey2018 needs a publicKeyBase58 string")
        try:
            raw = multibase.base58btc_decode(value)
        except InputError as exc:
            raise KeyFormatError(f"publicKeyBase58: {exc}") from exc
        x = multibase.base64url_nopad_encode(raw)
        return PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": x})
    raise KeyFormatError(f"unsupported verification method type {kind!r}")


def parse_did_document(did: str, document: dict[str, Any]) -> DidDocument:
    """Collect the methods of ``verificationMethod`` and those embedded in relationships
    (DID Core 5.2, 5.3). Malformed shapes or a private key in a public document fail the
    document; methods vckit cannot use are recorded in ``unusable``."""
    candidates = document.get("verificationMethod", [])
    if not isinstance(candidates, list):
        raise DidResolutionError(f"{did}: verificationMethod must be an array")
    for relationship in RELATIONSHIPS:
        entries = document.get(relationship, [])
        if not isinstance(entries, list):
            raise DidResolutionError(f"{did}: {relationship} must be an array")
        candidates = candidates + [entry for entry in entries if isinstance(entry, dict)]
    if len(candidates) > MAX_VERIFICATION_METHODS:
        raise DidResolutionError(f"{did}: more than {MAX_VERIFICATION_METHODS} methods")
    usable: list[VerificationMethod] = []
    unusable: list[tuple[str, str]] = []
    seen: set[str] = set()
    for method in candidates:
        if not isinstance(method, dict) or not isinstance(method.get("id"), str):
            raise DidResolutionError(f"{did}: a verification method has no string id")
        vm_id = did + method["id"] if method["id"].startswith("#") else method["id"]
        if vm_id in seen:
            raise DidResolutionError(f"{did}: verification method {vm_id} appears twice")
        seen.add(vm_id)
        if has_private_key(method):
            raise DidResolutionError(f"{did}: {vm_id} publishes a private key")
        controller, kind = method.get("controller"), method.get("type")
        if not vm_id.startswith(did + "#"):
            unusable.append((vm_id, f"its id is not under {did}"))
        elif not isinstance(controller, str) or not isinstance(kind, str):
            unusable.append((vm_id, "type and controller must be strings"))
        elif controller != did:
            unusable.append((vm_id, f"controller {controller[:100]} is not {did}"))
        else:
            try:
                usable.append(VerificationMethod(vm_id, kind, controller, method_key(method)))
            except KeyFormatError as exc:
                unusable.append((vm_id, str(exc)))
    return DidDocument(did, document, tuple(usable), tuple(unusable))
