"""SD-JWT (RFC 9901, Selective Disclosure for JWTs) and SD-JWT VC (typ ``dc+sd-jwt``).

Compact form (RFC 9901 §4): ``<issuer-signed JWT>~<disclosure>~...~[<KB-JWT>]``.

``issue``
    Makes the disclosures of the claims named by ``disclosable`` paths (§4.2.1 object properties,
    §4.2.2 array elements, recursively: inner disclosures first), hides their digests in ``_sd``
    arrays (sorted, §4.2.4.1) or ``{"...": digest}`` array elements (§4.2.4.2), adds decoys on
    request (§4.2.5), ``_sd_alg`` (§4.1.1) and ``cnf`` (§4.1.2), and signs with ``vckit.keys``.
``present``
    §7.2: keeps the chosen disclosures (plus the parents they need) and appends a Key Binding JWT
    (§4.3: ``typ`` ``kb+jwt``, ``iat``, ``aud``, ``nonce``, ``sd_hash``).
``verify``
    §7.1 (issuer-signed JWT and every disclosure rule), §7.3 (key binding), and the time claims
    against an injected ``now``.

The RFC's seams are modules: :mod:`vckit.sdjwt.compact` (§4 compact form, JWS parts),
:mod:`vckit.sdjwt.disclosures` (§4.2 disclosures, §7.1 steps 3-5 processing),
:mod:`vckit.sdjwt.issuer` (§4/§5 issuance), :mod:`vckit.sdjwt.holder` (§7.2 presentation),
:mod:`vckit.sdjwt.verifier` (§7.1 issuer JWT, §7.3 key binding),
:mod:`vckit.sdjwt.json_serialization` (§8); this package re-exports their public names.

Paths are tuples of object member names and array indices, e.g. ``("address", "locality")`` or
``("nationalities", 0)``; an array index is the element's position in the issuer-signed array
(before withheld elements are removed). Algorithms are pinned as in :mod:`vckit.jose.vc_jwt`:
``none``
and HMAC never verify (reported as :class:`~vckit.errors.JwtAlgorithmError`); a bad signature is
:class:`~vckit.errors.InvalidSignatureError`; every other failure is an ``SdJwtError``.
"""

from __future__ import annotations

from vckit.sdjwt.compact import split
from vckit.sdjwt.disclosures import (
    DEFAULT_HASH_ALG,
    HASH_ALGS,
    RESERVED_NAMES,
    Disclosure,
    Path,
    SdJwtVerification,
    disclosure_digest,
    encode_disclosure,
    parse_disclosure,
    process_disclosures,
)
from vckit.sdjwt.holder import present
from vckit.sdjwt.issuer import NEVER_DISCLOSED_VC, SD_JWT_VC_TYP, issue
from vckit.sdjwt.verifier import (
    KB_JWT_TYP,
    IssuerKeyLookup,
    check_time_claims,
    holder_key,
    sd_hash,
    verify,
    verify_issuer_jwt,
    verify_key_binding,
)

__all__ = [
    "DEFAULT_HASH_ALG",
    "HASH_ALGS",
    "KB_JWT_TYP",
    "NEVER_DISCLOSED_VC",
    "RESERVED_NAMES",
    "SD_JWT_VC_TYP",
    "Disclosure",
    "IssuerKeyLookup",
    "Path",
    "SdJwtVerification",
    "check_time_claims",
    "disclosure_digest",
    "encode_disclosure",
    "holder_key",
    "issue",
    "parse_disclosure",
    "present",
    "process_disclosures",
    "sd_hash",
    "split",
    "verify",
    "verify_issuer_jwt",
    "verify_key_binding",
]
