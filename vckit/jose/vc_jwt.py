"""Credentials secured as compact JWS: Open Badges 3.0 VC-JWT and W3C VC-JOSE-COSE.

Two profiles, told apart by the JOSE header ``typ`` (``JWT`` / ``vc+jwt``) and the ``vc`` claim;
a token with neither is read as the profile the caller expects, else as vc-jose-cose:

``ob3``
    OB 3.0 §8.2 "JSON Web Token Proof Format" (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof).
    Header ``{"alg", "kid", "typ": "JWT"}`` (§8.2.3). We sign with the credential in the ``vc``
    claim plus ``iss`` (issuer.id), ``sub`` (credentialSubject.id), ``nbf`` (validFrom, VC 1.1
    issuanceDate), ``jti`` (id) and ``exp`` (validUntil / expirationDate) -- the form the 1EdTech
    validator reads. OB 3.0.3 §8.2.4.1 also allows the credential itself as the payload with
    those claims beside it (``vc_claim=False``); verification accepts both (§8.2.6 step 6).
``vc-jose-cose``
    W3C VC-JOSE-COSE (https://www.w3.org/TR/vc-jose-cose/) §3.1.1: the payload *is* the
    credential; ``typ`` is ``vc+jwt`` and ``cty`` is ``vc``; the claims ``vc``/``vp`` MUST NOT
    appear (§1.1.2.1); ``iss``/``sub``/``jti``/``iat`` are optional and, when present, must
    agree with the credential (§3.1.3 "JOSE Header Parameters and JWT Claims", §4.1 "Key Discovery";
    anchors #jose-header-parameters-jwt-claims, #kid, #iss).

Which key checks the signature, and whether it is the issuer's, is :mod:`vckit.jose.keys`:
:func:`verify_jwt_vc` (strict) accepts only a key the issuer's DID or controller document lists
under ``assertionMethod`` (or the issuer's did:key / did:jwk itself); the verifier's report
(:mod:`vckit.verification.jwt`) also shows a signature checked with a key that came with the
token, with *issuer-key* could-not-check. Algorithms are pinned: ``alg`` must be in the allowed
set and fit the key, so ``none`` and HMAC (key confusion) never verify.

The claims <-> credential mapping and the time window (``nbf``/``exp`` against ``now``,
RFC 7519 §4.1.4-4.1.5) live in :mod:`vckit.jose.claims`; the window is reported by
:func:`time_window`; :func:`verify_jwt_vc` raises on it unless ``check_time=False``, in which
case the findings are returned for the caller to show as its own check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vckit.did.resolver import DidResolver, split_did_url
from vckit.document import parse_json
from vckit.errors import (
    InputError,
    InvalidSignatureError,
    JwtAlgorithmError,
    JwtClaimsError,
    JwtFormatError,
    JwtIssuerMismatchError,
    JwtKeyError,
)
from vckit.jose.claims import (
    Profile,
    TimeFinding,
    check_claims,
    check_issuer_claim,
    credential_from_jwt,
    numeric_date,
    ob3_claims,
    required_issuer_id,
    subject_id,
    time_window,
)
from vckit.jose.keys import find_issuer_key
from vckit.keys import multibase
from vckit.keys.keypair import JWS_ALG, KeyPair, PublicKey

__all__ = [
    "SUPPORTED_ALGS",
    "JwtVerification",
    "Profile",
    "TimeFinding",
    "credential_from_jwt",
    "peek",
    "sign_jwt_vc",
    "time_window",
    "verify_jwt_vc",
]

SUPPORTED_ALGS = tuple(JWS_ALG.values())  # EdDSA, ES256, ES384, RS256
MAX_TOKEN_CHARS = 1_000_000


@dataclass(frozen=True)
class JwtVerification:
    """What a verified token says. ``kid`` is the absolute verification method id used."""

    credential: dict[str, Any]
    header: dict[str, Any]
    payload: dict[str, Any]
    issuer: str
    kid: str
    profile: Profile
    alg: str
    time_findings: tuple[TimeFinding, ...] = ()


# --- compact serialization (RFC 7515 §7.1, §5.2 steps 1-4) ---------------------------------


def _b64(data: bytes) -> str:
    return multibase.base64url_nopad_encode(data)


def _json_bytes(value: Mapping[str, Any], what: str) -> bytes:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise JwtFormatError(f"the {what} is not JSON-serializable: {exc}") from exc
    return text.encode("utf-8")


def _json_object(segment: str, what: str) -> dict[str, Any]:
    """Decode one base64url segment into a JSON object (RFC 7519 §7.2 steps 3-4 and 10)."""
    try:
        raw = multibase.base64url_nopad_decode(segment)
    except InputError as exc:
        raise JwtFormatError(f"the {what} is not base64url: {exc}") from exc
    try:
        value = parse_json(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise JwtFormatError(f"the {what} is not UTF-8: {exc}") from exc
    except InputError as exc:
        raise JwtFormatError(f"the {what} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise JwtFormatError(f"the {what} is not a JSON object")
    return value


def peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, *not verified* (RFC 7515 §7.1). JwtFormatError."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise JwtFormatError(f"a compact JWS must be a string of at most {MAX_TOKEN_CHARS} chars")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwtFormatError(f"a compact JWS has 3 dot-separated parts, this one has {len(parts)}")
    header = _json_object(parts[0], "JOSE header")
    payload = _json_object(parts[1], "JWT payload")
    try:
        multibase.base64url_nopad_decode(parts[2])
    except InputError as exc:
        raise JwtFormatError(f"the signature is not base64url: {exc}") from exc
    return header, payload


# --- signing (OB 3.0 §8.2.5, RFC 7515 §5.1) --------------------------------------------------


def sign_jwt_vc(
    credential: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str,
    profile: Profile = "vc-jose-cose",
    vc_claim: bool = True,
    issued_at: datetime | None = None,
) -> str:
    """Secure ``credential`` as a compact JWS signed by ``key`` with the JWS ``alg`` of its
    kind (EdDSA, ES256, ES384, RS256). ``kid`` names the issuer's verification method.
    ``vc_claim`` (ob3 only) picks the ``vc`` claim form; ``issued_at`` adds ``iat``."""
    issuer = required_issuer_id(credential)
    if kid.startswith("did:") and split_did_url(kid)[0] != issuer:
        raise JwtIssuerMismatchError(f"kid {kid} is not a key of the issuer {issuer}")
    alg = JWS_ALG[key.public.kind]
    if profile == "ob3":
        header: dict[str, Any] = {"alg": alg, "kid": kid, "typ": "JWT"}
        claims = ob3_claims(credential)
        payload = {**claims, "vc": dict(credential)} if vc_claim else {**credential, **claims}
    elif profile == "vc-jose-cose":
        header = {"alg": alg, "kid": kid, "typ": "vc+jwt", "cty": "vc"}
        if any(name in credential for name in ("vc", "vp", "iss")):
            raise JwtClaimsError("a vc+jwt credential must not carry 'vc', 'vp' or 'iss' members")
        payload = {**credential, "iss": issuer}
        if subject_id(credential) is not None:
            payload["sub"] = subject_id(credential)
    else:
        raise JwtFormatError(f"unknown profile {profile!r} (ob3, vc-jose-cose)")
    if issued_at is not None:
        payload["iat"] = numeric_date(issued_at)
    signing_input = (
        _b64(_json_bytes(header, "header")) + "." + _b64(_json_bytes(payload, "payload"))
    )
    return signing_input + "." + _b64(key.sign(signing_input.encode("ascii")))


# --- verification, one function per step (RFC 7515 §5.2, RFC 7519 §7.2, OB 3.0 §8.2.6) ------


def check_header(header: Mapping[str, Any], allowed_algs: Sequence[str]) -> str:
    """RFC 7515 §4.1.1 ``alg`` pinned to ``allowed_algs`` (``none`` and HMAC always refused;
    RFC 8725 §3.1-3.2); §4.1.11 ``crit`` and RFC 7797 ``b64`` are not understood -> refused."""
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise JwtFormatError("the JOSE header has no 'alg' string (RFC 7515 §4.1.1)")
    if alg.lower() == "none":
        raise JwtAlgorithmError("alg 'none' (an unsecured JWT) is never accepted")
    if alg.upper().startswith("HS"):
        raise JwtAlgorithmError(f"alg {alg!r} is an HMAC (shared secret), never accepted")
    if alg not in allowed_algs:
        raise JwtAlgorithmError(f"alg {alg!r} is not allowed (allowed: {', '.join(allowed_algs)})")
    if "crit" in header:
        raise JwtFormatError(f"critical header parameters {header['crit']!r} are not understood")
    if "b64" in header:
        raise JwtFormatError("unencoded payloads (RFC 7797 'b64') are not supported")
    return alg


def _media_type(value: object) -> str | None:
    """RFC 7515 §4.1.9: compare ``typ`` case-insensitively, ``application/`` optional."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise JwtFormatError("the JOSE header 'typ' is not a string")
    lowered = value.lower()
    return lowered.removeprefix("application/") if "/" in lowered else lowered


