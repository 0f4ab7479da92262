"""JWT interop: vckit.jose.vc_jwt against panva's ``jose`` (npm; exact version in
js/package-lock.json).

(a) ``vckit.jose.vc_jwt.sign_jwt_vc`` tokens are verified by ``jose.jwtVerify`` (signature, pinned
    algorithm, "typ", NumericDate claims against a fixed clock).
(b) Tokens signed by ``jose.SignJWT`` are verified by ``vckit.jose.vc_jwt.verify_jwt_vc``, resolving
    the issuer's did:key / did:jwk with vckit.
Both profiles: OB 3.0 VC-JWT (OB 3.0 §8.2: typ JWT, credential in the ``vc`` claim, iss/sub/jti/nbf
beside it) and W3C VC-JOSE-COSE (§3.1.1: typ vc+jwt, cty vc, the payload is the credential).
Algorithms EdDSA (Ed25519, did:key), ES256 (P-256, did:key) and RS256 (RSA 2048, did:jwk).
A token whose payload was changed after signing fails on both sides.

Node runs twice for this module: one batch to sign, one to verify.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vckit.did.resolver import DidResolver, did_jwk
from vckit.errors import InvalidSignatureError
from vckit.jose.vc_jwt import sign_jwt_vc, verify_jwt_vc
from vckit.keys.keypair import KeyPair

pytestmark = pytest.mark.interop

# fixture types from conftest.py (run_js -> RunJs, its batches -> JsResults with .completed())
JsResults = Any
RunJs = Any

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "interop"
ALG_KEYS = {"EdDSA": "Ed25519", "ES256": "P-256", "RS256": "RSA"}
ALGS = tuple(ALG_KEYS)
PROFILES = ("ob3", "vc-jose-cose")
TYP = {"ob3": "JWT", "vc-jose-cose": "vc+jwt"}
DOC_IDS = ("ob3", "unicode")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
NOW_ISO = "2026-01-01T00:00:00Z"
VALID_FROM_NUMERIC = 1262304000  # 2010-01-01T00:00:00Z, the sample's validFrom
PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


# --- keys, issuers, credentials ---------------------------------------------------------------


def private_jwk(keys: dict[str, Any], alg: str) -> dict[str, str]:
    jwk: dict[str, str] = keys[ALG_KEYS[alg]]["privateJwk"]
    return jwk


def public_jwk(keys: dict[str, Any], alg: str) -> dict[str, str]:
    """The fixed key's public JWK, taken from the test data (not computed by vckit)."""
    jwk = private_jwk(keys, alg)
    return {name: value for name, value in jwk.items() if name not in PRIVATE_JWK_MEMBERS}


def issuer_and_kid(keys: dict[str, Any], alg: str) -> tuple[str, str]:
    """did:key for Ed25519 and P-256 (kid did:key:<mb>#<mb>); did:jwk for RSA (kid ...#0)."""
    entry = keys[ALG_KEYS[alg]]
    if "publicKeyMultibase" in entry:
        did = "did:key:" + entry["publicKeyMultibase"]
        return did, f"{did}#{entry['publicKeyMultibase']}"
    did = did_jwk(KeyPair.from_private_jwk(entry["privateJwk"]).public)
    return did, f"{did}#0"


def credential(doc_id: str, issuer: str, unicode_strings: dict[str, str]) -> dict[str, Any]:
    """The OB 3.0 sample with a DID issuer; "unicode" puts every string of
    unicode-strings.json into the achievement's name and description."""
    cred: dict[str, Any] = json.loads((VECTORS / "ob3-spec-example-unsigned.json").read_text())
    cred["issuer"]["id"] = issuer
    if doc_id == "unicode":
        text = " | ".join(unicode_strings.values())
        cred["credentialSubject"]["achievement"]["name"] = text
        cred["credentialSubject"]["achievement"]["description"] = f"description: {text}"
    return cred


def expected_payload(profile: str, cred: dict[str, Any]) -> dict[str, Any]:
    """What the spec puts in the payload: OB 3.0 §8.2.4.1 or VC-JOSE-COSE §3.1.1."""
    if profile == "ob3":
        return {
            "iss": cred["issuer"]["id"],
            "sub": cred["credentialSubject"]["id"],
            "jti": cred["id"],
            "nbf": VALID_FROM_NUMERIC,
            "vc": cred,
        }
    return cred


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tampered(token: str) -> str:
    """The same header and signature over a payload whose achievement name was changed."""
    header, payload, signature = token.split(".")
    claims = json.loads(_b64url_decode(payload))
    cred = claims.get("vc", claims)
    cred["credentialSubject"]["achievement"]["name"] += " (edited)"
    changed = _b64url(json.dumps(claims, ensure_ascii=False).encode("utf-8"))
    return f"{header}.{changed}.{signature}"


def case_id(direction: str, alg: str, profile: str, doc_id: str) -> str:
    return f"{direction}/{alg}/{profile}/{doc_id}"


CASES = [
    pytest.param(alg, profile, doc_id, id=f"{alg}-{profile}-{doc_id}")
    for alg in ALGS
    for profile in PROFILES
    for doc_id in DOC_IDS
]


# --- the two node batches -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ours_signed(interop_keys: dict[str, Any], unicode_strings: dict[str, str]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for alg in ALGS:
        key = KeyPair.from_private_jwk(private_jwk(interop_keys, alg))
        issuer, kid = issuer_and_kid(interop_keys, alg)
        for profile in PROFILES:
            for doc_id in DOC_IDS:
                cred = credential(doc_id, issuer, unicode_strings)
                tokens[case_id("ours", alg, profile, doc_id)] = sign_jwt_vc(
                    cred,
                    key,
                    kid=kid,
                    profile=profile,  # type: ignore[arg-type]
                )
    return tokens


