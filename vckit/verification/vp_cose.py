"""Verify a COSE_Sign1 presentation (W3C VC-JOSE-COSE §3.3.2, ``application/vp+cose``): the
holder's signature (``proof``) and key (``holder-key``, listed for ``authentication``; the
caller's key when it cannot be found), ``holder-binding``, and every credential inside, each
with its own report (the caller's key is for the holder only, never for the credentials). A
``vp+cose`` has no claim that carries a verifier's challenge or domain: when one is expected,
that check fails.
"""

from __future__ import annotations

from dataclasses import replace

from vckit.cose import vc_cose
from vckit.did.resolver import split_did_url
from vckit.jose.vp_jwt import holder_of
from vckit.report import FAIL, Check, Report
from vckit.verification.cose import cose_checks, decode, verify_cose_credential
from vckit.verification.options import VerifyOptions
from vckit.verification.presentation import _as_required, _inner_reports, holder_binding
from vckit.verification.proofs import ProofFinding


def verify_cose(data: bytes, options: VerifyOptions) -> Report:
    """A COSE_Sign1 credential or presentation; other input raises UnsupportedFormatError."""
    found = decode(data)
    if found.media_type == vc_cose.VP_MEDIA_TYPE:
        return verify_cose_presentation(found, options)
    return verify_cose_credential(data, options)


def verify_cose_presentation(found: vc_cose.CoseCredential, options: VerifyOptions) -> Report:
    view = found.credential
    holder = holder_of(view)
    if holder is None and found.kid is not None and found.kid.startswith("did:"):
        holder = split_did_url(found.kid)[0]
    proof, key = cose_checks(found, holder, options, "holder-key", "authentication")
    inner = tuple(_inner_reports(view, replace(options, supplied_key=None)))
    binding = holder_binding(holder, ProofFinding(proof, key, "vp+cose"), inner)
    checks = [proof, key, _as_required(binding, options)]
    if options.challenge is not None:
        why = f"a vp+cose carries no challenge; {options.challenge!r} was expected"
        checks.append(Check("challenge", FAIL, why))
    if options.domain is not None:
        checks.append(
            Check("domain", FAIL, f"a vp+cose carries no domain; {options.domain!r} expected")
        )
    return Report(
        kind="presentation",
        format=f"vp+cose ({found.alg})",
        checks=tuple(checks),
        document=dict(view),
        credentials=inner,
    )
