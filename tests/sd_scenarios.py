"""Selectively disclosable OB 3.0 credentials (issue 6): one SD-JWT VC and one ecdsa-sd-2023.

Both carry the same learner data (recipient name, date of birth, hashed e-mail, grade,
evidence, awarded date), are issued by a P-256 did:key with the library's own builders and
signers, and are bound to the holder's P-256 did:key, so each test differs in one way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from vckit import ob as openbadges
from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.did.resolver import did_key
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyPair

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ISSUED = datetime(2025, 9, 1, tzinfo=UTC)
# Fixed P-256 keys (generated once for these tests, written out so every run signs alike).
ISSUER = KeyPair.from_private_jwk(
    {
        "kty": "EC",
        "crv": "P-256",
        "x": "gp6O4KKuBd57AcB2qrVoLH2WqcmjCC8_6f0eDCO2SqU",
        "y": "mnebs7RRl8khuEHJoa0unE5u3dVHvh8SMcwDKlcLF3o",
        "d": "MH1mion0STrCc2Mf-_VIvOFTwKsfcI1nXpovFG7ImUs",
    }
)
HOLDER = KeyPair.from_private_jwk(
    {
        "kty": "EC",
        "crv": "P-256",
        "x": "xFp08uG2Gr1oVkjeTuEbrd0VdVuBFZIdIo0vnT8qjnU",
        "y": "A_s0ZT1oZhMN0wCyEVMHmwTYMNcLSjoJ9CJPbQwaHqQ",
        "d": "2Mq7nFnxQOYdBS4V-lYXcsbia7VcBGt90lSjk23wTzQ",
    }
)
ISSUER_DID = did_key(ISSUER.public)
HOLDER_DID = did_key(HOLDER.public)
VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"
GRADE_ID = "https://college.example/achievements/nursing-1/results/grade"

NAME = "/credentialSubject/identifier/0"
BIRTH = "/credentialSubject/identifier/1"
EMAIL = "/credentialSubject/identifier/2"
GRADE = "/credentialSubject/result"
EVIDENCE = "/evidence"
AWARDED = "/awardedDate"
#: What the SD-JWT VC makes disclosable (contract §2): each identifier, result, evidence,
#: awardedDate.
DISCLOSABLE: list[sd_jwt.Path] = [
    ("credentialSubject", "identifier", 0),
    ("credentialSubject", "identifier", 1),
    ("credentialSubject", "identifier", 2),
    ("credentialSubject", "result"),
    ("evidence",),
    ("awardedDate",),
]


WEB_DID = "did:web:college.example"


def credential(valid_until: datetime | None = None, issuer: str = ISSUER_DID) -> dict[str, Any]:
    """The unsigned OB 3.0 AchievementCredential with learner data."""
    achievement = openbadges.achievement(
        "https://college.example/achievements/nursing-1",
        "Fundamentals of Nursing I",
        "Foundations of patient care, privacy and medical terminology.",
        "Passed the course with a grade of C or better.",
        achievement_type="Course",
        result_descriptions=[
            openbadges.result_description(
                GRADE_ID, "Final grade", "LetterGrade", allowed_values=["A", "B", "C"]
            )
        ],
    )
    return openbadges.achievement_credential(
        "urn:uuid:3f1c3b0e-5a43-4c8e-9a5e-6f0b0c1d2e3f",
        openbadges.profile(issuer, "Demo Community College"),
        achievement,
        valid_from=ISSUED,
        valid_until=valid_until,
        awarded_date=ISSUED,
        subject_id=HOLDER_DID,
        identifiers=[
            openbadges.identity_object(
                "Alex Rivera", salt=None, hashed=False, identity_type="name"
            ),
            openbadges.identity_object(
                "2001-04-17", salt=None, hashed=False, identity_type="ext:dateOfBirth"
            ),
            openbadges.identity_object("alex@example.org", salt="s4lt"),
        ],
        results=[openbadges.result(result_description=GRADE_ID, value="B")],
        evidence=[openbadges.evidence(id="https://college.example/evidence/1", name="Essay")],
    )


def sd_jwt_claims(issuer: str = ISSUER_DID, valid_until: datetime | None = None) -> dict[str, Any]:
    """The SD-JWT VC payload before disclosures: the credential and the JWT claims."""
    claims = credential(valid_until, issuer)
    claims |= {
        "iss": issuer,
        "iat": int(ISSUED.timestamp()),
        "nbf": int(ISSUED.timestamp()),
        "vct": VCT,
        "sub": HOLDER_DID,
    }
    if valid_until is not None:
        claims["exp"] = int(valid_until.timestamp())
    return claims


def issue_sd_jwt(
    valid_until: datetime | None = None,
    *,
    decoys: int = 0,
    issuer: str = ISSUER_DID,
    kid: str | None = None,
) -> str:
    """The SD-JWT VC as contract §2 shapes it (the identifiers per element, result,
    evidence and awardedDate disclosable)."""
    claims = sd_jwt_claims(issuer, valid_until)
    return sd_jwt.issue(
        claims,
        ISSUER,
        kid=kid or key_id(ISSUER.public),
        disclosable=DISCLOSABLE,
        holder_jwk=HOLDER.public.to_jwk(),
        decoys=decoys,
    )


MANDATORY = [
    "/issuer",
    "/validFrom",
    "/name",
    "/credentialSubject/achievement",
    "/credentialSchema",
]


def issue_ecdsa_sd(issuer: str = ISSUER_DID, vm: str | None = None) -> dict[str, Any]:
    """The credential with an ecdsa-sd-2023 base proof (the holder's copy)."""
    proof_options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": "2025-09-01T00:00:00Z",
        "verificationMethod": vm or key_id(ISSUER.public),
        "proofPurpose": "assertionMethod",
    }
    return ecdsa_sd.create_base_proof(credential(issuer=issuer), proof_options, ISSUER, MANDATORY)