@pytest.fixture(scope="module")
def js_signed(
    run_js: RunJs, interop_keys: dict[str, Any], unicode_strings: dict[str, str]
) -> JsResults:
    """Node batch 1: tokens signed by jose.SignJWT with the spec's header and payload."""
    cases = []
    for alg in ALGS:
        issuer, kid = issuer_and_kid(interop_keys, alg)
        for profile in PROFILES:
            header = {"alg": alg, "kid": kid, "typ": TYP[profile]}
            if profile == "vc-jose-cose":
                header["cty"] = "vc"
            for doc_id in DOC_IDS:
                cred = credential(doc_id, issuer, unicode_strings)
                cases.append(
                    {
                        "id": case_id("js", alg, profile, doc_id),
                        "op": "sign",
                        "header": header,
                        "payload": expected_payload(profile, cred),
                        "privateJwk": private_jwk(interop_keys, alg),
                    }
                )
    return run_js("jwt.mjs", cases)


@pytest.fixture(scope="module")
def js_verdicts(
    run_js: RunJs,
    interop_keys: dict[str, Any],
    ours_signed: dict[str, str],
    js_signed: JsResults,
) -> JsResults:
    """Node batch 2: jose.jwtVerify on vckit's tokens, and on tampered copies of both sides'."""
    cases = []
    for alg in ALGS:
        for profile in PROFILES:
            for doc_id in DOC_IDS:
                ours = ours_signed[case_id("ours", alg, profile, doc_id)]
                theirs = js_signed.completed(case_id("js", alg, profile, doc_id))["token"]
                for name, token in (
                    (case_id("ours", alg, profile, doc_id), ours),
                    (case_id("ours", alg, profile, doc_id) + "/tampered", tampered(ours)),
                    (case_id("js", alg, profile, doc_id) + "/tampered", tampered(theirs)),
                ):
                    cases.append(
                        {
                            "id": name,
                            "op": "verify",
                            "token": token,
                            "publicJwk": public_jwk(interop_keys, alg),
                            "algorithms": [alg],
                            "now": NOW_ISO,
                            "typ": TYP[profile],
                        }
                    )
    return run_js("jwt.mjs", cases)


# --- (a) vckit signs, jose verifies ---------------------------------------------------------


@pytest.mark.parametrize(("alg", "profile", "doc_id"), CASES)
def test_jose_verifies_token_signed_by_vckit(
    js_verdicts: JsResults,
    interop_keys: dict[str, Any],
    unicode_strings: dict[str, str],
    alg: str,
    profile: str,
    doc_id: str,
) -> None:
    verdict = js_verdicts.completed(case_id("ours", alg, profile, doc_id))
    assert verdict["verified"], verdict["errors"]
    issuer, kid = issuer_and_kid(interop_keys, alg)
    assert verdict["header"]["alg"] == alg
    assert verdict["header"]["kid"] == kid
    if profile == "vc-jose-cose":
        assert verdict["header"]["cty"] == "vc"
    cred = credential(doc_id, issuer, unicode_strings)
    payload = verdict["payload"]
    if profile == "ob3":
        assert payload == expected_payload(profile, cred)
    else:
        # the credential, plus optional iss/sub that must agree with it (VC-JOSE-COSE §3.1.3)
        assert {k: v for k, v in payload.items() if k not in ("iss", "sub")} == cred
        subject = cred["credentialSubject"]["id"]
        assert payload.get("iss", issuer) == issuer
        assert payload.get("sub", subject) == subject


@pytest.mark.parametrize(("alg", "profile", "doc_id"), CASES)
def test_jose_rejects_tampered_token_signed_by_vckit(
    js_verdicts: JsResults, alg: str, profile: str, doc_id: str
) -> None:
    verdict = js_verdicts.completed(case_id("ours", alg, profile, doc_id) + "/tampered")
    assert not verdict["verified"]
    assert any("ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in e for e in verdict["errors"]), verdict


# --- (b) jose signs, vckit verifies -----------------------------------------------------------


@pytest.mark.parametrize(("alg", "profile", "doc_id"), CASES)
def test_vckit_verifies_token_signed_by_jose(
    js_signed: JsResults,
    interop_keys: dict[str, Any],
    unicode_strings: dict[str, str],
    alg: str,
    profile: str,
    doc_id: str,
) -> None:
    token = js_signed.completed(case_id("js", alg, profile, doc_id))["token"]
    issuer, kid = issuer_and_kid(interop_keys, alg)
    result = verify_jwt_vc(token, DidResolver(), now=NOW, allowed_algs=(alg,))
    assert result.credential == credential(doc_id, issuer, unicode_strings)
    assert result.issuer == issuer
    assert result.kid == kid
    assert result.alg == alg
    assert result.profile == profile


@pytest.mark.parametrize(("alg", "profile", "doc_id"), CASES)
def test_vckit_rejects_tampered_token_signed_by_jose(
    js_signed: JsResults, alg: str, profile: str, doc_id: str
) -> None:
    token = js_signed.completed(case_id("js", alg, profile, doc_id))["token"]
    with pytest.raises(InvalidSignatureError):
        verify_jwt_vc(tampered(token), DidResolver(), now=NOW, allowed_algs=(alg,))


@pytest.mark.parametrize(("alg", "profile", "doc_id"), CASES)
def test_jose_rejects_tampered_token_signed_by_jose(
    js_verdicts: JsResults, alg: str, profile: str, doc_id: str
) -> None:
    verdict = js_verdicts.completed(case_id("js", alg, profile, doc_id) + "/tampered")
    assert not verdict["verified"]
    assert any("ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in e for e in verdict["errors"]), verdict
