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
vc-jwt         a compact JWS: VC-JOSE-COSE ``vc+jwt`` (VC 2.0);    any
               VC 1.1 input gets the VC-JWT 1.1 encoding
ob3-jwt        a compact JWS, Open Badges 3.0 §8.2 VC-JWT        any
vc-cose        VC-JOSE-COSE ``application/vc+cose`` (COSE_Sign1) Ed25519, P-256, P-384,
               as an ``EnvelopedVerifiableCredential`` (VC 2.0   P-521
               only: §3.3 secures VC 2.0)
============== ================================================ ========================

SD-JWT VC is not here: turning a credential into SD-JWT claims and choosing what may be
hidden is the issuer's policy (:mod:`vckit.sdjwt` has the mechanism).

``vc-jwt`` follows the data model of the credential: VC-JOSE-COSE defines ``vc+jwt`` for
VC 2.0 only, so a VC 1.1 credential (first ``@context`` ``https://www.w3.org/2018/credentials/v1``)
is encoded as VC Data Model 1.1 §6.3.1 says -- the credential in the ``vc`` claim, with ``iss``,
``nbf`` (issuanceDate), ``exp`` (expirationDate), ``jti`` (id) and ``sub``
(credentialSubject.id), header ``typ`` ``JWT``. That is the encoding OB 3.0 §8.2 uses, so both
take one code path (:func:`vckit.jose.vc_jwt.sign_jwt_vc`, profile ``ob3``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from vckit.cose import vc_cose
from vckit.datetimes import format_xsd_datetime
from vckit.di import algorithms, ecdsa_sd
from vckit.errors import UnsupportedCryptosuiteError, UnsupportedFormatError
from vckit.jose import vc_jwt
from vckit.jsonld.contexts import VC_V1_CONTEXT
from vckit.keys.keypair import KeyKind, KeyPair

Format = Literal[
    "eddsa-rdfc-2022",
    "ecdsa-rdfc-2019",
    "eddsa-jcs-2022",
    "ecdsa-jcs-2019",
    "ecdsa-sd-2023",
    "vc-jwt",
    "ob3-jwt",
    "vc-cose",
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


def is_vc11(document: Mapping[str, Any]) -> bool:
    """True for a VC Data Model 1.1 credential: its first ``@context`` is the 1.1 one."""
    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return first == VC_V1_CONTEXT


def jwt_profile(format: str, document: Mapping[str, Any]) -> vc_jwt.Profile:
    """The JWT encoding of ``format``: ``ob3-jwt`` and VC 1.1 ``vc-jwt`` take the ``vc``
    claim (VC Data Model 1.1 §6.3.1, OB 3.0 §8.2); VC 2.0 ``vc-jwt`` is ``vc+jwt``."""
    return "ob3" if format == "ob3-jwt" or is_vc11(document) else "vc-jose-cose"


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
        profile = jwt_profile(chosen, document)
        return vc_jwt.sign_jwt_vc(document, key, kid=verification_method, profile=profile)
    if chosen == "vc-cose":
        if is_vc11(document):
            raise UnsupportedFormatError("vc-cose secures VC 2.0 credentials (VC-JOSE-COSE §3.3)")
        return vc_cose.envelop(vc_cose.sign_vc_cose(document, key, kid=verification_method))
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
        base = algorithms.with_data_integrity_context(document)  # VC 1.1 gets the DI context
        return ecdsa_sd.create_base_proof(base, options, key, list(mandatory_pointers))
    return algorithms.sign(
        document, key, verification_method=verification_method, cryptosuite=chosen, created=created
    )
