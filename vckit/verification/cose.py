"""Verify a COSE_Sign1 credential (W3C VC-JOSE-COSE §3.3, ``application/vc+cose``): the
signature (``proof``), whose key it is (``issuer-key``: the ``kid`` dereferenced as a JOSE
``kid`` is, :mod:`vckit.jose.keys`; a key the caller supplied when it cannot be), and what the
credential says (the content checks every credential gets)."""

from __future__ import annotations

from vckit.cose import vc_cose
from vckit.credential import issuer_id
from vckit.errors import JoseError, UnsupportedFormatError, VckitError
from vckit.jose.keys import find_issuer_key
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification.content import jwt_content_checks
from vckit.verification.embedded import complete
from vckit.verification.jwt import SUPPLIED, with_supplied_key
from vckit.verification.options import VerifyOptions


def verify_cose_credential(data: bytes, options: VerifyOptions) -> Report:
    """A COSE_Sign1 credential; input that is not one raises ``UnsupportedFormatError``."""
    try:
        found = vc_cose.decode(data)
    except JoseError as exc:  # a forbidden alg or typ: not a credential vckit can check
        raise UnsupportedFormatError(f"not a usable vc+cose: {exc}") from None
    credential = found.credential
    proof, key = _cose_checks(found, issuer_id(credential), options)
    report = Report(
        kind="credential",
        format=f"vc+cose ({found.alg})",
        checks=(proof, key, *jwt_content_checks(credential, {}, options)),
        document=dict(credential),
    )
    return complete(report, credential, options)


def _cose_checks(
    found: vc_cose.CoseCredential, issuer: str | None, options: VerifyOptions
) -> tuple[Check, Check]:
    if issuer is None:
        why = "the credential names no issuer whose key could sign it"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("issuer-key", FAIL, why)
    header = {} if found.kid is None else {"kid": found.kid}
    try:
        key = with_supplied_key(find_issuer_key(header, issuer, options.resolver), issuer, options)
    except JoseError as exc:
        why = f"{exc.code}: {exc}"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("issuer-key", FAIL, why)
    if key.public is None:
        why = "not checked: there is no key to check the signature with"
        return Check("proof", UNCHECKED, why), key.binding
    try:
        vc_cose.verify_signature(found, key.public)
    except VckitError as exc:
        return Check("proof", FAIL, f"{exc.code}: {exc}"), key.binding
    detail = f"COSE_Sign1 {found.alg} signature verifies"
    if key.method_id == SUPPLIED:
        detail += " with the key the caller supplied"
    return Check("proof", PASS, detail), key.binding
