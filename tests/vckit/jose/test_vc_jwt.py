"""vckit.jose.vc_jwt: OB 3.0 VC-JWT and VC-JOSE-COSE, signed and verified, and every way to cheat.

Hostile tokens are built by hand here (base64url of handcrafted JSON), never through
``sign_jwt_vc``, so the verifier is tested against what an attacker can actually send.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from tests.paths import VECTORS
from vckit.did.resolver import DidResolver, VmType, did_document_for_key, did_jwk, did_key
from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InvalidSignatureError,
    JoseError,
    JwtAlgorithmError,
    JwtClaimsError,
    JwtFormatError,
    JwtIssuerMismatchError,
    JwtKeyError,
    VckitError,
)
from vckit.jose import vc_jwt as jose
from vckit.jose.claims import TimeFinding, ob3_claims, time_window
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey

VECTORS = VECTORS / "jose"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WEB_DID = "did:web:issuer.example"
WEB_DID_URL = "https://issuer.example/.well-known/did.json"
ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "RSA": "RS256"}
DROP = object()  # in header()/payload() changes: remove that member


@functools.cache
def keypair(kind: KeyKind, name: str = "issuer") -> KeyPair:
    """One key per (kind, name) for the whole run: RSA generation is slow."""
    return KeyPair.generate(kind)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Any) -> str:
    return b64(json.dumps(value).encode("utf-8"))


def forge(header: Any, payload: Any, signer: KeyPair | None) -> str:
    """A compact JWS from handcrafted parts; ``signer=None`` leaves the signature empty."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = signer.sign(signing_input.encode("ascii")) if signer else b""
    return f"{signing_input}.{b64(signature)}"


