"""Verify anything: a credential or presentation, JSON-LD with Data Integrity (ecdsa-sd-2023
base and derived proofs included), a VC-JWT, or an SD-JWT VC (compact or RFC 9901 §8 JWS JSON).

================ ==========================================================================
``__init__``     :func:`verify`: what the input is, and who verifies it
``options``      :class:`VerifyOptions`: what the caller allows (fetches) and expects
``credential``   one credential in any form: object, enveloped, JWT, SD-JWT, text
``jsonld``       a JSON-LD credential with Data Integrity proofs
``jwt``          a VC-JWT (OB 3.0 or VC-JOSE-COSE), and ``EnvelopedVerifiableCredential``
``sdjwt``        an SD-JWT VC, with or without its Key Binding JWT
``presentation`` a JSON-LD presentation: the holder's proof, binding, the credentials inside
``vp_jwt``       a VC-JOSE-COSE ``vp+jwt`` presentation (bare or enveloped): the same checks
``cose``         a VC-JOSE-COSE ``vc+cose`` credential (COSE_Sign1, enveloped)
``proofs``       the Data Integrity proof checks: ``proof`` and key control
``content``      what a credential says: format, validity period, status, schema
``hidden``       what an absent ``credentialStatus`` / ``validUntil`` means when hideable
================ ==========================================================================

``verify(data, options)`` returns a ``Report`` of named checks (see ``vckit.report``):

============== ===========================================================================
proof          the signature over the document verifies with the key it names, unexpired
issuer-key     that key belongs to the issuer: listed in its DID document for
               assertionMethod (holder-key: the holder's, for authentication)
format         the VC data model's required parts: VC context, type, issuer, subject
validity-period validFrom / validUntil (and JWT nbf / exp) hold at ``now``
status         no status entry says revoked or suspended (the list fetched, verified and
               issued by the credential's own issuer)
schema         an OB 3.0 or CLR 2.0 credential matches 1EdTech's JSON Schema
holder-binding a presentation is signed by its holder, the subject of its credentials
               (SD-JWT: a Key Binding JWT signed with the ``cnf`` key)
challenge      a presentation's proof carries the verifier's challenge (SD-JWT: ``nonce``)
domain         a presentation's proof carries the verifier's domain (SD-JWT: ``aud``)
disclosures    SD-JWT: every disclosure matches a digest the issuer signed (RFC 9901 §7.1)
============== ===========================================================================

A selectively disclosed credential's report also says what was shown (``Report.disclosure``):
the fields revealed, how many SD-JWT digests stayed hidden, the known fields absent.

Network access is never taken: did:web resolution goes through the ``DidResolver``'s
fetch, status lists through ``options.fetch_status_list``; when they are missing the
check says *could not check*, never *pass*.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.credential import types_of
from vckit.document import check_object_depth, read_input
from vckit.errors import JoseError
from vckit.jose.vc_jwt import peek
from vckit.jose.vp_jwt import enveloped_presentation_token, is_vp_jwt
from vckit.report import Report
from vckit.sdjwt.json_serialization import is_json_sd_jwt
from vckit.verification.credential import (
    verify_credential_document,
    verify_credential_input,
    verify_credential_value,
)
from vckit.verification.options import VerifyOptions
from vckit.verification.presentation import verify_presentation
from vckit.verification.sdjwt import verify_sd_jwt
from vckit.verification.vp_cose import verify_cose
from vckit.verification.vp_jwt import verify_vp_jwt, verify_vp_sd_jwt

__all__ = ["VerifyOptions", "verify"]

COSE_SIGN1_TAG = b"\xd2\x84"  # CBOR tag 18 (COSE_Sign1, RFC 9052 §4.2), then a 4-item array


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The header and payload of a compact JWS (or of an SD-JWT's issuer-signed JWT), not
    verified; ``None`` when they cannot be read (the verifier of its format says why)."""
    try:
        return peek(token.partition("~")[0])
    except JoseError:
        return None


def _verify_vp(token: str, options: VerifyOptions) -> Report:
    if "~" in token:
        return verify_vp_sd_jwt(token, options)
    return verify_vp_jwt(token, options)


def verify(data: str | bytes | Mapping[str, Any], options: VerifyOptions | None = None) -> Report:
    """Verify a credential or presentation in any supported format.

    Raises ``InputError`` subclasses for input that is not a credential at all (not
    JSON, too large, too deep, no VC type); everything else becomes a check in the report.
    Depth and size (``options.max_values``) are checked once, on the whole document: the
    credentials found inside it are pieces of it, and walking each of them again cost
    (nesting depth × size).
    """
    options = options or VerifyOptions()
    whole = options.verify_inner is None  # called from outside, not for a part of a document
    options = options.verifying_inner(verify)  # what the content checks fetch is verified by us
    if isinstance(data, Mapping):
        if whole:  # a part (vckit.verification.embedded) lies inside a document checked already
            check_object_depth(data, max_values=options.max_values)
        document: Mapping[str, Any] = data
    elif isinstance(data, bytes) and data.startswith(COSE_SIGN1_TAG):
        return verify_cose(data, options)  # a vc+cose or vp+cose file, as signed
    else:
        parsed = read_input(data)
        read = _peek(parsed.text) if parsed.format in ("jwt", "sd-jwt") and parsed.text else None
        if whole and read is not None and options.max_values is not None:  # what it says
            check_object_depth(read[1], max_values=options.max_values)
        if parsed.text and read is not None and is_vp_jwt(*read):  # vp+jwt, vp+sd-jwt
            return _verify_vp(parsed.text, options)
        if parsed.format == "sd-jwt" and parsed.text and read is not None:
            return verify_sd_jwt(parsed.text, options, issuer_jwt=read)  # read once
        if parsed.format != "json" or parsed.json is None:
            return verify_credential_input(parsed, options)
        document = parsed.json
        if whole and options.max_values is not None:
            check_object_depth(document, max_values=options.max_values)
    if "EnvelopedVerifiablePresentation" in types_of(document):
        return _verify_vp(enveloped_presentation_token(document), options)
    if "EnvelopedVerifiableCredential" in types_of(document):
        return verify_credential_value(document, options)
    if "VerifiablePresentation" in types_of(document) and not is_json_sd_jwt(document):
        return verify_presentation(document, options)
    return verify_credential_document(document, options)
