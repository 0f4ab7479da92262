"""Issuer identities: per-issuer keys and did:web documents, and key rotation.

Each issuer of the installation is ``did:web:<host%3Aport>:issuers:<slug>``, whose document
did:web resolves at ``<base>/issuers/<slug>/did.json`` (did:web spec, "Read (Resolve)").
Each has three signing keys: Ed25519 (eddsa-rdfc-2022), P-256 (ecdsa-rdfc-2019, ES256
VC-JWT) and RSA (RS256, the OB 3.0 JWT algorithm every verifier must support).

Rotation (:func:`rotate_keys`) adds a new key of each kind and retires the old ones. A retired
key stays in the DID document under ``assertionMethod`` only, so credentials it signed
still verify, and leaves ``authentication`` / ``capabilityInvocation`` /
``capabilityDelegation``; new credentials are signed only with active keys.

The installation itself also keeps the one key of its skeleton (``issuer-key.jwk`` in the
data folder, sealed under the issuer's key-encryption key like the issuers' keys) and
serves it as ``did:web:<host>`` at ``/.well-known/did.json`` (:func:`load_or_create`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from issuer import store
from issuer.errors import NotFoundError
from issuer.installation import Installation
from issuer.store.sealed import INSTALLATION_KEY
from servicekit.db import Tx
from servicekit.kek import sealed_file
from servicekit.sealing import KeyRing
from vckit.did.resolver import did_document_for_key
from vckit.keys.keypair import KeyKind, KeyPair

KINDS: tuple[KeyKind, ...] = ("Ed25519", "P-256", "RSA")
_FRAGMENT = {"Ed25519": "ed25519", "P-256": "p256", "RSA": "rsa"}
ACTIVE_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)
RETIRED_RELATIONSHIPS = ("assertionMethod",)


def did_web_for(base_url: str) -> str:
    """did:web for a service root: the host, with a port percent-encoded (did:web spec §3.2)."""
    netloc = urlsplit(base_url).netloc
    return "did:web:" + netloc.replace(":", "%3A")


def issuer_did(base_url: str, slug: str) -> str:
    """``did:web:<host>:issuers:<slug>`` -> ``<base>/issuers/<slug>/did.json``."""
    return f"{did_web_for(base_url)}:issuers:{slug}"


def add_keys(tx: Tx, inst: Installation, slug: str, did: str, generation: int) -> list[str]:
    """Generate one key of each kind (``#<kind>-<generation>``) for the issuer."""
    created = inst.stamp()
    ids = []
    for kind in KINDS:
        pair = inst.new_key(kind)
        key_id = f"{did}#{_FRAGMENT[kind]}-{generation}"
        store.add_key(tx, key_id, slug, kind, pair.to_private_jwk(), created)
        ids.append(key_id)
    return ids


def rotate_keys(inst: Installation, slug: str) -> list[str]:
    """Retire the issuer's active keys and add a new generation; returns the new key ids."""
    with inst.db.transaction() as tx:
        issuer = store.get_issuer(tx, slug)
        if issuer is None:
            raise NotFoundError(f"no issuer {slug!r}")
        keys = store.keys_of(tx, slug)
        generation = 1 + max((_generation(k.id) for k in keys), default=0)
        store.retire_keys(tx, slug, inst.stamp())
        return add_keys(tx, inst, slug, issuer.did, generation)


def _generation(key_id: str) -> int:
    tail = key_id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def signing_key(tx: Tx, inst: Installation, slug: str, kind: KeyKind) -> tuple[KeyPair, str]:
    """The issuer's active key of ``kind`` and its verification method id."""
    record = store.active_key(tx, slug, kind)
    if record is None:
        raise NotFoundError(f"issuer {slug!r} has no active {kind} key")
    return inst.key_pair(record.id, record.private_jwk), record.id


def did_document(did: str, keys: list[store.KeyRecord]) -> dict[str, Any]:
    """The DID document listing every key; retired ones for ``assertionMethod`` only."""
    document: dict[str, Any] = {"@context": [], "id": did, "verificationMethod": []}
    for record in keys:
        public = KeyPair.from_private_jwk(record.private_jwk).public
        relationships = ACTIVE_RELATIONSHIPS if record.retired is None else RETIRED_RELATIONSHIPS
        part = did_document_for_key(
            did,
            public,
            "JsonWebKey" if record.kind == "RSA" else "Multikey",
            fragment=record.id.partition("#")[2],
            relationships=relationships,
        )
        for context in part["@context"]:
            if context not in document["@context"]:
                document["@context"].append(context)
        document["verificationMethod"].extend(part["verificationMethod"])
        for relationship in relationships:
            document.setdefault(relationship, []).extend(part[relationship])
    return document


def issuer_did_document(inst: Installation, slug: str) -> dict[str, Any]:
    with inst.db.transaction() as tx:
        issuer = store.get_issuer(tx, slug)
        if issuer is None:
            raise NotFoundError(f"no issuer {slug!r}")
        return did_document(issuer.did, store.keys_of(tx, slug))


# --- the installation's own key (the skeleton's /.well-known/did.json) -----------------------


@dataclass(frozen=True)
class Identity:
    did: str
    key: KeyPair

    @property
    def verification_method(self) -> str:
        return f"{self.did}#key-1"

    def did_document(self) -> dict[str, Any]:
        return did_document_for_key(self.did, self.key.public)


def load_or_create(
    settings_dir: os.PathLike[str] | str, base_url: str, keyring: KeyRing
) -> Identity:
    """Read the key from ``issuer-key.jwk`` in the data folder, creating it (sealed, mode
    600) once; a plain JWK left by an older version is sealed now."""

    def make() -> str:
        return json.dumps(KeyPair.generate("Ed25519").to_private_jwk())

    text = sealed_file(Path(settings_dir), INSTALLATION_KEY, keyring, make)
    return Identity(did=did_web_for(base_url), key=KeyPair.from_private_jwk(json.loads(text)))
