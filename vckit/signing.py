"""Secure a credential in any format vckit signs: one entry, :func:`sign`.

============== ================================================ ========================
format         what comes back                                  keys
============== ================================================ ========================
eddsa-rdfc-2022 the document with a Data Integrity proof         Ed25519
ecdsa-rdfc-2019 the document with a Data Integrity proof         P-256, P-384
eddsa-jcs-2022 the same, over the JSON text (JCS, RFC 8785)      Ed25519
ecdsa-jcs-2019 the same, over the JSON text (JCS, RFC 8785)      P-256, P-384
ecdsa-sd-2023  the document with a base proof (selective         P-256
               disclosure; ``mandatory_pointers`` stay visible)
vc-jwt         a compact JWS, VC-JOSE-COSE ``vc+jwt``            any
ob3-jwt        a compact JWS, Open Badges 3.0 §8.2 VC-JWT        any
============== ================================================ ========================

SD-JWT VC is not here: turning a credential into SD-JWT claims and choosing what may be
hidden is the issuer's policy (:mod:`vckit.sdjwt` has the mechanism).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from vckit.datetimes import format_xsd_datetime
from vckit.di import algorithms, ecdsa_sd
from vckit.errors import UnsupportedCryptosuiteError
from vckit.jose import vc_jwt
from vckit.keys.keypair import KeyKind, KeyPair

Format = Literal[
    "eddsa-rdfc-2022",
    "ecdsa-rdfc-2019",
    "eddsa-jcs-2022",
    "ecdsa-jcs-2019",
    "ecdsa-sd-2023",
    "vc-jwt",
    "ob3-jwt",
]
FORMATS: tuple[str, ...] = get_args(Format)
DEFAULT_FORMAT: dict[KeyKind, str] = {
    "Ed25519": "eddsa-rdfc-2022",
    "P-256": "ecdsa-rdfc-2019",
    "P-384": "ecdsa-rdfc-2019",
}


def default_format(key: KeyPair) -> str:
    """Data Integrity for the keys a cryptosuite covers; VC-JWT for the rest (RSA)."""
    return DEFAULT_FORMAT.get(key.public.kind, "vc-jwt")


def sign(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    format: str | None = None,
    created: datetime | None = None,
    mandatory_pointers: Sequence[str] = (),
) -> dict[str, Any] | str:
    """Secure ``document`` (a credential) with ``key``, whose verification method (a DID URL)
    is ``verification_method``. ``format`` defaults to :func:`default_format`."""
    chosen = format or default_format(key)
    if chosen in ("vc-jwt", "ob3-jwt"):
        profile: vc_jwt.Profile = "ob3" if chosen == "ob3-jwt" else "vc-jose-cose"
        return vc_jwt.sign_jwt_vc(document, key, kid=verification_method, profile=profile)
    if chosen not in FORMATS:
        raise UnsupportedCryptosuiteError(f"vckit does not sign in the format {chosen!r}")
    if chosen == "ecdsa-sd-2023":
        options = {
            "type": "DataIntegrityProof",
            "cryptosuite": ecdsa_sd.CRYPTOSUITE,
            "created": format_xsd_datetime(created or datetime.now(UTC)),
            "verificationMethod": verification_method,
            "proofPurpose": "assertionMethod",
        }
        return ecdsa_sd.create_base_proof(document, options, key, list(mandatory_pointers))
    return algorithms.sign(
        document, key, verification_method=verification_method, cryptosuite=chosen, created=created
    )
