"""The issuer's identity: its signing key (kept in the data folder) and its did:web document."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vckit.did import did_document_for_key
from vckit.keys import KeyPair


@dataclass(frozen=True)
class Identity:
    did: str
    key: KeyPair

    @property
    def verification_method(self) -> str:
        return f"{self.did}#key-1"

    def did_document(self) -> dict[str, Any]:
        return did_document_for_key(self.did, self.key.public)


def did_web_for(base_url: str) -> str:
    """did:web for a service root: the host, with a port percent-encoded (did:web spec §3.2)."""
    netloc = urlsplit(base_url).netloc
    return "did:web:" + netloc.replace(":", "%3A")


def load_or_create(settings_dir: os.PathLike[str] | str, base_url: str) -> Identity:
    """Read the key from ``issuer-key.jwk`` in the data folder, creating it (mode 600) once."""
    path = os.path.join(settings_dir, "issuer-key.jwk")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            key = KeyPair.from_private_jwk(json.load(handle))
    else:
        os.makedirs(settings_dir, exist_ok=True)
        key = KeyPair.generate("Ed25519")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(key.to_private_jwk(), handle)
    return Identity(did=did_web_for(base_url), key=key)
