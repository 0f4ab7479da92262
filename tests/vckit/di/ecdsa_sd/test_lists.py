"""ecdsa-sd-2023 with JSON-LD lists (``@list``, e.g. OB 3.0 ``allowedValue``).

A list has no JSON object of its own, so skolemization cannot name its rdf:first/rdf:rest nodes:
they get fresh blank node labels in the selection and in the whole document. A selection holding
a later list but not an earlier one used to pair them wrongly, so the derived proof (and a base
proof whose mandatory pointers did that) did not verify. Checked against JS in
tests/interop/test_js_ecdsa_sd.py ("ob3-graded").
"""

from __future__ import annotations

from typing import Any

import pytest

from vckit.di import ecdsa_sd
from vckit.errors import InvalidSignatureError
from vckit.keys.keypair import KeyPair

ISSUER = KeyPair.generate("P-256")
OPTIONS = {
    "type": "DataIntegrityProof",
    "cryptosuite": "ecdsa-sd-2023",
    "created": "2024-05-01T12:00:00Z",
    "verificationMethod": "did:example:issuer#key-1",
    "proofPurpose": "assertionMethod",
}


def credential() -> dict[str, Any]:
    scales = [
        {
            "id": f"urn:uuid:scale-{n}",
            "type": ["ResultDescription"],
            "name": name,
            "resultType": "LetterGrade",
            "allowedValue": values,
        }
        for n, (name, values) in enumerate(
            (("Grade", ["A", "B", "C"]), ("Practical", ["Pass", "Merit"]), ("Oral", ["1", "2"]))
        )
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:lists-1",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example"},
        "validFrom": "2024-05-01T00:00:00Z",
        "name": "Lists",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Lists",
                "description": "d",
                "criteria": {"narrative": "n"},
                "resultDescription": scales,
            },
        },
    }


SCALE = "/credentialSubject/achievement/resultDescription/"


@pytest.mark.parametrize(
    ("mandatory", "selective"),
    [
        (["/issuer", SCALE + "2"], []),
        (["/issuer", SCALE + "2"], [SCALE + "1"]),
        (["/issuer"], [SCALE + "1"]),
        (["/issuer"], [SCALE + "2", SCALE + "0"]),
        (["/issuer", SCALE + "1/allowedValue"], [SCALE + "2/name"]),
    ],
)
def test_derived_proof_with_a_subset_of_the_lists_verifies(
    mandatory: list[str], selective: list[str]
) -> None:
    secured = ecdsa_sd.create_base_proof(credential(), OPTIONS, ISSUER, mandatory)
    revealed = ecdsa_sd.add_derived_proof(secured, selective)
    ecdsa_sd.verify_derived_proof(revealed, ISSUER.public)


def test_a_changed_list_item_fails() -> None:
    secured = ecdsa_sd.create_base_proof(credential(), OPTIONS, ISSUER, ["/issuer", SCALE + "2"])
    revealed = ecdsa_sd.add_derived_proof(secured, [SCALE + "1"])
    revealed["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"][1] = "X"
    with pytest.raises(InvalidSignatureError):
        ecdsa_sd.verify_derived_proof(revealed, ISSUER.public)
