"""Verify one credential, whatever form it comes in: a JSON-LD object with Data Integrity
proofs, an SD-JWT in JWS JSON (RFC 9901 §8), an ``EnvelopedVerifiableCredential`` (a JWT,
an SD-JWT, or a COSE_Sign1 ``data:application/vc+cose;base64,...``), or text
(a JWT, an SD-JWT, or JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vckit.cose import vc_cose
from vckit.credential import types_of
from vckit.document import Input, read_input
from vckit.errors import UnsupportedFormatError
from vckit.report import Report
from vckit.sdjwt import json_serialization as sd_jwt_json
from vckit.verification.cose import verify_cose_credential
from vckit.verification.jsonld import verify_credential
from vckit.verification.jwt import enveloped_token, verify_jwt_credential
from vckit.verification.options import VerifyOptions
from vckit.verification.sdjwt import verify_sd_jwt


def verify_credential_value(item: object, options: VerifyOptions) -> Report:
    """A presentation's ``verifiableCredential`` entry: an object or a string."""
    if isinstance(item, str):
        parsed = read_input(item)
        if parsed.format == "json":  # VC 2.0 §4.13: a credential in a presentation is an object
            raise UnsupportedFormatError(
                "a credential given as a string must be a JWT or an SD-JWT; a JSON credential "
                "is an object"
            )
        return verify_credential_input(parsed, options)
    if not isinstance(item, Mapping):
        raise UnsupportedFormatError("a verifiableCredential entry is not an object")
    if "EnvelopedVerifiableCredential" in types_of(item) and vc_cose.is_enveloped_cose(item):
        return verify_cose_credential(vc_cose.enveloped_bytes(item), options)
    if "EnvelopedVerifiableCredential" in types_of(item):
        return verify_credential_input(read_input(enveloped_token(item)), options)
    return verify_credential_document(item, options)


def verify_credential_input(parsed: Input, options: VerifyOptions) -> Report:
    """Input read by :func:`vckit.document.read_input` that must be a credential."""
    if parsed.format == "json" and parsed.json is not None:
        return verify_credential_document(parsed.json, options)
    if parsed.format == "jwt" and parsed.text is not None:
        return verify_jwt_credential(parsed.text, options)
    if parsed.format == "sd-jwt" and parsed.text is not None:
        return verify_sd_jwt(parsed.text, options)
    raise UnsupportedFormatError("input is not a credential format vckit reads")


def verify_credential_document(document: Mapping[str, Any], options: VerifyOptions) -> Report:
    """A credential as JSON: JSON-LD with Data Integrity proofs, or an SD-JWT in JWS JSON."""
    if sd_jwt_json.is_json_sd_jwt(document):  # RFC 9901 §8: the same SD-JWT, in JWS JSON
        return verify_sd_jwt(sd_jwt_json.to_compact(document), options)
    types = types_of(document)
    if "VerifiablePresentation" in types:
        raise UnsupportedFormatError("a presentation inside a presentation is not a credential")
    if "VerifiableCredential" in types:
        return verify_credential(document, options)
    raise UnsupportedFormatError(
        "the JSON document's type has neither VerifiableCredential nor VerifiablePresentation"
    )
