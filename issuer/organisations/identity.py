"""Issuer identities: per-issuer keys and did:web documents, and key rotation.

Each issuer of the installation is ``did:web:<host%3Aport>:issuers:<slug>``, whose document
did:web resolves at ``<base>/issuers/<slug>/did.json`` (did:web spec, "Read (Resolve)").
Each has four signing keys: Ed25519 (eddsa-rdfc-2022), P-256 (ecdsa-rdfc-2019, ES256
VC-JWT), P-384 (ecdsa-rdfc-2019 and ecdsa-jcs-2019 with SHA-384, when the caller asks for it:
VC-API ``options.keyType``) and RSA (RS256, the OB 3.0 JWT algorithm every verifier must
support). An issuer created before P-384 keys existed gets one at its next rotation.

Rotation (:func:`rotate_keys`) adds a new key of each kind and retires the old ones. A retired
key stays in the DID document under ``assertionMethod`` only, so credentials it signed
still verify, and leaves ``authentication`` / ``capabilityInvocation`` /
``capabilityDelegation``; new credentials are signed only with active keys.

An issuer's *identity* (``issuers.identity``, set when it is created: ``"identity"`` in the
demo issuers file, default ``did:web``) is either:

* ``did:web`` -- the one DID above holds every key; or
* ``did:key`` -- did:key is one key per DID (did:key spec §2), so each signing key is its own
  DID ``did:key:<multikey>`` with the one verification method ``did:key:<multikey>#<multikey>``:
  an Ed25519 key (eddsa-rdfc-2022, eddsa-jcs-2022), a P-256 key (ecdsa-rdfc-2019,
  ecdsa-jcs-2019, ecdsa-sd-2023, ES256 JWTs) and a P-384 key (ecdsa-rdfc-2019 and
  ecdsa-jcs-2019 with SHA-384). There is no RSA key (vckit has no RSA did:key), so a did:key
  issuer does not sign the RS256 OB 3.0 JWT (``ob3-jwt``); ``vc-jwt`` (ES256) works. Its
  did:web DID keeps naming the issuer's profile and page (its document lists no keys).

  Which DID signs (:func:`signer`): the credential's ``issuer`` when it is one of the issuer's
  did:key DIDs whose key fits the format (that is how a VC-API caller picks P-384: it names
  the P-384 DID, as the W3C vc-di-ecdsa suite declares one issuer endpoint per key type);
  otherwise the active key of the kind the format needs, and the credential's ``issuer``
  becomes that key's DID (a verifier requires the issuer to control the key).

  Rotation works the same way: it retires the keys and makes new ones, so each did:key
  identity gets new DIDs; credentials signed before still verify, because a did:key resolves
  from the DID itself. A retired did:key DID signs nothing new.

The installation itself also keeps the one key of its skeleton (in the database, sealed
under the issuer's key-encryption key like the issuers' keys; an older version kept it in
``issuer-key.jwk`` of the data folder, imported once) and serves it as ``did:web:<host>``
at ``/.well-known/did.json`` (:func:`load_or_create`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from issuer import store
from issuer.errors import InvalidRequestError, NotFoundError
from issuer.installation import Installation
from issuer.store.sealed import INSTALLATION_KEY
from servicekit.db import Database, Tx
from servicekit.installation_secrets import keep
from servicekit.kek import read_sealed_file
from servicekit.sealing import KeyRing
from vckit.did.resolver import did_document_for_key, did_key
from vckit.keys.keypair import KeyKind, KeyPair

KINDS: tuple[KeyKind, ...] = ("Ed25519", "P-256", "P-384", "RSA")
DID_KEY_KINDS: tuple[KeyKind, ...] = ("Ed25519", "P-256", "P-384")
"""The keys of a did:key issuer, each its own DID (see the module docstring)."""
IDENTITIES = ("did:web", "did:key")
_FRAGMENT = {"Ed25519": "ed25519", "P-256": "p256", "P-384": "p384", "RSA": "rsa"}
ACTIVE_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)
RETIRED_RELATIONSHIPS = ("assertionMethod",)
INSTALLATION_KEY_NAME = "installation-key"
"""The installation key's name among the installation secrets."""


def did_web_for(base_url: str) -> str:
    """did:web for a service root: the host, with a port percent-encoded (did:web spec §3.2)."""
    netloc = urlsplit(base_url).netloc
    return "did:web:" + netloc.replace(":", "%3A")


def issuer_did(base_url: str, slug: str) -> str:
    """``did:web:<host>:issuers:<slug>`` -> ``<base>/issuers/<slug>/did.json``."""
    return f"{did_web_for(base_url)}:issuers:{slug}"


