"""Verify a VC-JOSE-COSE ``vp+jwt`` or ``vp+sd-jwt`` presentation (§3.2): the holder's
signature, whose key it is, the verifier's challenge and domain (the ``nonce`` and ``aud``
claims), holder binding, and every credential inside (enveloped ``vc+jwt`` or any other
form vckit reads).

The report has the checks of a JSON-LD presentation (:mod:`vckit.verification.presentation`)
-- ``proof``, ``holder-key``, ``holder-binding``, ``challenge``, ``domain`` -- so a vp+jwt over
a request's nonce counts as bound to it (:mod:`vckit.verification.binding`). The holder is
``holder`` (or, without one, the DID the ``kid`` names); its key must be listed for
``authentication``. ``iss``, when present, must be the holder. A key the caller supplies
(``VerifyOptions.supplied_key``) checks the holder's signature when the ``kid`` cannot be looked
up (*holder-key* then stays could-not-check); it is never used for the credentials inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from vckit import sdjwt as sd_jwt
from vckit.did.resolver import split_did_url
from vckit.errors import JoseError, SdJwtError, UnsupportedFormatError, VckitError
from vckit.jose import vc_jwt as jose
from vckit.jose.claims import time_window
from vckit.jose.keys import find_issuer_key
from vckit.jose.vp_jwt import holder_of
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification.jwt import SUPPLIED, with_supplied_key
from vckit.verification.options import VerifyOptions
from vckit.verification.presentation import _as_required, _inner_reports, holder_binding
from vckit.verification.proofs import ProofFinding


def verify_vp_jwt(token: str, options: VerifyOptions) -> Report:
    """A ``vp+jwt``: the holder's proof and key, binding, and the credentials inside."""
    try:
        header, payload = jose.peek(token)
    except JoseError as exc:
        raise UnsupportedFormatError(f"not a usable vp+jwt: {exc}") from None
    return _report(token, header, payload, payload, (), options)


def verify_vp_sd_jwt(token: str, options: VerifyOptions) -> Report:
    """A ``vp+sd-jwt`` (VC-JOSE-COSE §3.2.2): the holder signed the SD-JWT itself (no Key
    Binding JWT); the presentation is what its disclosures reveal (RFC 9901 §7.1)."""
    try:
        jwt, disclosures, kb_jwt = sd_jwt.split(token)
        header, payload = jose.peek(jwt)
    except (JoseError, SdJwtError) as exc:
        raise UnsupportedFormatError(f"not a usable vp+sd-jwt: {exc}") from None
    if kb_jwt is not None:
        raise UnsupportedFormatError("a vp+sd-jwt is signed by its holder: no Key Binding JWT")
    try:
        result = sd_jwt.process_disclosures(payload, disclosures)
    except VckitError as exc:
        failed = Check("disclosures", FAIL, f"{exc.code}: {exc}")
        try:
            plain = sd_jwt.process_disclosures(payload, [])
        except VckitError:
            raise UnsupportedFormatError(f"not a usable vp+sd-jwt: {exc}") from None
        return _report(jwt, header, payload, plain.claims, (failed,), options)
    detail = f"{len(result.disclosed_paths)} disclosures match digests the holder signed"
    disclosed = Check("disclosures", PASS, detail)
    return _report(jwt, header, payload, result.claims, (disclosed,), options)


