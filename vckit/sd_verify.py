"""Verify an SD-JWT VC (``dc+sd-jwt``, RFC 9901) into a ``Report`` of named checks.

Without a Key Binding JWT (and no challenge expected) it is a credential report:

=============== ==========================================================================
proof           the issuer-signed JWT verifies (typ ``dc+sd-jwt``, pinned alg)
issuer-key      ``kid`` is a DID URL of the ``iss`` DID, listed for assertionMethod, and
                ``iss`` is the credential's issuer
disclosures     RFC 9901 §7.1: every disclosure matches a digest the issuer signed, none
                twice, none unreferenced, ``_sd_alg`` supported, no registered claim disclosed
format, validity-period, status, schema
                as for any credential (:func:`vckit.verify.content_checks`), over the
                processed credential view, with ``nbf``/``exp`` bounding the validity period
=============== ==========================================================================

With a KB-JWT, or when ``options.challenge`` says a presentation is expected, the credential
report sits inside a presentation report (format ``dc+sd-jwt+kb``): ``proof`` (RFC 9901 §7.3:
typ ``kb+jwt``, signed by the ``cnf`` key, ``iat`` within five minutes, ``sd_hash``),
``holder-binding`` (fails when the KB-JWT was stripped), ``challenge`` (``nonce``) and
``domain`` (``aud``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from vckit import jose, sd_fields, sd_jwt
from vckit.credential import issuer_id
from vckit.errors import (
    JwtIssuerMismatchError,
    SdJwtDisclosureError,
    SdJwtError,
    SdJwtFormatError,
    UnsupportedFormatError,
    VckitError,
)
from vckit.keys import PublicKey
from vckit.report import FAIL, PASS, UNCHECKED, Check, Disclosure, Report
from vckit.verify import VerifyOptions, jwt_content_checks, jwt_signature_checks

KB_MAX_AGE = timedelta(minutes=5)
NOTE = (
    "The issuer signed digests of the hidden fields; {withheld} of them were not disclosed "
    "(some may be decoys), so a verifier cannot tell which fields they were."
)


def verify_sd_jwt(token: str, options: VerifyOptions) -> Report:
    """An SD-JWT VC, as a credential report or (with key binding) a presentation report."""
    try:
        jwt, disclosures, kb_jwt = sd_jwt.split(token)
        header, payload = sd_jwt._jwt_parts(jwt, "issuer-signed JWT")
    except SdJwtError as exc:
        raise UnsupportedFormatError(f"not a usable SD-JWT: {exc}") from None
    credential, claims = _credential_report(jwt, header, payload, disclosures, options)
    if kb_jwt is None and options.challenge is None:
        return credential
    checks = _key_binding_checks(token, kb_jwt, claims, payload, options)
    return Report(
        kind="presentation",
        format="dc+sd-jwt+kb",
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
    proof, key = jwt_signature_checks(lambda: _verify_issuer_jwt(jwt, header, options))
    disclosed, claims = _disclosure_check(payload, disclosures)
    view = sd_fields.credential_view(claims)
    if key.status == PASS and issuer_id(view) != payload.get("iss"):
        key = Check(
            "issuer-key",
            FAIL,
            f"{JwtIssuerMismatchError.code}: iss {payload.get('iss')!r} is not the "
            f"credential's issuer {issuer_id(view)!r}",
        )
    report = Report(
        kind="credential",
        format=f"dc+sd-jwt ({header.get('alg')})",
        checks=(proof, key, disclosed, *jwt_content_checks(view, payload, options)),
        document=view,
        disclosure=_disclosure(payload, disclosures, view) if disclosed.status == PASS else None,
    )
    return report, claims


def _verify_issuer_jwt(
    jwt: str, header: Mapping[str, Any], options: VerifyOptions
) -> tuple[str, str, str]:
    """RFC 9901 §7.1 step 2 with the key from the ``iss`` DID (as :func:`jose.verify_jwt_vc`)."""
    if header.get("typ") != sd_jwt.SD_JWT_VC_TYP:
        raise SdJwtFormatError(f"typ {header.get('typ')!r} is not {sd_jwt.SD_JWT_VC_TYP!r}")
    used: list[str] = []

    def issuer_key(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        issuer = payload.get("iss")
        if not isinstance(issuer, str) or not issuer.startswith("did:"):
            raise JwtIssuerMismatchError(f"iss {issuer!r} is not a DID")
        method_id, public = jose.resolve_issuer_key(options.resolver, jose.kid_url(header, issuer))
        jose.check_embedded_keys(header, public)
        used.extend((method_id, issuer))
        return public

    sd_jwt.verify_issuer_jwt(jwt, issuer_key, jose.SUPPORTED_ALGS)
    return str(header.get("alg")), used[0], used[1]


def _disclosure_check(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> tuple[Check, dict[str, Any]]:
    """RFC 9901 §7.1 steps 3-5; on failure the content checks see only what the issuer
    signed in plain text."""
    try:
        result = sd_jwt.process_disclosures(payload, disclosures)
        fixed = [p for p in result.disclosed_paths if p[0] in sd_jwt.NEVER_DISCLOSED_VC]
        if fixed:
            raise SdJwtDisclosureError(f"registered claim {fixed[0][0]!r} must not be disclosed")
    except VckitError as exc:
        try:
            plain = sd_jwt.process_disclosures(payload, []).claims
        except VckitError:
            plain = {}
        return Check("disclosures", FAIL, f"{exc.code}: {exc}"), plain
    detail = (
        f"{len(result.disclosed_paths)} disclosures match digests signed by the issuer; "
        f"{result.withheld} digests not disclosed"
    )
    return Check("disclosures", PASS, detail), result.claims


def _disclosure(
    payload: Mapping[str, Any], disclosures: Sequence[str], view: Mapping[str, Any]
) -> Disclosure:
    result = sd_jwt.process_disclosures(payload, disclosures)
    by_digest = _by_digest(payload, disclosures)
    pointers = tuple(
        sd_fields.path_to_pointer(_view_path(payload, path, by_digest))
        for path in result.disclosed_paths
    )
    return Disclosure(
        disclosed=pointers,
        withheld=result.withheld,
        absent=sd_fields.absent_labels(view),
        note=NOTE.format(withheld=result.withheld),
    )


def _by_digest(payload: Mapping[str, Any], disclosures: Sequence[str]) -> dict[str, Any]:
    alg = str(payload.get("_sd_alg", sd_jwt.DEFAULT_HASH_ALG))
    return {sd_jwt.disclosure_digest(d, alg): sd_jwt.parse_disclosure(d) for d in disclosures}


def _view_path(
    payload: Mapping[str, Any], path: sd_fields.Path, by_digest: Mapping[str, Any]
) -> sd_fields.Path:
    """An issuer-signed path (array positions before withheld elements are removed) as a
    path into the processed view the verifier sees."""
    value: Any = payload
    out: list[str | int] = []
    for part in path:
        if isinstance(value, list) and isinstance(part, int):
            kept = [e for e in value[:part] if not _withheld(e, by_digest)]
            out.append(len(kept))
            value = _element(value[part], by_digest)
        elif isinstance(value, Mapping):
            out.append(part)
            value = value[part] if part in value else _member(value, str(part), by_digest)
    return tuple(out)


def _withheld(element: Any, by_digest: Mapping[str, Any]) -> bool:
    return isinstance(element, Mapping) and "..." in element and element["..."] not in by_digest


def _element(element: Any, by_digest: Mapping[str, Any]) -> Any:
    if isinstance(element, Mapping) and "..." in element:
        return by_digest[element["..."]].value
    return element


def _member(value: Mapping[str, Any], name: str, by_digest: Mapping[str, Any]) -> Any:
    for digest in value.get("_sd", []):
        found = by_digest.get(digest)
        if found is not None and found.name == name:
            return found.value
    return None


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
        sd_jwt.verify_key_binding(
            kb_jwt,
            token.strip()[: -len(kb_jwt)],
            claims,
            hash_alg=str(payload.get("_sd_alg", sd_jwt.DEFAULT_HASH_ALG)),
            now=int(options.clock().timestamp()),
            expected_nonce=None,
            expected_aud=None,
            max_age=int(KB_MAX_AGE.total_seconds()),
            leeway=0,
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
    _header, kb = sd_jwt._jwt_parts(kb_jwt, "Key Binding JWT")
    return [
        Check("proof", PASS, "the Key Binding JWT verifies (kb+jwt, recent iat, sd_hash)"),
        Check("holder-binding", PASS, "signed with the holder key the issuer bound (cnf)"),
        _expect("challenge", "nonce", kb.get("nonce"), options.challenge),
        _expect("domain", "aud", kb.get("aud"), options.domain),
    ]


def _expect(check: str, claim: str, value: object, wanted: str | None) -> Check:
    if wanted is None:
        return Check(
            check, UNCHECKED, f"no expected {check} was given, so replay cannot be ruled out"
        )
    if value != wanted:
        return Check(check, FAIL, f"the KB-JWT {claim} is {value!r}, expected {wanted!r}")
    return Check(check, PASS, f"{claim} is {wanted!r} as expected")