def add_keys(
    tx: Tx, inst: Installation, slug: str, did: str, generation: int, identity: str = "did:web"
) -> list[str]:
    """Generate one key of each kind for the issuer: ``<did>#<kind>-<generation>`` under
    did:web, ``did:key:<mb>#<mb>`` for each did:key key (module docstring)."""
    if identity not in IDENTITIES:
        raise InvalidRequestError(f"issuer identity must be one of {', '.join(IDENTITIES)}")
    created = inst.stamp()
    ids = []
    for kind in DID_KEY_KINDS if identity == "did:key" else KINDS:
        pair = inst.new_key(kind)
        if identity == "did:key":
            multikey = pair.public.to_multibase()
            key_id = f"{did_key(pair.public)}#{multikey}"
        else:
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
        return add_keys(tx, inst, slug, issuer.did, generation, issuer.identity)


def _generation(key_id: str) -> int:
    tail = key_id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def signing_key(tx: Tx, inst: Installation, slug: str, kind: KeyKind) -> tuple[KeyPair, str]:
    """The issuer's active key of ``kind`` and its verification method id."""
    record = store.active_key(tx, slug, kind)
    if record is None:
        raise NotFoundError(f"issuer {slug!r} has no active {kind} key")
    return inst.key_pair(record.id, record.private_jwk), record.id


def issuer_by_did(tx: Tx, did: str) -> store.IssuerRecord | None:
    """The issuer a DID names: its did:web DID, or one of its did:key DIDs (retired ones
    too: :func:`signer` then says why it will not sign)."""
    found = store.get_issuer_by_did(tx, did)
    if found is None and did.startswith("did:key:"):
        owner = store.issuer_of_key_did(tx, did)
        found = None if owner is None else owner[0]
    return found


def signer(
    tx: Tx,
    inst: Installation,
    issuer: store.IssuerRecord,
    kinds: tuple[KeyKind, ...],
    wanted: str | None,
) -> tuple[KeyPair, str]:
    """The key that signs for ``issuer`` and its verification method id: the did:key DID
    ``wanted`` names (its key active and of one of ``kinds``), else the active key of
    ``kinds[0]`` (see the module docstring)."""
    if issuer.identity == "did:key" and kinds[0] not in DID_KEY_KINDS:
        raise InvalidRequestError(f"{issuer.slug} is a did:key issuer: it has no {kinds[0]} key")
    if issuer.identity == "did:key" and wanted is not None and wanted.startswith("did:key:"):
        for record in store.keys_of(tx, issuer.slug):
            if record.id.partition("#")[0] != wanted:
                continue
            if record.retired is not None:
                raise InvalidRequestError(f"{wanted[:80]} is a retired key of {issuer.slug}")
            if record.kind not in kinds:
                raise InvalidRequestError(
                    f"{wanted[:80]} is a {record.kind} key; this format needs {' or '.join(kinds)}"
                )
            return inst.key_pair(record.id, record.private_jwk), record.id
        raise InvalidRequestError(f"{wanted[:80]} is not a key of {issuer.slug}")
    if kinds[0] == "P-384" and store.active_key(tx, issuer.slug, "P-384") is None:
        raise InvalidRequestError(
            f"{issuer.slug} has no P-384 key yet (it was made before issuers had one): "
            "rotate its keys to add one"
        )
    return signing_key(tx, inst, issuer.slug, kinds[0])


def did_document(did: str, keys: list[store.KeyRecord]) -> dict[str, Any]:
    """The DID document listing every key of ``did``; retired ones for ``assertionMethod``
    only (a did:key issuer's did:key keys resolve from their own DIDs, not here)."""
    document: dict[str, Any] = {"@context": [], "id": did, "verificationMethod": []}
    for record in keys:
        if record.id.partition("#")[0] != did:
            continue
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


def did_key_signers(inst: Installation, slug: str) -> list[tuple[str, str]]:
    """(key kind, did:key DID) of the issuer's active did:key keys; none for did:web."""
    with inst.db.transaction() as tx:
        return [
            (record.kind, did)
            for record in store.keys_of(tx, slug)
            if record.retired is None
            and (did := record.id.partition("#")[0]).startswith("did:key:")
        ]


def issuer_did_document(inst: Installation, slug: str) -> dict[str, Any]:
    """The issuer's did:web document (what verifiers fetch: read without waiting for a
    writer, a running batch, :meth:`servicekit.db.Database.reading`)."""
    with inst.db.reading() as tx:
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


def load_or_create(db: Database, data_dir: os.PathLike[str] | str, base_url: str) -> Identity:
    """The installation's key, kept sealed in the database (made once, by whichever process
    starts first: :mod:`servicekit.installation_secrets`); the ``issuer-key.jwk`` an older
    version left in the data folder is imported on the first start, so the installation's
    DID keeps its key."""

    def make() -> str:
        return json.dumps(KeyPair.generate("Ed25519").to_private_jwk())

    def legacy(ring: KeyRing) -> str | None:
        return read_sealed_file(Path(data_dir), INSTALLATION_KEY, ring)

    text = keep(db, INSTALLATION_KEY_NAME, make, legacy).value
    return Identity(did=did_web_for(base_url), key=KeyPair.from_private_jwk(json.loads(text)))
