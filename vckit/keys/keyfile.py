"""Key files: a private JWK whose ``kid`` is the DID URL of its verification method.

This is the format ``ler keys new`` writes and ``ler sign`` reads. Ed25519, P-256 and
P-384 keys get a ``did:key``; RSA keys (which did:key does not cover here) a ``did:jwk``.
"""

from __future__ import annotations

from typing import Any, Literal

from vckit.did.resolver import DidResolver, did_jwk, did_key
from vckit.document import parse_json
from vckit.errors import InputError, KeyFormatError
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey

KeyTypeName = Literal["ed25519", "p256", "p384", "rsa"]
KEY_TYPES: tuple[KeyTypeName, ...] = ("ed25519", "p256", "p384", "rsa")
_KINDS: dict[str, KeyKind] = {"ed25519": "Ed25519", "p256": "P-256", "p384": "P-384", "rsa": "RSA"}


def key_id(public: PublicKey) -> str:
    """The verification method URL a key signs as: did:key for EC keys, did:jwk for RSA."""
    if public.kind == "RSA":
        return did_jwk(public) + "#0"
    did = did_key(public)
    return f"{did}#{did.removeprefix('did:key:')}"


def new_key_file(type_name: str) -> dict[str, Any]:
    """Generate a key pair and return its key file (a private JWK with ``kid``)."""
    kind = _KINDS.get(type_name)
    if kind is None:
        raise KeyFormatError(f"unknown key type {type_name!r}; use one of {', '.join(KEY_TYPES)}")
    pair = KeyPair.generate(kind)
    return {**pair.to_private_jwk(), "kid": key_id(pair.public)}


def load_key(data: bytes | str) -> tuple[KeyPair, str]:
    """Read a key file; returns the key pair and the verification method URL to sign as."""
    try:
        jwk = parse_json(data.decode("utf-8") if isinstance(data, bytes) else data)
    except (InputError, UnicodeDecodeError):
        raise KeyFormatError("the key file is not JSON (expected a private JWK)") from None
    if not isinstance(jwk, dict):
        raise KeyFormatError("the key file is not a JSON object (expected a private JWK)")
    pair = KeyPair.from_private_jwk(jwk)
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:"):
        return pair, key_id(pair.public)
    if kid.startswith(("did:key:", "did:jwk:")):  # self-describing: the kid must be this key
        _, method = DidResolver().resolve_method(kid)
        if method.public_key != pair.public:
            raise KeyFormatError(f"the key file's kid {kid[:60]}... names another key")
    return pair, kid