def detect_profile(
    header: Mapping[str, Any], payload: Mapping[str, Any], expected: Profile | None = None
) -> Profile:
    """``typ`` vc+jwt -> vc-jose-cose, which forbids the ``vc``/``vp`` claims (VC-JOSE-COSE
    §1.1.2.1); a ``vc`` claim or ``typ`` JWT -> ob3 (OB 3.0 §8.2.3). Without ``typ`` (optional
    in both) and ``vc`` claim, the caller's ``expected`` profile decides, else vc-jose-cose."""
    typ = _media_type(header.get("typ"))
    if typ == "vc+jwt":
        if "vc" in payload or "vp" in payload:
            raise JwtFormatError("a vc+jwt payload must not carry a 'vc' or 'vp' claim")
        found: Profile = "vc-jose-cose"
    elif typ not in (None, "jwt"):
        raise JwtFormatError(f"typ {header.get('typ')!r} is not a credential (JWT or vc+jwt)")
    elif typ == "jwt" or "vc" in payload:
        found = "ob3"
    else:
        found = expected or "vc-jose-cose"
    if expected is not None and found != expected:
        raise JwtFormatError(f"the token is a {found} token, not {expected}")
    return found


def check_alg_fits_key(alg: str, public: PublicKey) -> None:
    """RFC 8725 §3.1: the algorithm must be the one for the resolved key's type."""
    if JWS_ALG[public.kind] != alg:
        raise JwtAlgorithmError(f"alg {alg!r} does not fit the issuer's {public.kind} key")


