"""vckit.jose.vc_jwt against PyJWT, a JOSE implementation we did not write (PyPI ``PyJWT[crypto]``).

Both directions, for EdDSA (Ed25519), ES256 (P-256) and RS256 (RSA), both profiles:

* tokens signed by ``vckit.jose.vc_jwt.sign_jwt_vc`` verify with ``jwt.decode`` given only the
public key;
* tokens signed by ``jwt.encode`` with our key material (exported as a private JWK or as PKCS#8
  PEM) verify with ``vckit.jose.vc_jwt.verify_jwt_vc``.

PyJWT checks ``nbf``/``exp`` against the real clock, so the credentials here are valid from 2010
to 2100; vckit is given a fixed ``now``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from jwcrypto import jwk as jwcrypto_jwk

from vckit.did.resolver import DidResolver, did_jwk, did_key
from vckit.errors import InvalidSignatureError
from vckit.jose import vc_jwt as jose
from vckit.keys.keypair import KeyKind, KeyPair

pytestmark = pytest.mark.interop

NOW = datetime(2025, 6, 1, tzinfo=UTC)
CREDENTIAL = Path(__file__).parents[1] / "vectors" / "jose" / "ob3-basic-credential.json"
CASES: list[tuple[KeyKind, str]] = [("Ed25519", "EdDSA"), ("P-256", "ES256"), ("RSA", "RS256")]
PROFILES: list[jose.Profile] = ["ob3", "vc-jose-cose"]


def issuer_of(kind: KeyKind, interop_keys: dict[str, Any]) -> tuple[KeyPair, str, str]:
    """(key pair, DID, kid): did:key for Ed25519 and P-256, did:jwk for RSA."""
    key = KeyPair.from_private_jwk(interop_keys[kind]["privateJwk"])
    if kind == "RSA":
        did = did_jwk(key.public)
        return key, did, f"{did}#0"
    did = did_key(key.public)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def credential_for(did: str) -> dict[str, Any]:
    credential: dict[str, Any] = json.loads(CREDENTIAL.read_text())
    credential["issuer"]["id"] = did
    credential["validUntil"] = "2100-01-01T00:00:00Z"
    return credential


def pyjwt_signing_key(key: KeyPair, key_format: str) -> Any:
    """Our private key as PyJWT takes it: a PyJWK from the JWK, or PKCS#8 PEM bytes."""
    private_jwk = key.to_private_jwk()
    if key_format == "jwk":
        return jwt.PyJWK(private_jwk).key
    return jwcrypto_jwk.JWK(**private_jwk).export_to_pem(private_key=True, password=None)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("kind", "alg"), CASES, ids=[alg for _, alg in CASES])
def test_pyjwt_verifies_our_tokens(
    kind: KeyKind, alg: str, profile: jose.Profile, interop_keys: dict[str, Any]
) -> None:
    key, did, kid = issuer_of(kind, interop_keys)
    credential = credential_for(did)
    token = jose.sign_jwt_vc(credential, key, kid=kid, profile=profile)
    public = jwt.PyJWK(key.public.to_jwk()).key

    decoded = jwt.decode_complete(
        token, public, algorithms=[alg], issuer=did, options={"require": ["iss", "sub"]}
    )

    assert decoded["header"]["alg"] == alg
    assert decoded["header"]["kid"] == kid
    payload = decoded["payload"]
    if profile == "ob3":
        assert payload["vc"] == credential
        assert payload["jti"] == credential["id"]
    else:
        assert {k: v for k, v in payload.items() if k not in ("iss", "sub")} == credential
    other = KeyPair.generate(kind)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwt.PyJWK(other.public.to_jwk()).key, algorithms=[alg], issuer=did)


def _pyjwt_token(
    profile: jose.Profile, credential: dict[str, Any], did: str, kid: str, alg: str, signer: Any
) -> str:
    if profile == "ob3":
        claims = {
            "iss": did,
            "sub": credential["credentialSubject"]["id"],
            "jti": credential["id"],
            "nbf": 1262304000,  # 2010-01-01T00:00:00Z, the credential's validFrom
            "exp": 4102444800,  # 2100-01-01T00:00:00Z, its validUntil
            "vc": credential,
        }
        return jwt.encode(claims, signer, algorithm=alg, headers={"kid": kid, "typ": "JWT"})
    headers = {"kid": kid, "typ": "vc+jwt", "cty": "vc"}
    return jwt.encode({**credential, "iss": did}, signer, algorithm=alg, headers=headers)


@pytest.mark.parametrize("key_format", ["jwk", "pem"])
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("kind", "alg"), CASES, ids=[alg for _, alg in CASES])
def test_we_verify_pyjwt_tokens(
    kind: KeyKind, alg: str, profile: jose.Profile, key_format: str, interop_keys: dict[str, Any]
) -> None:
    key, did, kid = issuer_of(kind, interop_keys)
    credential = credential_for(did)
    token = _pyjwt_token(profile, credential, did, kid, alg, pyjwt_signing_key(key, key_format))

    result = jose.verify_jwt_vc(token, DidResolver(), now=NOW)

    assert (result.profile, result.alg, result.kid, result.issuer) == (profile, alg, kid, did)
    assert result.credential == credential


@pytest.mark.parametrize(("kind", "alg"), CASES, ids=[alg for _, alg in CASES])
def test_pyjwt_token_by_another_key_is_rejected(
    kind: KeyKind, alg: str, interop_keys: dict[str, Any]
) -> None:
    """The same token signed by PyJWT with a key the issuer does not hold fails in vckit."""
    key, did, kid = issuer_of(kind, interop_keys)
    other = KeyPair.generate(kind)
    signer = pyjwt_signing_key(other, "jwk")
    token = _pyjwt_token("ob3", credential_for(did), did, kid, alg, signer)
    with pytest.raises(InvalidSignatureError):
        jose.verify_jwt_vc(token, DidResolver(), now=NOW)
