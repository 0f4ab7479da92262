"""Signed credentials and presentations for the verification scenarios.

Everything is made with fixed keys and a fixed clock, by the library's own builders and
signers, so each scenario differs from the good case in exactly one way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vckit import ob as openbadges
from vckit.di import algorithms as data_integrity
from vckit.did.resolver import DidResolver, did_document_for_key, did_key
from vckit.jose import vc_jwt as jose
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation
from vckit.status import status_list

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ISSUED = datetime(2025, 9, 1, tzinfo=UTC)
STATUS_URL = "https://college.example/status/1"
WEB_DID = "did:web:college.example"

# Fixed keys, the same on every run: RFC 8032 §7.1 test 1's secret for the issuer; the others
# were generated once for these tests and are written out here (test keys, never used elsewhere).
ISSUER = KeyPair.from_private_jwk(
    {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
)
OTHER = KeyPair.from_private_jwk(
    {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "3LvpDaODWHA8rTQ9n9UoM_66qSzllptp9vGEKJXv-oQ",
        "d": "GSQrcIU4KmBKsC_jkCXXm5HuuTp_c-tGlKsnaYxZOuE",
    }
)
HOLDER = KeyPair.from_private_jwk(
    {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "BI8_1JL_ubkhq571E3GTLFB_kp6DX7BZOtzfkbSAEfs",
        "d": "ijZSwdWD4LoCPt2qEVmpdgU7VEjjofRykxUw6TBavx0",
    }
)
P256 = KeyPair.from_private_jwk(
    {
        "kty": "EC",
        "crv": "P-256",
        "x": "6GK1B4_x9MGfH-0TSH6ZBI-UulCifF9rQZkSLe-x3gA",
        "y": "KMIlQiwCrAIT-hq1mlnacNpFs4ZzXwPbglzE8CG_rwI",
        "d": "1VcULkZKK7SHzmpiSoM-okJeMVKA-iyZzBQceTvcybM",
    }
)


def did_of(key: KeyPair) -> str:
    return did_key(key.public)


def vm_of(key: KeyPair) -> str:
    return key_id(key.public)


def ob3_credential(issuer: str, subject: str, **overrides: Any) -> dict[str, Any]:
    """A realistic OB 3.0 AchievementCredential with two skill alignments."""
    achievement = openbadges.achievement(
        "https://college.example/achievements/nursing-1",
        "Fundamentals of Nursing I",
        "Foundations of patient care, privacy and medical terminology.",
        "Passed the course with a grade of C or better.",
        achievement_type="Course",
        alignments=[
            openbadges.alignment(
                "Patient data privacy",
                "https://example.org/skills/patient-data-privacy",
                target_type="ceasn:Competency",
            ),
            openbadges.alignment(
                "Medical terminology",
                "https://example.org/skills/medical-terminology",
                target_type="ceasn:Competency",
            ),
        ],
    )
    issuer_profile = openbadges.profile(issuer, "Demo Community College")
    credential = openbadges.achievement_credential(
        "urn:uuid:6a9e0c41-7f0c-4a4b-9d5e-1f6b1d6f0a01",
        issuer_profile,
        achievement,
        valid_from=ISSUED,
        subject_id=subject,
        name="Fundamentals of Nursing I",
    )
    credential.update(overrides)
    return credential


def sign(credential: dict[str, Any], key: KeyPair, vm: str | None = None) -> dict[str, Any]:
    return data_integrity.sign(
        credential, key, verification_method=vm or vm_of(key), created=ISSUED
    )


def good_credential(key: KeyPair = ISSUER, **overrides: Any) -> dict[str, Any]:
    return sign(ob3_credential(did_of(key), did_of(HOLDER), **overrides), key)


def with_status(purpose: str, index: int = 7) -> dict[str, Any]:
    entry = status_list.status_list_entry(STATUS_URL, index, purpose=purpose)
    return good_credential(credentialStatus=entry)


def status_fetch(
    set_indexes: tuple[int, ...] = (),
    purpose: str = "revocation",
    key: KeyPair = ISSUER,
    list_issuer: KeyPair = ISSUER,
) -> Callable[[str], bytes]:
    """A fetch callback serving one signed status list credential at ``STATUS_URL``."""
    bits = status_list.StatusList.new()
    for index in set_indexes:
        bits.set(index, True)
    unsigned = status_list.status_list_credential(
        STATUS_URL, did_of(list_issuer), bits, valid_from=ISSUED, purpose=purpose
    )
    body = json.dumps(sign(unsigned, key, vm_of(key) if key is not ISSUER else None)).encode()

    def fetch(url: str) -> bytes:
        if url != STATUS_URL:
            raise LookupError(f"no such status list: {url}")
        return body

    return fetch


def web_resolver() -> DidResolver:
    """did:web resolution through a fetch callback serving the college's DID document."""
    document = json.dumps(did_document_for_key(WEB_DID, ISSUER.public)).encode()

    def fetch(url: str) -> bytes:
        if url != "https://college.example/.well-known/did.json":
            raise LookupError(url)
        return document

    return DidResolver(fetch)


def jwt_credential(key: KeyPair = ISSUER, **overrides: Any) -> str:
    credential = ob3_credential(did_of(key), did_of(HOLDER), **overrides)
    return jose.sign_jwt_vc(credential, key, kid=vm_of(key))


@dataclass(frozen=True)
class Shared:
    presentation: dict[str, Any]
    challenge: str
    domain: str


def presentation(
    credentials: list[dict[str, Any] | str] | None = None,
    *,
    signer: KeyPair = HOLDER,
    holder: str | None = None,
    challenge: str = "c-0f3a",
    domain: str = "https://carehome.example",
) -> Shared:
    vp = build_presentation(
        credentials if credentials is not None else [good_credential()],
        holder=holder or did_of(HOLDER),
    )
    signed = sign_presentation(
        vp,
        signer,
        verification_method=vm_of(signer),
        challenge=challenge,
        domain=domain,
        created=NOW,
    )
    return Shared(signed, challenge, domain)
