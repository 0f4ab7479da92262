"""Verify a COSE_Sign1 credential or presentation (W3C VC-JOSE-COSE §3.3,
``application/vc+cose`` and ``application/vp+cose``).

A credential: the signature (``proof``), whose key it is (``issuer-key``: the ``kid``
dereferenced as a JOSE ``kid`` is, :mod:`vckit.jose.keys`; a key the caller supplied when it
cannot be), and what the credential says (the content checks every credential gets).

Presentations (``vp+cose``) are :mod:`vckit.verification.vp_cose`, with :func:`cose_checks`.
"""

from __future__ import annotations

from vckit.cose import vc_cose
from vckit.credential import issuer_id
from vckit.errors import JoseError, UnsupportedFormatError, VckitError
from vckit.jose.keys import find_issuer_key
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckId, Report
from vckit.verification.content import jwt_content_checks
from vckit.verification.embedded import complete
from vckit.verification.jwt import SUPPLIED, with_supplied_key
from vckit.verification.options import VerifyOptions


def decode(data: bytes) -> vc_cose.CoseCredential:
    try:
        return vc_cose.decode(data)
    except JoseError as exc:  # a forbidden alg or typ: not something vckit can check
        raise UnsupportedFormatError(f"not a usable COSE credential: {exc}") from None


def verify_cose_credential(data: bytes, options: VerifyOptions) -> Report:
    """A COSE_Sign1 credential (an enveloped credential must not hold a presentation)."""
    found = decode(data)
    if found.media_type != vc_cose.MEDIA_TYPE:
        raise UnsupportedFormatError(f"a credential must be {vc_cose.MEDIA_TYPE}, not a vp+cose")
    return _credential_report(found, options)


def _credential_report(found: vc_cose.CoseCredential, options: VerifyOptions) -> Report:
    credential = found.credential
    proof, key = cose_checks(found, issuer_id(credential), options)
    report = Report(
        kind="credential",
        format=f"vc+cose ({found.alg})",
        checks=(proof, key, *jwt_content_checks(credential, {}, options)),
        document=dict(credential),
    )
    return complete(report, credential, options)


def cose_checks(
    found: vc_cose.CoseCredential,
    signer: str | None,
    options: VerifyOptions,
    key_check: CheckId = "issuer-key",
    purpose: str = "assertionMethod",
) -> tuple[Check, Check]:
    """``proof`` and the key check of a COSE_Sign1 signed by ``signer`` (the issuer, or the
    holder with ``key_check`` ``holder-key`` and purpose ``authentication``)."""
    if signer is None:
        why = f"the document names no {'issuer' if purpose == 'assertionMethod' else 'holder'}"
        why += " whose key could sign it"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check(key_check, FAIL, why)
    header = {} if found.kid is None else {"kid": found.kid}
    try:
        looked_up = find_issuer_key(header, signer, options.resolver, purpose=purpose)
        key = with_supplied_key(looked_up, signer, options)
    except JoseError as exc:
        why = f"{exc.code}: {exc}"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check(key_check, FAIL, why)
    binding = Check(key_check, key.binding.status, key.binding.detail)
    if key.public is None:
        why = "not checked: there is no key to check the signature with"
        return Check("proof", UNCHECKED, why), binding
    try:
        vc_cose.verify_signature(found, key.public)
    except VckitError as exc:
        return Check("proof", FAIL, f"{exc.code}: {exc}"), binding
    detail = f"COSE_Sign1 {found.alg} signature verifies"
    if key.method_id == SUPPLIED:
        detail += " with the key the caller supplied"
    return Check("proof", PASS, detail), binding
