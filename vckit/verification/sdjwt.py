"""Verify an SD-JWT VC (``dc+sd-jwt``, RFC 9901) -- or a VC-JOSE-COSE ``vc+sd-jwt`` (§3.2.2,
the credential itself as the payload, ``iss`` optional) -- into a ``Report`` of named checks.

Without a Key Binding JWT (and no challenge expected) it is a credential report:

=============== ==========================================================================
proof           the issuer-signed JWT verifies (typ ``dc+sd-jwt``, pinned alg)
issuer-key      ``kid`` is a DID URL of the ``iss`` DID, listed for assertionMethod, and
                ``iss`` is the credential's issuer
disclosures     RFC 9901 §7.1: every disclosure matches a digest the issuer signed, none
                twice, none unreferenced, ``_sd_alg`` supported, no disclosure of a member
                that must never be hidden (registered claims, issuer, validity, status)
format, validity-period, status, schema
                as for any credential (:func:`vckit.verification.content.content_checks`), over the
                processed credential view, with ``nbf``/``exp`` bounding the validity period
=============== ==========================================================================

With a KB-JWT, or when ``options.challenge`` says a presentation is expected, the credential
report sits inside a presentation report (format ``dc+sd-jwt+kb``): ``proof`` (RFC 9901 §7.3:
typ ``kb+jwt``, signed by the ``cnf`` key, ``iat`` within five minutes and at most 60 s
ahead, ``sd_hash``), ``holder-binding`` (fails when the KB-JWT was stripped), ``challenge``
(``nonce``) and ``domain`` (``aud``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal

from vckit import sdjwt as sd_jwt
from vckit.credential import issuer_id
from vckit.disclosure import fields as sd_fields
from vckit.errors import (
    JwtIssuerMismatchError,
    SdJwtDisclosureError,
    SdJwtError,
    SdJwtFormatError,
    UnsupportedFormatError,
    VckitError,
)
from vckit.jose import vc_jwt as jose
from vckit.report import FAIL, PASS, UNCHECKED, Check, CheckId, Disclosure, Report
from vckit.sdjwt import compact as sd_jwt_compact
from vckit.verification.content import jwt_content_checks
from vckit.verification.jwt import jws_checks, with_problems
from vckit.verification.options import VerifyOptions

VC_SD_JWT_TYP = "vc+sd-jwt"
"""VC-JOSE-COSE §3.2.2: the payload is the credential itself (``iss`` optional: the
credential's ``issuer`` is who signed), reported as ``vc+sd-jwt``."""
KB_MAX_AGE = timedelta(minutes=5)
KB_LEEWAY = timedelta(seconds=60)
"""Clock skew allowed for a KB-JWT ``iat`` (a wallet's clock may run a little ahead)."""
#: Members a holder must never be able to hide (SD-JWT VC registered claims, and the
#: issuer, validity period and status of the credential): a disclosure of one fails.
NEVER_DISCLOSED = sd_jwt.NEVER_DISCLOSED_VC | {
    "issuer",
    "validFrom",
    "validUntil",
    "credentialStatus",
}
NOTE = (
    "The issuer signed digests of the hidden fields; {withheld} of them were not disclosed "
    "(some may be decoys), so a verifier cannot tell which fields they were."
)


def verify_sd_jwt(
    token: str,
    options: VerifyOptions,
    *,
    issuer_jwt: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> Report:
    """An SD-JWT VC, as a credential report or (with key binding) a presentation report.
    ``issuer_jwt``: the header and payload of this token's issuer-signed JWT, when the caller
    has read them already (:func:`vckit.verification.verify`, to tell a presentation)."""
    try:
        jwt, disclosures, kb_jwt = sd_jwt.split(token)
        header, payload = issuer_jwt or sd_jwt_compact.jwt_parts(jwt, "issuer-signed JWT")
    except SdJwtError as exc:
        raise UnsupportedFormatError(f"not a usable SD-JWT: {exc}") from None
    credential, claims = _credential_report(jwt, header, payload, disclosures, options)
    if kb_jwt is None and options.challenge is None:
        return credential
    checks = _key_binding_checks(token, kb_jwt, claims, payload, options)
    return Report(
        kind="presentation",
        format=f"{_typ(header)}+kb",
        checks=tuple(checks),
        document=None,
        credentials=(credential,),
    )


# --- the credential ------------------------------------------------------------------------


def _credential_report(
    jwt: str,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    disclosures: Sequence[str],
    options: VerifyOptions,
) -> tuple[Report, dict[str, Any]]:
    typ = _typ(header)
    issuer = payload.get("iss")
    if typ == VC_SD_JWT_TYP and issuer is None:  # VC-JOSE-COSE: iss optional, issuer signed
        issuer = issuer_id(payload)
    proof, key = jws_checks(jwt, header, issuer if isinstance(issuer, str) else None, options)
    problems: dict[CheckId, list[str]] = {"format": []}
    if header.get("typ") not in (sd_jwt.SD_JWT_VC_TYP, VC_SD_JWT_TYP):
        wrong = f"typ {header.get('typ')!r} is not {sd_jwt.SD_JWT_VC_TYP!r} or {VC_SD_JWT_TYP!r}"
        problems["format"].append(f"{SdJwtFormatError.code}: {wrong}")
    if typ == VC_SD_JWT_TYP and ("vc" in payload or "vp" in payload):
        problems["format"].append("a vc+sd-jwt payload must not carry a 'vc' or 'vp' claim")
    disclosed, claims, top_withheld, processed = _disclosure_check(payload, disclosures)
    view = sd_fields.credential_view(claims)
    hideable = "SD-JWT" if top_withheld else None
    content = with_problems(jwt_content_checks(view, payload, options, hideable=hideable), problems)
    if key.status == PASS and issuer_id(view) != issuer:
        key = Check(
            "issuer-key",
            FAIL,
            f"{JwtIssuerMismatchError.code}: iss {payload.get('iss')!r} is not the "
            f"credential's issuer {issuer_id(view)!r}",
        )
    report = Report(
        kind="credential",
        format=f"{typ} ({header.get('alg')})",
        checks=(proof, key, disclosed, *_status_claim(content, payload)),
        document=view,
        disclosure=None if processed is None else _disclosure(processed, view),
    )
    return report, claims


def _typ(header: Mapping[str, Any]) -> str:
    """``vc+sd-jwt`` (VC-JOSE-COSE §3.2.2) when the header says so, else SD-JWT VC's typ."""
    return VC_SD_JWT_TYP if header.get("typ") == VC_SD_JWT_TYP else sd_jwt.SD_JWT_VC_TYP


def _disclosure_check(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> tuple[Check, dict[str, Any], int, sd_jwt.SdJwtVerification | None]:
    """RFC 9901 §7.1 steps 3-5, and no disclosure of a member a holder must never hide
    (:data:`NEVER_DISCLOSED`); on failure the content checks see only what the issuer signed
    in plain text. Also returns how many top-level digests stayed undisclosed, and the
    processed disclosures when they pass (the report's disclosure section reads them)."""
    try:
        result = sd_jwt.process_disclosures(payload, disclosures)
        fixed = [p for p in result.disclosed_paths if p[0] in NEVER_DISCLOSED]
        if fixed:
            raise SdJwtDisclosureError(f"the claim {fixed[0][0]!r} must never be disclosable")
    except VckitError as exc:
        try:
            plain = sd_jwt.process_disclosures(payload, [])
        except VckitError:
            return Check("disclosures", FAIL, f"{exc.code}: {exc}"), {}, 0, None
        failed = Check("disclosures", FAIL, f"{exc.code}: {exc}")
        return failed, plain.claims, plain.top_withheld, None
    detail = (
        f"{len(result.disclosed_paths)} disclosures match digests signed by the issuer; "
        f"{result.withheld} digests not disclosed"
    )
    return Check("disclosures", PASS, detail), result.claims, result.top_withheld, result


def _disclosure(result: sd_jwt.SdJwtVerification, view: Mapping[str, Any]) -> Disclosure:
    return Disclosure(
        disclosed=tuple(sd_fields.path_to_pointer(path) for path in result.view_paths),
        withheld=result.withheld,
        absent=sd_fields.absent_labels(view),
        note=NOTE.format(withheld=result.withheld),
    )


def _status_claim(found: Sequence[Check], payload: Mapping[str, Any]) -> list[Check]:
    """An IETF Token Status List ``status`` claim is a promise of revocation we cannot
    check: the status check says so (it never passes; a revoked credentialStatus still
    fails)."""
    if "status" not in payload:
        return list(found)
    why = "IETF Token Status List (the 'status' claim) is not supported"
    alone = "credentialStatus" not in payload
    return [
        Check("status", UNCHECKED, why if alone and c.status == PASS else f"{c.detail}; {why}")
        if c.id == "status" and c.status != FAIL
        else c
        for c in found
    ]


# --- key binding ---------------------------------------------------------------------------


def _key_binding_checks(
    token: str,
    kb_jwt: str | None,
    claims: Mapping[str, Any],
    payload: Mapping[str, Any],
    options: VerifyOptions,
) -> list[Check]:
    if kb_jwt is None:
        why = "not checked: there is no Key Binding JWT"
        return [
            Check("proof", UNCHECKED, why),
            Check(
                "holder-binding", FAIL, "no Key Binding JWT: anyone holding a copy could send it"
            ),
            Check("challenge", UNCHECKED, why),
            Check("domain", UNCHECKED, why),
        ]
    try:
        kb = sd_jwt.verify_key_binding(
            kb_jwt,
            token.strip()[: -len(kb_jwt)],
            claims,
            hash_alg=str(payload.get("_sd_alg", sd_jwt.DEFAULT_HASH_ALG)),
            now=int(options.clock().timestamp()),
            expected_nonce=None,
            expected_aud=None,
            max_age=int(KB_MAX_AGE.total_seconds()),
            leeway=int(KB_LEEWAY.total_seconds()),
            allowed_algs=jose.SUPPORTED_ALGS,
        )
    except VckitError as exc:
        why = "not checked: the Key Binding JWT did not verify"
        return [
            Check("proof", FAIL, f"{exc.code}: {exc}"),
            Check("holder-binding", UNCHECKED, why),
            Check("challenge", UNCHECKED, why),
            Check("domain", UNCHECKED, why),
        ]
    return [
        Check("proof", PASS, "the Key Binding JWT verifies (kb+jwt, recent iat, sd_hash)"),
        Check("holder-binding", PASS, "signed with the holder key the issuer bound (cnf)"),
        _expect("challenge", "nonce", kb.get("nonce"), options.challenge),
        _expect("domain", "aud", kb.get("aud"), options.domain),
    ]


def _expect(
    check: Literal["challenge", "domain"], claim: str, value: object, wanted: str | None
) -> Check:
    if wanted is None:
        return Check(
            check, UNCHECKED, f"no expected {check} was given, so replay cannot be ruled out"
        )
    if value != wanted:
        return Check(check, FAIL, f"the KB-JWT {claim} is {value!r}, expected {wanted!r}")
    return Check(check, PASS, f"{claim} is {wanted!r} as expected")