def _report(
    jwt: str,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    view: Mapping[str, Any],
    extra: tuple[Check, ...],
    options: VerifyOptions,
) -> Report:
    """The presentation report of a holder-signed JWT whose presentation is ``view``."""
    if "vc" in payload or "vp" in payload:
        raise UnsupportedFormatError("a vp+jwt payload must not carry a 'vc' or 'vp' claim")
    typ = jose._media_type(header.get("typ")) or "vp+jwt"
    holder = holder_of(view) or _kid_did(header)
    proof, key = _holder_proof(jwt, header, payload, holder, options)
    finding = ProofFinding(proof, key, typ)
    inner = tuple(_inner_reports(view, replace(options, supplied_key=None)))  # holder's key only
    checks = [
        proof,
        key,
        *extra,
        _as_required(holder_binding(holder, finding, inner), options),
        _claim("challenge", "nonce", payload, finding, options.challenge),
        _claim("domain", "aud", payload, finding, options.domain),
    ]
    findings = time_window(payload, now=options.clock())
    if findings:
        checks.append(Check("validity-period", FAIL, "; ".join(str(f) for f in findings)))
    hidden = ("nonce", "aud", "iat", "exp", "iss", "_sd_alg")
    return Report(
        kind="presentation",
        format=f"{typ} ({header.get('alg')})",
        checks=tuple(checks),
        document={k: v for k, v in view.items() if k not in hidden},
        credentials=inner,
    )


def _kid_did(header: Mapping[str, Any]) -> str | None:
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith("did:"):
        return split_did_url(kid)[0]
    return None


def _holder_proof(
    token: str,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    holder: str | None,
    options: VerifyOptions,
) -> tuple[Check, Check]:
    """``proof`` and ``holder-key``: the holder's ``authentication`` key, the signature."""
    if holder is None:
        why = "the presentation names no holder, and its kid no DID, whose key could sign it"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("holder-key", FAIL, why)
    iss = payload.get("iss")
    if iss is not None and iss != holder:
        why = f"iss {str(iss)[:120]} is not the holder {holder}"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("holder-key", FAIL, why)
    try:
        found = find_issuer_key(header, holder, options.resolver, purpose="authentication")
        found = with_supplied_key(found, holder, options)
    except JoseError as exc:
        why = f"{exc.code}: {exc}"
        return Check("proof", UNCHECKED, f"not checked: {why}"), Check("holder-key", FAIL, why)
    key = Check("holder-key", found.binding.status, found.binding.detail)
    if found.public is None:
        return Check("proof", UNCHECKED, "not checked: there is no key to check it with"), key
    try:
        typ = jose._media_type(header.get("typ"))
        if typ not in (None, "vp+jwt", "vp+sd-jwt"):
            raise UnsupportedFormatError(f"typ {header.get('typ')!r} is not vp+jwt or vp+sd-jwt")
        alg = jose.check_header(header, jose.SUPPORTED_ALGS)
        jose.check_alg_fits_key(alg, found.public)
        jose.verify_signature(token, alg, found.public)
    except VckitError as exc:
        return Check("proof", FAIL, f"{exc.code}: {exc}"), key
    detail = f"{alg} signature by the holder verifies"
    if found.method_id == SUPPLIED:
        detail += " with the key the caller supplied"
    return Check("proof", PASS, detail), key


def _claim(
    name: Literal["challenge", "domain"],
    claim: str,
    payload: Mapping[str, Any],
    finding: ProofFinding,
    wanted: str | None,
) -> Check:
    """``challenge`` is the ``nonce`` claim, ``domain`` the ``aud`` claim (a string or a list
    holding it); checked only on a holder proof that verified."""
    if wanted is None and name == "domain":
        return Check(name, UNCHECKED, "no expected domain was given: not checked", advisory=True)
    if wanted is None:
        return Check(
            name, UNCHECKED, f"no expected {name} was given, so replay cannot be ruled out"
        )
    if finding.proof.status != PASS or finding.key.status != PASS:
        return Check(name, UNCHECKED, "the holder's proof did not verify")
    value = payload.get(claim)
    values = value if isinstance(value, list) else [value]
    if value is None:
        return Check(name, FAIL, f"the presentation has no {claim!r} claim; {wanted!r} expected")
    if wanted not in values:
        return Check(name, FAIL, f"{claim} {str(value)[:120]!r} is not the expected {wanted!r}")
    return Check(name, PASS, f"{name} is {wanted!r} as expected ({claim} claim)")
