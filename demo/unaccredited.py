"""The negative control: a credential from an issuer no registry accredits.

A "certificate mill" with a fresh did:key signs a well-formed Open Badges 3.0 credential that
claims the same course and skill as the college's. Every check of the credential itself can
pass; only the verifier's governance registry can tell an employer it should not count.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from vckit import ob as openbadges
from vckit.di import algorithms as data_integrity
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyPair

NAME = "Quick Certificates Online"


def credential(subject_did: str) -> tuple[dict[str, Any], str]:
    """A signed credential about ``subject_did`` (eddsa-rdfc-2022) and its issuer's DID."""
    key = KeyPair.generate("Ed25519")
    method = key_id(key.public)
    did = method.split("#", 1)[0]
    achievement = openbadges.achievement(
        f"urn:uuid:{uuid.uuid4()}",
        "Fundamentals of Nursing I",
        "A weekend course, certificate guaranteed.",
        "Paid the fee.",
        achievement_type="Course",
        alignments=[openbadges.alignment("Patient data privacy", "https://example.org/skills/pdp")],
    )
    unsigned = openbadges.achievement_credential(
        f"urn:uuid:{uuid.uuid4()}",
        openbadges.profile(did, NAME),
        achievement,
        valid_from=datetime.now(UTC).replace(microsecond=0),
        subject_id=subject_did,
    )
    return data_integrity.sign(unsigned, key, verification_method=method), did
