"""The base direction (``@direction``) of a text is covered by RDFC-based proofs.

A credential whose name is Arabic right-to-left is signed; turning its direction to
left-to-right after signing must fail verification, for eddsa-rdfc-2022, ecdsa-rdfc-2019 and
ecdsa-sd-2023 (derived proof revealing the name). Before the canonical form used
``rdfDirection`` ``"i18n-datatype"`` (:mod:`vckit.jsonld.rdf`), the direction was dropped from
the quads and the flipped copy verified.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from vckit.di import ecdsa_sd as sd
from vckit.di.algorithms import sign, verify_proof
from vckit.errors import InvalidSignatureError
from vckit.keys.keypair import KeyKind, KeyPair

ISSUER = "did:example:issuer"
CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:0b3c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "name": {"@value": "شارة العمل الجماعي", "@language": "ar", "@direction": "rtl"},
        "credentialSubject": {"id": "did:example:subject", "nickname": "Kai"},
    }


def flipped(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    assert out["name"]["@direction"] == "rtl"
    out["name"]["@direction"] = "ltr"
    return out


@pytest.mark.parametrize(
    ("suite", "kind"), [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256")]
)
def test_flipping_the_direction_breaks_the_proof(suite: str, kind: KeyKind) -> None:
    key = KeyPair.generate(kind)
    signed = sign(
        credential(),
        key,
        verification_method=f"{ISSUER}#key-1",
        cryptosuite=suite,
        created=CREATED,
    )
    verify_proof(signed, signed["proof"], key.public)  # the signed form verifies
    changed = flipped(signed)
    with pytest.raises(InvalidSignatureError):
        verify_proof(changed, changed["proof"], key.public)


def test_flipping_the_direction_breaks_an_ecdsa_sd_2023_derived_proof() -> None:
    issuer = KeyPair.generate("P-256")
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": f"{ISSUER}#key-1",
        "proofPurpose": "assertionMethod",
    }
    secured = sd.create_base_proof(credential(), options, issuer, ["/issuer"])
    revealed = sd.add_derived_proof(secured, ["/name"])
    sd.verify_derived_proof(revealed, issuer.public)  # the derived form verifies
    with pytest.raises(InvalidSignatureError):
        sd.verify_derived_proof(flipped(revealed), issuer.public)