def verify_signature(
    token: str, alg: str, public: PublicKey, *, header: Mapping[str, Any] | None = None
) -> None:
    """RFC 7515 §5.2 steps 1-8 for a compact JWS, with the resolved key and ``alg`` only.

    The header must name ``alg`` and pass :func:`check_header`; ``alg`` must fit the key
    (:func:`check_alg_fits_key`); the signature is checked over the ASCII of
    ``header.payload`` by :meth:`PublicKey.verify`, whose formats are the JWS ones (Ed25519,
    RFC 8037 §3.1; ``r || s``, RFC 7518 §3.4; RSASSA-PKCS1-v1_5 SHA-256, RFC 7518 §3.3).
    Directly, not through jwcrypto: its per-token objects (a deep copy of its header registry,
    a JWK built from ours) were a fifth of an SD-JWT verification report. ``header``: this
    token's header when the caller has read its header *and payload* already (:func:`peek`,
    :func:`vckit.sdjwt.compact.jwt_parts`): neither is decoded again (the payload's base64url,
    kilobytes for a credential, was checked when it was read).
    """
    token = token.strip()
    signing_input, _, encoded_signature = token.rpartition(".")
    first = signing_input.find(".")
    if first < 0 or signing_input.find(".", first + 1) >= 0:  # not split: kilobytes long
        parts = token.count(".") + 1
        raise JwtFormatError(f"a compact JWS has 3 dot-separated parts, this one has {parts}")
    read = header is not None
    if header is None:
        header = _json_object(signing_input[:first], "JOSE header")
    if header.get("alg") != alg:
        raise InvalidSignatureError(
            f"the JOSE header's alg is not {alg}: the signature is not checked"
        )
    check_header(header, (alg,))
    check_alg_fits_key(alg, public)
    try:
        if not read:
            multibase.base64url_nopad_decode(signing_input[first + 1 :])
        signature = multibase.base64url_nopad_decode(encoded_signature)
    except InputError as exc:
        raise JwtFormatError(f"the JWS cannot be processed: {exc}") from exc
    if not public.verify(signature, signing_input.encode("ascii")):
        raise InvalidSignatureError(f"the {alg} signature does not verify")


def verify_jwt_vc(
    token: str,
    resolver: DidResolver,
    *,
    now: datetime,
    allowed_algs: Iterable[str] = SUPPORTED_ALGS,
    expected_typ: str | None = None,
    profile: Profile | None = None,
    check_time: bool = True,
    leeway: timedelta = timedelta(0),
) -> JwtVerification:
    """Verify a VC-JWT / vc+jwt credential issued by a DID. Raises JwtFormatError,
    JwtAlgorithmError, JwtKeyError, JwtIssuerMismatchError, InvalidSignatureError,
    JwtClaimsError; DID resolution errors (DidError) propagate as "could not check"."""
    algs = tuple(allowed_algs)
    unsupported = [alg for alg in algs if alg not in SUPPORTED_ALGS]
    if unsupported:
        raise JwtAlgorithmError(f"allowed_algs {unsupported} are not supported by vckit")
    header, payload = peek(token)
    alg = check_header(header, algs)
    if expected_typ is not None and _media_type(header.get("typ")) != _media_type(expected_typ):
        raise JwtFormatError(f"typ {header.get('typ')!r} is not the expected {expected_typ!r}")
    found_profile = detect_profile(header, payload, profile)
    credential = credential_from_jwt(payload)
    issuer = required_issuer_id(credential)
    check_issuer_claim(payload, issuer, found_profile)
    found = find_issuer_key(header, issuer, resolver)
    if found.error is not None or found.public is None or found.method_id is None:
        raise found.error or JwtKeyError(found.binding.detail)
    public, method_id = found.public, found.method_id
    check_alg_fits_key(alg, public)
    verify_signature(token, alg, public)
    check_claims(payload, credential, found_profile)
    findings = time_window(payload, now=now, leeway=leeway)
    if check_time and findings:
        raise JwtClaimsError("; ".join(str(finding) for finding in findings))
    return JwtVerification(
        credential, header, payload, issuer, method_id, found_profile, alg, findings
    )