def hmac_forge(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """RFC 7518 §3.2 HMAC, keyed with whatever the attacker hopes we use as the key."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    signing_input = f"{segment(header)}.{segment(payload)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), digest[header["alg"]]).digest()
    return f"{signing_input}.{b64(mac)}"


def credential_for(issuer: str, **changes: Any) -> dict[str, Any]:
    """The OB 3.0 spec's basic credential, issued by ``issuer``, valid until 2030."""
    base = json.loads((VECTORS / "ob3-basic-credential.json").read_text())
    base["issuer"]["id"] = issuer
    base["validUntil"] = "2030-01-01T00:00:00Z"
    for name, value in changes.items():
        if value is DROP:
            base.pop(name, None)
        else:
            base[name] = value
    return dict(base)


def _pyca_public(public: PublicKey) -> Any:
    return jwcrypto_jwk.JWK(**public.to_jwk()).get_op_key("verify")


def certificate_for(public: PublicKey) -> str:
    """A DER certificate (standard base64, as in ``x5c``) holding ``public``, signed by a CA."""
    ca = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(_pyca_public(public))
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(ca, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


# --- issuers: did:key, did:jwk, did:web (served by a fetch callback) -----------------------


@dataclass(frozen=True)
class Issuer:
    did: str
    kid: str
    key: KeyPair
    resolver: DidResolver


def serve(documents: dict[str, dict[str, Any]]) -> DidResolver:
    """A resolver whose did:web fetch answers from ``documents`` (URL -> DID document)."""

    def fetch(url: str) -> bytes:
        return json.dumps(documents[url]).encode("utf-8")

    return DidResolver(fetch)


def make_issuer(method: str, kind: KeyKind) -> Issuer:
    key = keypair(kind)
    if method == "did:key":
        did = did_key(key.public)
        return Issuer(did, f"{did}#{did.removeprefix('did:key:')}", key, DidResolver())
    if method == "did:jwk":
        did = did_jwk(key.public)
        return Issuer(did, f"{did}#0", key, DidResolver())
    vm_type: VmType = "JsonWebKey2020" if kind == "RSA" else "Multikey"
    document = did_document_for_key(WEB_DID, key.public, vm_type)
    return Issuer(WEB_DID, f"{WEB_DID}#key-1", key, serve({WEB_DID_URL: document}))


ISSUERS = [
    ("did:key", "Ed25519"),
    ("did:key", "P-256"),
    ("did:key", "P-384"),
    ("did:jwk", "Ed25519"),
    ("did:jwk", "P-256"),
    ("did:jwk", "RSA"),
    ("did:web", "Ed25519"),
    ("did:web", "P-256"),
    ("did:web", "RSA"),
]


# --- signing and verifying -------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["ob3", "vc-jose-cose"])
@pytest.mark.parametrize(("method", "kind"), ISSUERS, ids=[f"{m}-{k}" for m, k in ISSUERS])
def test_signed_credential_verifies(method: str, kind: KeyKind, profile: jose.Profile) -> None:
    issuer = make_issuer(method, kind)
    credential = credential_for(issuer.did)
    token = jose.sign_jwt_vc(credential, issuer.key, kid=issuer.kid, profile=profile)
    result = jose.verify_jwt_vc(token, issuer.resolver, now=NOW)
    assert result.credential == credential
    assert (result.issuer, result.kid, result.alg) == (issuer.did, issuer.kid, ALG[kind])
    assert result.profile == profile
    assert result.time_findings == ()


def test_ob3_token_carries_the_vc_claim_and_mirrored_claims() -> None:
    issuer = make_issuer("did:key", "Ed25519")
    credential = credential_for(issuer.did)
    header, payload = jose.peek(
        jose.sign_jwt_vc(credential, issuer.key, kid=issuer.kid, profile="ob3")
    )
    assert header == {"alg": "EdDSA", "kid": issuer.kid, "typ": "JWT"}
    assert payload == {
        "iss": issuer.did,
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "jti": "http://example.com/credentials/3527",
        "nbf": 1262304000,  # 2010-01-01T00:00:00Z
        "exp": 1893456000,  # 2030-01-01T00:00:00Z
        "vc": credential,
    }


def test_vc_jose_cose_payload_is_the_credential() -> None:
    issuer = make_issuer("did:key", "P-256")
    credential = credential_for(issuer.did)
    token = jose.sign_jwt_vc(credential, issuer.key, kid=issuer.kid, profile="vc-jose-cose")
    header, payload = jose.peek(token)
    assert header == {"alg": "ES256", "kid": issuer.kid, "typ": "vc+jwt", "cty": "vc"}
    assert "vc" not in payload
    assert {k: v for k, v in payload.items() if k not in ("iss", "sub")} == credential
    assert (payload["iss"], payload["sub"]) == (issuer.did, credential["credentialSubject"]["id"])


def test_ob3_credential_as_payload_form_verifies() -> None:
    """OB 3.0.3 §8.2.4.1: the payload is the credential with the claims beside it."""
    issuer = make_issuer("did:key", "Ed25519")
    credential = credential_for(issuer.did)
    token = jose.sign_jwt_vc(credential, issuer.key, kid=issuer.kid, profile="ob3", vc_claim=False)
    assert "vc" not in jose.peek(token)[1]
    result = jose.verify_jwt_vc(token, issuer.resolver, now=NOW)
    assert (result.profile, result.credential) == ("ob3", credential)


def test_vc_1_1_credential_maps_issuance_and_expiration_dates() -> None:
    issuer = make_issuer("did:jwk", "P-256")
    credential = credential_for(
        issuer.did,
        validFrom=DROP,
        validUntil=DROP,
        issuanceDate="2020-02-03T04:05:06Z",
        expirationDate="2031-01-01T00:00:00+01:00",
    )
    credential["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    token = jose.sign_jwt_vc(credential, issuer.key, kid=issuer.kid, profile="ob3")
    payload = jose.peek(token)[1]
    assert (payload["nbf"], payload["exp"]) == (1580702706, 1924988400)
    assert jose.verify_jwt_vc(token, issuer.resolver, now=NOW).credential == credential


def test_issued_at_adds_iat() -> None:
    issuer = make_issuer("did:key", "Ed25519")
    token = jose.sign_jwt_vc(credential_for(issuer.did), issuer.key, kid=issuer.kid, issued_at=NOW)
    assert jose.peek(token)[1]["iat"] == int(NOW.timestamp())
    assert jose.verify_jwt_vc(token, issuer.resolver, now=NOW).issuer == issuer.did


def test_rfc8037_ed25519_vector() -> None:
    """RFC 8037 A.4: our signer reproduces the signature; jwcrypto verifies it with our key."""
    vector = json.loads((VECTORS / "rfc8037-a4-ed25519.json").read_text())
    key = KeyPair.from_private_jwk(vector["private_jwk"])
    signing_input, _, signature = vector["compact"].rpartition(".")
    assert b64(key.sign(signing_input.encode("ascii"))) == signature
    assert (
        base64.urlsafe_b64decode(signing_input.split(".")[1] + "==") == vector["payload"].encode()
    )
    jose.verify_signature(vector["compact"], "EdDSA", key.public)
    flipped = vector["compact"][:-2] + ("A" if vector["compact"][-2] != "A" else "B") + "g"
    with pytest.raises(InvalidSignatureError):
        jose.verify_signature(flipped, "EdDSA", key.public)


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "P-384", "RSA"])
def test_signature_made_by_jwcrypto_verifies(kind: KeyKind) -> None:
    """verify_signature checks the JWS signature formats itself (no jwcrypto): a token that
    jwcrypto signs verifies; the same token with another payload does not."""
    key = keypair(kind)
    alg = key.public.default_jws_alg
    signer = jwcrypto_jws.JWS(b'{"iss":"x"}')
    signer.add_signature(
        jwcrypto_jwk.JWK(**key.to_private_jwk()), alg=alg, protected=json.dumps({"alg": alg})
    )
    token = signer.serialize(compact=True)
    jose.verify_signature(token, alg, key.public)
    head, _, signature = token.split(".")
    other = b64(b'{"iss":"y"}')
    with pytest.raises(InvalidSignatureError):
        jose.verify_signature(f"{head}.{other}.{signature}", alg, key.public)


def _token(header: dict[str, Any], key: KeyPair) -> str:
    signing_input = b64(json.dumps(header).encode()) + "." + b64(b"{}")
    return signing_input + "." + b64(key.sign(signing_input.encode("ascii")))


@pytest.mark.parametrize(
    ("header", "alg", "error"),
    [
        ({"alg": "ES256"}, "EdDSA", InvalidSignatureError),  # the header names another alg
        ({"alg": "EdDSA", "crit": ["exp"]}, "EdDSA", JwtFormatError),
        ({"alg": "EdDSA", "b64": False}, "EdDSA", JwtFormatError),
        ({"alg": "ES256"}, "ES256", JwtAlgorithmError),  # ES256 does not fit an Ed25519 key
    ],
)
def test_verify_signature_refuses(header: dict[str, Any], alg: str, error: type) -> None:
    key = keypair("Ed25519")
    with pytest.raises(error):
        jose.verify_signature(_token(header, key), alg, key.public)
    with pytest.raises(JwtFormatError):
        jose.verify_signature(_token({"alg": "EdDSA"}, key) + "=", "EdDSA", key.public)


# --- the world of the hostile tokens: one did:web issuer, one stranger -----------------------


@dataclass(frozen=True)
class World:
    """did:web:issuer.example with key-1 and key-2 (assertionMethod) and key-auth
    (authentication only); a stranger with its own did:key; a credential from the issuer."""

    keys: dict[str, KeyPair]
    stranger: KeyPair
    resolver: DidResolver
    credential: dict[str, Any]

    @property
    def stranger_did(self) -> str:
        return did_key(self.stranger.public)

    @property
    def stranger_kid(self) -> str:
        return f"{self.stranger_did}#{self.stranger_did.removeprefix('did:key:')}"

    def header(self, **changes: Any) -> dict[str, Any]:
        base: dict[str, Any] = {"alg": "EdDSA", "kid": f"{WEB_DID}#key-1", "typ": "JWT"}
        return _apply(base, changes)

    def payload(self, **changes: Any) -> dict[str, Any]:
        """The OB 3.0 payload (vc claim) of ``self.credential``."""
        base = {**ob3_claims(self.credential), "vc": copy.deepcopy(self.credential)}
        return _apply(base, changes)

    def jose_header(self, **changes: Any) -> dict[str, Any]:
        return self.header(**{"typ": "vc+jwt", "cty": "vc", **changes})

    def jose_payload(self, **changes: Any) -> dict[str, Any]:
        """The VC-JOSE-COSE payload: the credential itself, plus ``iss``."""
        return _apply({**copy.deepcopy(self.credential), "iss": WEB_DID}, changes)

    def token(
        self, header: dict[str, Any] | None = None, payload: dict[str, Any] | None = None
    ) -> str:
        """Signed by the issuer's key-1, as the issuer would."""
        return forge(header or self.header(), payload or self.payload(), self.keys["key-1"])

    def with_header(self, **changes: Any) -> str:
        return self.token(self.header(**changes))

    def with_claims(self, **changes: Any) -> str:
        return self.token(payload=self.payload(**changes))

    def jose(self, **changes: Any) -> str:
        """A VC-JOSE-COSE token with changed payload members."""
        return self.token(self.jose_header(), self.jose_payload(**changes))

    def by_stranger(self, **header_changes: Any) -> str:
        """Signed by the stranger's key, whatever the header claims."""
        return forge(self.header(**header_changes), self.payload(), self.stranger)

    def by_own_key(self, name: str) -> str:
        """Signed by the issuer's key ``name``, with the matching kid."""
        return forge(self.header(kid=f"{WEB_DID}#{name}"), self.payload(), self.keys[name])

    def relative_kid_of_stranger(self) -> str:
        """kid ``#key-1`` read against an ``iss`` that the stranger controls."""
        payload = self.payload(iss=self.stranger_did)
        return forge(self.header(kid="#key-1"), payload, self.stranger)

    def hmac(self, alg: str, secret: bytes) -> str:
        return hmac_forge(self.header(alg=alg), self.payload(), secret)

    def public_bytes(self) -> bytes:
        return self.keys["key-1"].public.encoded

    def public_jwk_bytes(self) -> bytes:
        return json.dumps(self.keys["key-1"].public.to_jwk()).encode("utf-8")

    def stranger_jwk(self) -> dict[str, str]:
        return self.stranger.public.to_jwk()

    def stranger_cert(self) -> list[str]:
        return [certificate_for(self.stranger.public)]

    def anonymous(self) -> dict[str, Any]:
        """The credential with an issuer that has no id."""
        return {**self.credential, "issuer": {"name": "nobody"}}

    def undated(self) -> dict[str, Any]:
        """The credential without validFrom and validUntil."""
        return {k: v for k, v in self.credential.items() if k not in ("validFrom", "validUntil")}

    def after_header(self) -> str:
        """Payload and signature segments of a good token."""
        return self.token().split(".", 1)[1]

    def signed(self, **credential_changes: Any) -> str:
        """A token the issuer really signed (sign_jwt_vc) over a changed credential."""
        credential = {**self.credential, **credential_changes}
        return jose.sign_jwt_vc(
            credential, self.keys["key-1"], kid=f"{WEB_DID}#key-1", profile="ob3"
        )


def _apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is DROP:
            base.pop(name, None)
        else:
            base[name] = value
    return base


@pytest.fixture(scope="module")
def world() -> World:
    keys = {name: keypair("Ed25519", name) for name in ("key-1", "key-2", "key-auth")}
    document = did_document_for_key(WEB_DID, keys["key-1"].public, fragment="key-1")
    for name in ("key-2", "key-auth"):
        extra = did_document_for_key(WEB_DID, keys[name].public, fragment=name)
        document["verificationMethod"] += extra["verificationMethod"]
    document["assertionMethod"] = [f"{WEB_DID}#key-1", f"{WEB_DID}#key-2"]
    document["authentication"] = [f"{WEB_DID}#key-auth"]
    return World(
        keys,
        keypair("Ed25519", "stranger"),
        serve({WEB_DID_URL: document}),
        credential_for(WEB_DID),
    )


def test_the_world_itself_verifies(world: World) -> None:
    """The baseline every hostile case departs from is accepted."""
    for token in (world.token(), world.token(world.jose_header(), world.jose_payload())):
        assert jose.verify_jwt_vc(token, world.resolver, now=NOW).issuer == WEB_DID


def test_relative_kid_is_resolved_against_iss(world: World) -> None:
    token = forge(world.header(kid="#key-2"), world.payload(), world.keys["key-2"])
    result = jose.verify_jwt_vc(token, world.resolver, now=NOW)
    assert result.kid == f"{WEB_DID}#key-2"


@pytest.mark.parametrize("member", ["jwk", "x5c"])
def test_embedded_copy_of_the_issuers_own_key_is_tolerated(world: World, member: str) -> None:
    public = world.keys["key-1"].public
    value = public.to_jwk() if member == "jwk" else [certificate_for(public)]
    token = world.token(world.header(**{member: value}))
    assert jose.verify_jwt_vc(token, world.resolver, now=NOW).kid == f"{WEB_DID}#key-1"


# --- every rejection, by scenario ------------------------------------------------------------

Make = Callable[[World], str]
NAN_PAYLOAD = b'{"nbf": NaN}'
DUPLICATE_ALG = b'{"alg":"EdDSA","alg":"none","kid":"x"}'
NOT_CONTROLLED = "embedded key not controlled by issuer"


def _tamper_payload(w: World) -> str:
    head, _, sig = w.token().split(".")
    forged = w.payload()
    forged["vc"]["name"] = "Gold Badge"
    return f"{head}.{segment(forged)}.{sig}"


def _swap_kid(w: World) -> str:
    _, body, sig = w.token().split(".")
    return f"{segment(w.header(kid=f'{WEB_DID}#key-2'))}.{body}.{sig}"


def _flip_signature(w: World) -> str:
    head, body, sig = w.token().split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[10] ^= 0x01
    return f"{head}.{body}.{b64(bytes(raw))}"


def _other_tokens_signature(w: World) -> str:
    head, body, _ = w.token().split(".")
    other = w.token(payload=w.payload(jti="urn:uuid:other")).split(".")[2]
    return f"{head}.{body}.{other}"


ALGORITHM: list[tuple[str, Make, str]] = [  # JwtAlgorithmError: alg is pinned
    ("alg-none", lambda w: forge(w.header(alg="none"), w.payload(), None), "none"),
    ("alg-none-upper-case", lambda w: forge(w.header(alg="NONE"), w.payload(), None), "none"),
    ("hs256-keyed-with-public-jwk", lambda w: w.hmac("HS256", w.public_jwk_bytes()), "HMAC"),
    ("hs256-keyed-with-public-key-bytes", lambda w: w.hmac("HS256", w.public_bytes()), "HMAC"),
    ("hs384-keyed-with-public-key-bytes", lambda w: w.hmac("HS384", w.public_bytes()), "HMAC"),
    ("hs512-keyed-with-public-key-bytes", lambda w: w.hmac("HS512", w.public_bytes()), "HMAC"),
    ("alg-outside-supported-set-ps256", lambda w: w.with_header(alg="PS256"), "not allowed"),
    ("alg-es256-on-ed25519-key", lambda w: w.with_header(alg="ES256"), "does not fit"),
    ("alg-rs256-on-ed25519-key", lambda w: w.with_header(alg="RS256"), "does not fit"),
]
KEY: list[tuple[str, Make, str]] = [  # JwtKeyError: the key comes from the DID document only
    ("kid-missing", lambda w: w.with_header(kid=DROP), "no 'kid'"),
    ("kid-missing-jwk-instead", lambda w: w.by_stranger(kid=DROP, jwk=w.stranger_jwk()), "kid"),
    ("jwk-names-strangers-key", lambda w: w.by_stranger(jwk=w.stranger_jwk()), NOT_CONTROLLED),
    ("jwk-with-private-d", lambda w: w.with_header(jwk=w.keys["key-1"].to_private_jwk()), "'d'"),
    ("x5c-strangers-certificate", lambda w: w.by_stranger(x5c=w.stranger_cert()), NOT_CONTROLLED),
    ("x5c-not-a-certificate", lambda w: w.with_header(x5c=["bm90IGEgY2VydA=="]), "x5c"),
    ("jku-header", lambda w: w.with_header(jku="https://evil.example/jwks.json"), "jku"),
    ("x5u-header", lambda w: w.with_header(x5u="https://evil.example/cert.pem"), "x5u"),
    ("kid-only-in-authentication", lambda w: w.by_own_key("key-auth"), "assertionMethod"),
    ("kid-not-in-did-document", lambda w: w.with_header(kid=f"{WEB_DID}#key-9"), "not in the"),
    ("kid-bare-did", lambda w: w.with_header(kid=WEB_DID), "names a DID"),
]
ISSUER: list[tuple[str, Make, str]] = [  # JwtIssuerMismatchError: the key must be the issuer's
    ("kid-of-strangers-did", lambda w: w.by_stranger(kid=w.stranger_kid), f"not of {WEB_DID}"),
    ("iss-names-someone-else", lambda w: w.with_claims(iss=w.stranger_did), "not the credential"),
    ("vc-jose-cose-iss-differs", lambda w: w.jose(iss=w.stranger_did), "not the credential"),
    ("relative-kid-strangers-iss", lambda w: w.relative_kid_of_stranger(), "not the credential"),
    ("kid-with-path", lambda w: w.with_header(kid=f"{WEB_DID}/path#key-1"), "not of did:web"),
    (
        "kid-https-url-of-another",
        lambda w: w.with_header(kid="https://other.example/k#1"),
        "not of",
    ),
]
SIGNATURE: list[tuple[str, Make, str]] = [  # InvalidSignatureError
    ("signed-by-stranger-with-issuers-kid", lambda w: w.by_stranger(), "does not verify"),
    ("payload-tampered", _tamper_payload, "does not verify"),
    ("kid-swapped-to-other-issuer-key", _swap_kid, "does not verify"),
    ("signature-bit-flipped", _flip_signature, "does not verify"),
    ("signature-of-another-token", _other_tokens_signature, "does not verify"),
    ("signature-empty", lambda w: w.token().rsplit(".", 1)[0] + ".", "does not verify"),
]
CLAIMS: list[tuple[str, Make, str]] = [  # JwtClaimsError: the claims are the credential's
    ("expired", lambda w: w.signed(validUntil="2025-01-01T00:00:00Z"), "expired"),
    ("not-yet-valid", lambda w: w.signed(validFrom="2026-01-01T00:00:00Z"), "not valid before"),
    ("ob3-iss-missing", lambda w: w.with_claims(iss=DROP), "'iss'"),
    ("ob3-sub-missing", lambda w: w.with_claims(sub=DROP), "'sub'"),
    ("ob3-sub-differs", lambda w: w.with_claims(sub="did:example:someone-else"), "'sub'"),
    ("ob3-jti-missing", lambda w: w.with_claims(jti=DROP), "'jti'"),
    ("ob3-jti-differs", lambda w: w.with_claims(jti="urn:uuid:other"), "'jti'"),
    ("ob3-nbf-missing", lambda w: w.with_claims(nbf=DROP), "'nbf'"),
    ("ob3-nbf-differs-from-validFrom", lambda w: w.with_claims(nbf=1262304001), "'nbf'"),
    ("ob3-exp-missing-but-validUntil", lambda w: w.with_claims(exp=DROP), "no 'exp'"),
    ("ob3-exp-differs-from-validUntil", lambda w: w.with_claims(exp=1893456001), "'exp'"),
    ("nbf-not-a-number", lambda w: w.with_claims(nbf="2010-01-01T00:00:00Z"), "NumericDate"),
    ("iat-boolean", lambda w: w.with_claims(iat=True), "NumericDate"),
    ("credential-without-issuer", lambda w: w.with_claims(vc=w.anonymous()), "no issuer id"),
    ("vc-jose-cose-sub-conflicts", lambda w: w.jose(sub="did:example:someone-else"), "'sub'"),
    ("vc-jose-cose-jti-conflicts", lambda w: w.jose(jti="urn:uuid:other"), "'jti'"),
    ("ob3-credential-without-validFrom", lambda w: w.with_claims(vc=w.undated()), "validFrom"),
]
FORMAT: list[tuple[str, Make, str]] = [  # JwtFormatError: well-formed and fully understood
    ("two-segments", lambda w: w.token().rsplit(".", 1)[0], "3 dot-separated"),
    ("four-segments", lambda w: w.token() + ".e30", "3 dot-separated"),
    ("header-not-base64url", lambda w: "!!." + w.after_header(), "base64url"),
    ("header-with-padding", lambda w: segment(w.header()) + "=." + w.after_header(), "base64url"),
    ("header-not-json", lambda w: b64(b"{alg:EdDSA}") + "." + w.after_header(), "JSON"),
    ("header-json-array", lambda w: forge(["EdDSA"], w.payload(), None), "not a JSON object"),
    ("header-duplicate-alg", lambda w: b64(DUPLICATE_ALG) + "." + w.after_header(), "duplicate"),
    ("header-not-utf8", lambda w: b64(b'{"alg":"\xff"}') + "." + w.after_header(), "UTF-8"),
    ("payload-not-json", lambda w: f"{segment(w.header())}.{b64(b'not json')}.AAAA", "JSON"),
    ("payload-with-nan", lambda w: f"{segment(w.header())}.{b64(NAN_PAYLOAD)}.AAAA", "NaN"),
    ("payload-not-a-credential", lambda w: w.token(payload={"iss": WEB_DID}), "not a credential"),
    ("vc-claim-not-an-object", lambda w: w.with_claims(vc="a string"), "'vc' claim"),
    ("vc-claim-in-vc+jwt", lambda w: w.token(w.jose_header(), w.payload()), "must not carry"),
    ("alg-missing", lambda w: w.with_header(alg=DROP), "'alg'"),
    ("crit-header", lambda w: w.with_header(crit=["exp"], exp=1), "critical"),
    ("b64-false-header", lambda w: w.with_header(b64=False), "b64"),
    ("typ-not-a-credential", lambda w: w.with_header(typ="at+jwt"), "typ"),
    ("typ-not-a-string", lambda w: w.with_header(typ=["JWT"]), "typ"),
    ("token-too-long", lambda w: "a" * (jose.MAX_TOKEN_CHARS + 1), "at most"),
]
REJECTED = [
    pytest.param(make, error, fragment, id=case)
    for error, cases in (
        (JwtAlgorithmError, ALGORITHM),
        (JwtKeyError, KEY),
        (JwtIssuerMismatchError, ISSUER),
        (InvalidSignatureError, SIGNATURE),
        (JwtClaimsError, CLAIMS),
        (JwtFormatError, FORMAT),
    )
    for case, make, fragment in cases
]


@pytest.mark.parametrize(("make", "error", "fragment"), REJECTED)
def test_rejected(world: World, make: Make, error: type[VckitError], fragment: str) -> None:
    token = make(world)
    with pytest.raises(error) as caught:
        jose.verify_jwt_vc(token, world.resolver, now=NOW)
    assert type(caught.value) is error
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        pytest.param({"allowed_algs": ("ES256",)}, JwtAlgorithmError, id="eddsa-not-in-allowed"),
        pytest.param({"allowed_algs": ("EdDSA", "HS256")}, JwtAlgorithmError, id="hs256-allowed"),
        pytest.param({"profile": "vc-jose-cose"}, JwtFormatError, id="expected-other-profile"),
        pytest.param({"expected_typ": "vc+jwt"}, JwtFormatError, id="expected-other-typ"),
    ],
)
def test_rejected_by_caller_policy(world: World, options: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        jose.verify_jwt_vc(world.token(), world.resolver, now=NOW, **options)


def test_without_typ_or_vc_claim_the_caller_picks_the_profile(world: World) -> None:
    """typ is optional in both profiles; a bare credential payload is vc-jose-cose unless the
    caller expects an OB 3.0.3 token (credential as payload, claims beside it)."""
    ob3_form = {**world.credential, **ob3_claims(world.credential)}
    token = world.token(world.header(typ=DROP), ob3_form)
    assert jose.verify_jwt_vc(token, world.resolver, now=NOW).profile == "vc-jose-cose"
    assert jose.verify_jwt_vc(token, world.resolver, now=NOW, profile="ob3").profile == "ob3"
    bare = world.token(world.header(typ=DROP), world.jose_payload())
    with pytest.raises(JwtClaimsError, match="'sub'"):
        jose.verify_jwt_vc(bare, world.resolver, now=NOW, profile="ob3")


def test_vc_jose_cose_sub_without_a_subject_id_conflicts_with_nothing(world: World) -> None:
    credential = {**world.credential, "credentialSubject": {"type": ["AchievementSubject"]}}
    payload = {**credential, "iss": WEB_DID, "sub": "did:example:holder"}
    token = world.token(world.jose_header(), payload)
    assert jose.verify_jwt_vc(token, world.resolver, now=NOW).credential == credential


def test_expected_typ_is_compared_as_a_media_type(world: World) -> None:
    token = world.token(world.jose_header(typ="application/VC+JWT"), world.jose_payload())
    result = jose.verify_jwt_vc(token, world.resolver, now=NOW, expected_typ="vc+jwt")
    assert result.profile == "vc-jose-cose"


def test_unresolvable_issuer_is_a_did_error_not_a_verdict(world: World) -> None:
    """Could not check is not 'invalid': DID resolution errors are not JoseErrors."""
    with pytest.raises(DidFetchNotAllowedError):
        jose.verify_jwt_vc(world.token(), DidResolver(), now=NOW)
    with pytest.raises(DidResolutionError) as caught:
        jose.verify_jwt_vc(world.token(), serve({}), now=NOW)
    assert not isinstance(caught.value, JoseError)


# --- the time window as its own check ------------------------------------------------------


def test_check_time_false_reports_the_window_instead_of_raising(world: World) -> None:
    token = world.signed(validUntil="2025-01-01T00:00:00Z")
    result = jose.verify_jwt_vc(token, world.resolver, now=NOW, check_time=False)
    expired_at = datetime(2025, 1, 1, tzinfo=UTC)
    assert result.time_findings == (TimeFinding("exp", expired_at, "expired"),)
    assert str(result.time_findings[0]) == "JWT expired at 2025-01-01T00:00:00+00:00 (exp)"


NBF, EXP = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
WINDOW = {"nbf": int(NBF.timestamp()), "exp": int(EXP.timestamp())}


@pytest.mark.parametrize(
    ("now", "leeway", "problems"),
    [
        pytest.param(NBF - timedelta(seconds=1), 0, ["not-yet-valid"], id="before-nbf"),
        pytest.param(NBF, 0, [], id="at-nbf"),
        pytest.param(EXP - timedelta(seconds=1), 0, [], id="last-second"),
        pytest.param(EXP, 0, ["expired"], id="at-exp"),
        pytest.param(EXP + timedelta(seconds=30), 60, [], id="after-exp-within-leeway"),
        pytest.param(NBF - timedelta(seconds=30), 60, [], id="before-nbf-within-leeway"),
    ],
)
def test_time_window(now: datetime, leeway: int, problems: list[str]) -> None:
    found = time_window(WINDOW, now=now, leeway=timedelta(seconds=leeway))
    assert [finding.problem for finding in found] == problems


def test_time_window_without_claims_holds() -> None:
    assert time_window({}, now=NOW) == ()


# --- signing refuses what could not be verified --------------------------------------------


def test_sign_refuses_kid_of_another_did() -> None:
    issuer = make_issuer("did:key", "Ed25519")
    with pytest.raises(JwtIssuerMismatchError):
        jose.sign_jwt_vc(credential_for("did:web:other.example"), issuer.key, kid=issuer.kid)


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        pytest.param({"credentialSubject": {"type": ["AchievementSubject"]}}, "sub", id="no-sub"),
        pytest.param({"id": DROP}, "jti", id="no-id"),
        pytest.param({"validFrom": DROP, "validUntil": DROP}, "nbf", id="no-validFrom"),
    ],
)
def test_ob3_sign_needs_the_mirrored_fields(changes: dict[str, Any], missing: str) -> None:
    issuer = make_issuer("did:key", "Ed25519")
    with pytest.raises(JwtClaimsError, match=missing):
        jose.sign_jwt_vc(
            credential_for(issuer.did, **changes), issuer.key, kid=issuer.kid, profile="ob3"
        )


def test_vc_jose_cose_sign_refuses_a_vc_member() -> None:
    issuer = make_issuer("did:key", "Ed25519")
    with pytest.raises(JwtClaimsError):
        jose.sign_jwt_vc(credential_for(issuer.did, vc={}), issuer.key, kid=issuer.kid)


# --- peek and credential_from_jwt ----------------------------------------------------------


def test_peek_does_not_verify(world: World) -> None:
    header, payload = jose.peek(forge(world.header(), world.payload(), world.stranger))
    assert header["kid"] == f"{WEB_DID}#key-1"
    assert jose.credential_from_jwt(payload) == world.credential


def test_credential_from_jwt_drops_jwt_layer_claims(world: World) -> None:
    payload = world.jose_payload(iat=1, exp=2, nbf=0, jti=world.credential["id"], cnf={})
    assert jose.credential_from_jwt(payload) == world.credential
