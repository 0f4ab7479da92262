"""Key pairs: generate, sign, verify, and read/write JWK and Multikey.

This is the only module in ``vckit`` that touches private key bytes. Everything else holds a
:class:`KeyPair` (whose ``repr`` never shows the secret) or a :class:`PublicKey`.

Formats and the specs they follow:

* Signatures -- Ed25519: RFC 8032 section 5.1.6 (64 bytes). ECDSA: IEEE P1363 ``r || s``, each
  integer left-padded to the curve size (RFC 7518 section 3.4; vc-di-ecdsa uses the same form),
  over SHA-256 (P-256), SHA-384 (P-384) or SHA-512 (P-521). RSA: RSASSA-PKCS1-v1_5 with
  SHA-256 (RFC 7518 3.3).
* JWK -- RFC 7517; key types from RFC 7518 section 6 (EC, RSA) and RFC 8037 section 2 (OKP).
* Multikey -- W3C Controlled Identifiers 1.0, section 2.2.2 "Multikey": ``z`` + base58btc of an
  unsigned-varint multicodec header and the key bytes; EC public keys are compressed (SEC 1
  section 2.3.3). Codes from the multiformats table: ed25519-pub 0xed, p256-pub 0x1200,
  p384-pub 0x1201, p521-pub 0x1202, ed25519-priv 0x1300, p256-priv 0x1306, p384-priv 0x1307,
  p521-priv 0x1308. P-521 (ES512) is for JOSE and COSE: no Data Integrity cryptosuite takes it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from vckit.errors import InputError, KeyFormatError
from vckit.keys import multibase, multicodec

KeyKind = Literal["Ed25519", "P-256", "P-384", "P-521", "RSA"]

_PublicObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
_PrivateObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

RSA_MIN_BITS = 2048


@dataclass(frozen=True)
class _Curve:
    """What differs between the NIST curves (RFC 7518 sections 3.4 and 6.2.1.1)."""

    curve: type[ec.EllipticCurve]
    size: int  # bytes per coordinate / scalar
    hash: type[hashes.HashAlgorithm]


_CURVES: dict[str, _Curve] = {
    "P-256": _Curve(ec.SECP256R1, 32, hashes.SHA256),
    "P-384": _Curve(ec.SECP384R1, 48, hashes.SHA384),
    "P-521": _Curve(ec.SECP521R1, 66, hashes.SHA512),
}
_ECDSA = {kind: ec.ECDSA(curve.hash()) for kind, curve in _CURVES.items()}
"""The signature algorithm of each curve, built once (immutable; one per verification was
measurable in a verification report)."""
_CURVE_KINDS: dict[str, KeyKind] = {
    "secp256r1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
}
JWS_ALG: dict[KeyKind, str] = {
    "Ed25519": "EdDSA",  # RFC 8037 §3.1
    "P-256": "ES256",  # RFC 7518 §3.4
    "P-384": "ES384",
    "P-521": "ES512",
    "RSA": "RS256",  # RFC 7518 §3.3
}
"""The one JWS ``alg`` vckit signs and verifies with for each key kind."""
# A JWK "alg" member must be one of these (RFC 7517 4.4); for Ed25519 also the
# fully-specified name "Ed25519".
_JWK_ALGS: dict[KeyKind, frozenset[str]] = {kind: frozenset({alg}) for kind, alg in JWS_ALG.items()}
_JWK_ALGS["Ed25519"] = frozenset({"EdDSA", "Ed25519"})
_PUBLIC_CODECS: dict[int, KeyKind] = {
    multicodec.ED25519_PUB: "Ed25519",
    multicodec.P256_PUB: "P-256",
    multicodec.P384_PUB: "P-384",
    multicodec.P521_PUB: "P-521",
}
_SECRET_CODECS: dict[int, KeyKind] = {
    multicodec.ED25519_PRIV: "Ed25519",
    multicodec.P256_PRIV: "P-256",
    multicodec.P384_PRIV: "P-384",
    multicodec.P521_PRIV: "P-521",
}


def _split_multicodec(value: str, what: str) -> tuple[int, bytes]:
    """Read a Multikey value: require the ``z`` prefix, return (codec, key bytes)."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyFormatError(f"{what}: a Multikey value must be base58btc ('z' prefix)")
    try:
        return multicodec.split(multibase.decode(value))
    except InputError as exc:
        raise KeyFormatError(f"{what}: {exc}") from exc


def _int_bytes(value: int, size: int | None = None) -> bytes:
    return value.to_bytes(size or max(1, (value.bit_length() + 7) // 8), "big")


# --- JWK member readers (RFC 7517 section 4, RFC 7518 section 2 "Base64urlUInt") ------------


def _member(jwk: Mapping[str, Any], name: str) -> str:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    return value


def _octets(jwk: Mapping[str, Any], name: str, size: int) -> bytes:
    """A fixed-length member: RFC 7518 6.2.1.2/6.2.2.1 and RFC 8037 section 2 fix the length."""
    try:
        data = multibase.base64url_nopad_decode(_member(jwk, name))
    except InputError as exc:
        raise KeyFormatError(f"JWK member {name!r}: {exc}") from exc
    if len(data) != size:
        raise KeyFormatError(f"JWK member {name!r} must be {size} bytes, got {len(data)}")
    return data


def _uint(jwk: Mapping[str, Any], name: str) -> int:
    """A Base64urlUInt (RFC 7518 section 2): minimal octets, no leading zero byte."""
    try:
        data = multibase.base64url_nopad_decode(_member(jwk, name))
    except InputError as exc:
        raise KeyFormatError(f"JWK member {name!r}: {exc}") from exc
    if not data or (len(data) > 1 and data[0] == 0):
        raise KeyFormatError(f"JWK member {name!r} is not a minimal unsigned integer")
    return int.from_bytes(data, "big")


def _check_use(jwk: Mapping[str, Any], kind: KeyKind) -> None:
    """RFC 7517 4.2/4.4: a signing key must not be marked for encryption or another alg."""
    if "use" in jwk and jwk["use"] != "sig":
        raise KeyFormatError(f"JWK 'use' is {jwk['use']!r}; only 'sig' keys are accepted")
    if "alg" in jwk and jwk["alg"] not in _JWK_ALGS[kind]:
        raise KeyFormatError(f"JWK 'alg' {jwk['alg']!r} does not fit a {kind} key")


@dataclass(frozen=True, repr=False)
class PublicKey:
    """A public key. ``encoded`` is its canonical byte form (Ed25519 raw 32 bytes, EC SEC 1
    compressed point, RSA DER SubjectPublicKeyInfo); equality and hashing use it."""

    kind: KeyKind
    encoded: bytes
    _key: _PublicObject = field(compare=False, hash=False)

    @staticmethod
    def _of(key: _PublicObject) -> PublicKey:
        if isinstance(key, ed25519.Ed25519PublicKey):
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return PublicKey("Ed25519", raw, key)
        if isinstance(key, ec.EllipticCurvePublicKey):
            kind = _CURVE_KINDS.get(key.curve.name)
            if kind is None:
                raise KeyFormatError(f"unsupported EC curve {key.curve.name} (P-256, P-384, P-521)")
            point = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return PublicKey(kind, point, key)
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return PublicKey("RSA", der, key)

    def __repr__(self) -> str:
        if self.kind == "RSA":
            return f"PublicKey(RSA-{self._rsa().key_size})"
        return f"PublicKey({self.kind}, {self.to_multibase()})"

    def _rsa(self) -> rsa.RSAPublicKey:
        if not isinstance(self._key, rsa.RSAPublicKey):  # pragma: no cover - guarded by kind
            raise KeyFormatError("not an RSA key")
        return self._key

    @property
    def default_jws_alg(self) -> str:
        """The JWS ``alg`` for this key (RFC 7518 section 3.1, RFC 8037 section 3.1)."""
        return JWS_ALG[self.kind]

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True iff ``signature`` (format in the module docstring) is valid for ``message``.
        A signature of the wrong length is simply invalid, never an exception."""
        key, kind = self._key, self.kind
        try:  # by kind, which names the key's class (_of): cryptography's are ABCs, slow to test
            if kind == "Ed25519":
                if len(signature) != 64:
                    return False
                cast(ed25519.Ed25519PublicKey, key).verify(bytes(signature), message)
            elif kind in _CURVES:
                curve = _CURVES[kind]
                if len(signature) != 2 * curve.size:
                    return False
                r = int.from_bytes(signature[: curve.size], "big")
                s = int.from_bytes(signature[curve.size :], "big")
                cast(ec.EllipticCurvePublicKey, key).verify(
                    encode_dss_signature(r, s), message, _ECDSA[kind]
                )
            else:
                key = cast(rsa.RSAPublicKey, key)
                if len(signature) != (key.key_size + 7) // 8:
                    return False
                key.verify(bytes(signature), message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def to_jwk(self) -> dict[str, str]:
        """The public JWK: OKP (RFC 8037 2), EC (RFC 7518 6.2.1), RSA (RFC 7518 6.3.1)."""
        key = self._key
        b64 = multibase.base64url_nopad_encode
        if isinstance(key, ed25519.Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": b64(self.encoded)}
        if isinstance(key, ec.EllipticCurvePublicKey):
            numbers, size = key.public_numbers(), _CURVES[self.kind].size
            return {
                "kty": "EC",
                "crv": self.kind,
                "x": b64(_int_bytes(numbers.x, size)),
                "y": b64(_int_bytes(numbers.y, size)),
            }
        rsa_numbers = key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64(_int_bytes(rsa_numbers.n)),
            "e": b64(_int_bytes(rsa_numbers.e)),
        }

    def to_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (CID 1.0 section 2.2.2); RSA has none here."""
        for code, kind in _PUBLIC_CODECS.items():
            if kind == self.kind:
                return multibase.encode(multicodec.varint(code) + self.encoded, "base58btc")
        raise KeyFormatError("RSA keys have no Multikey encoding in vckit (use JWK)")

    @staticmethod
    def from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
        """Read a public JWK (a private member ``d`` is ignored). Unknown ``kty``/``crv``,
        wrong member lengths, points off the curve and RSA under 2048 bits -> KeyFormatError.

        A public JWK whose members are all strings is read once: the last 1,024 are kept,
        keyed on every member name and value (so two keys with the same ``kid``, or one key
        with another ``use``, are never confused); only keys that were read are kept, never
        an error, and never a JWK with a private member. Building the key object (and
        checking the point is on the curve) was a tenth of the key binding checks of an
        SD-JWT presentation's verification report (the holder's ``cnf`` key)."""
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("a JWK must be a JSON object")
        items = jwk.items()
        if _PRIVATE_MEMBERS.isdisjoint(jwk.keys()) and all(
            type(name) is str and type(value) is str for name, value in items
        ):
            return _public_from_jwk(tuple(sorted(items)))
        return PublicKey._read_jwk(jwk)

    @staticmethod
    def _read_jwk(jwk: Mapping[str, Any]) -> PublicKey:
        kty = _member(jwk, "kty")
        key: _PublicObject
        if kty == "OKP":
            if _member(jwk, "crv") != "Ed25519":
                raise KeyFormatError(f"unsupported OKP curve {jwk['crv']!r} (only Ed25519)")
            key = ed25519.Ed25519PublicKey.from_public_bytes(_octets(jwk, "x", 32))
        elif kty == "EC":
            curve = _CURVES.get(_member(jwk, "crv"))
            if curve is None:
                raise KeyFormatError(f"unsupported EC curve {jwk['crv']!r} (P-256, P-384, P-521)")
            x = int.from_bytes(_octets(jwk, "x", curve.size), "big")
            y = int.from_bytes(_octets(jwk, "y", curve.size), "big")
            try:
                key = ec.EllipticCurvePublicNumbers(x, y, curve.curve()).public_key()
            except ValueError as exc:
                raise KeyFormatError(f"EC JWK point is not on {jwk['crv']}") from exc
        elif kty == "RSA":
            n, e = _uint(jwk, "n"), _uint(jwk, "e")
            if n.bit_length() < RSA_MIN_BITS:
                raise KeyFormatError(f"RSA key has {n.bit_length()} bits; at least 2048 needed")
            if e < 3 or e % 2 == 0:
                raise KeyFormatError("RSA public exponent must be odd and at least 3")
            key = rsa.RSAPublicNumbers(e, n).public_key()
        else:
            raise KeyFormatError(f"unsupported JWK kty {kty!r} (OKP, EC, RSA)")
        public = PublicKey._of(key)
        _check_use(jwk, public.kind)
        return public

    @staticmethod
    def from_multibase(value: str) -> PublicKey:
        """Read a Multikey ``publicKeyMultibase`` (CID 1.0 section 2.2.2)."""
        code, data = _split_multicodec(value, "publicKeyMultibase")
        kind = _PUBLIC_CODECS.get(code)
        if kind is None:
            raise KeyFormatError(f"publicKeyMultibase: unsupported multicodec 0x{code:x}")
        if kind == "Ed25519":
            if len(data) != 32:
                raise KeyFormatError(f"Ed25519 public key must be 32 bytes, got {len(data)}")
            return PublicKey._of(ed25519.Ed25519PublicKey.from_public_bytes(data))
        curve = _CURVES[kind]
        if len(data) != curve.size + 1 or data[0] not in (2, 3):
            raise KeyFormatError(
                f"{kind} public key must be a compressed point ({curve.size + 1} B)"
            )
        try:
            return PublicKey._of(ec.EllipticCurvePublicKey.from_encoded_point(curve.curve(), data))
        except ValueError as exc:
            raise KeyFormatError(f"{kind} public key is not a point on the curve") from exc


_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
"""JWK members of private keys (RFC 7518 §6.2.2, §6.3.2, §6.4): never kept in a cache."""


@functools.lru_cache(maxsize=1024)
def _public_from_jwk(members: tuple[tuple[str, str], ...]) -> PublicKey:
    """:meth:`PublicKey.from_jwk` of a JWK of string members, given as its sorted items."""
    return PublicKey._read_jwk(dict(members))


@dataclass(frozen=True, repr=False)
class KeyPair:
    """A private key and its public half. ``repr``/``str`` show the public key only."""

    public: PublicKey
    _private: _PrivateObject = field(compare=False, hash=False)

    def __repr__(self) -> str:
        return f"KeyPair({self.public!r}, secret=<hidden>)"

    @staticmethod
    def _of(private: _PrivateObject) -> KeyPair:
        return KeyPair(PublicKey._of(private.public_key()), private)

    @staticmethod
    def generate(kind: KeyKind, *, rsa_bits: int = RSA_MIN_BITS) -> KeyPair:
        """A fresh key pair from the operating system's random source."""
        if kind == "Ed25519":
            return KeyPair._of(ed25519.Ed25519PrivateKey.generate())
        if kind in _CURVES:
            return KeyPair._of(ec.generate_private_key(_CURVES[kind].curve()))
        if kind == "RSA":
            if rsa_bits < RSA_MIN_BITS:
                raise KeyFormatError(f"RSA keys must have at least {RSA_MIN_BITS} bits")
            return KeyPair._of(rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits))
        raise KeyFormatError(f"unsupported key kind {kind!r}")

    def sign(self, message: bytes) -> bytes:
        """Sign ``message``; the format is the one :meth:`PublicKey.verify` reads."""
        key = self._private
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(message)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            curve = _CURVES[self.public.kind]
            r, s = decode_dss_signature(key.sign(message, ec.ECDSA(curve.hash())))
            return _int_bytes(r, curve.size) + _int_bytes(s, curve.size)
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def _secret_bytes(self) -> bytes:
        key = self._private
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return _int_bytes(key.private_numbers().private_value, _CURVES[self.public.kind].size)
        raise KeyFormatError("RSA keys have no Multikey encoding in vckit (use JWK)")

    def to_private_jwk(self) -> dict[str, str]:
        """The private JWK (RFC 8037 2, RFC 7518 6.2.2 and 6.3.2, with all CRT members)."""
        jwk = self.public.to_jwk()
        key, b64 = self._private, multibase.base64url_nopad_encode
        if isinstance(key, rsa.RSAPrivateKey):
            numbers = key.private_numbers()
            members = {"d": numbers.d, "p": numbers.p, "q": numbers.q, "dp": numbers.dmp1}
            members |= {"dq": numbers.dmq1, "qi": numbers.iqmp}
            jwk |= {name: b64(_int_bytes(value)) for name, value in members.items()}
        else:
            jwk["d"] = b64(self._secret_bytes())
        return jwk

    def to_secret_multibase(self) -> str:
        """Multikey ``secretKeyMultibase`` (CID 1.0 section 2.2.2): Ed25519 seed / EC scalar."""
        secret = self._secret_bytes()  # RSA -> KeyFormatError
        code = next(c for c, kind in _SECRET_CODECS.items() if kind == self.public.kind)
        return multibase.encode(multicodec.varint(code) + secret, "base58btc")

    @staticmethod
    def from_private_jwk(jwk: Mapping[str, Any]) -> KeyPair:
        """Read a private JWK; the private member must match the public members."""
        public = PublicKey.from_jwk(jwk)
        private: _PrivateObject
        try:
            if public.kind == "Ed25519":
                private = ed25519.Ed25519PrivateKey.from_private_bytes(_octets(jwk, "d", 32))
            elif public.kind in _CURVES:
                curve = _CURVES[public.kind]
                d = int.from_bytes(_octets(jwk, "d", curve.size), "big")
                private = ec.derive_private_key(d, curve.curve())
            else:
                private = _rsa_private(jwk, public)
        except ValueError as exc:
            raise KeyFormatError(f"private {public.kind} JWK is invalid") from exc
        pair = KeyPair._of(private)
        if pair.public != public:
            raise KeyFormatError(f"private {public.kind} JWK: 'd' does not match the public key")
        return pair

    @staticmethod
    def from_multibase(public_multibase: str, secret_multibase: str) -> KeyPair:
        """Read a Multikey pair (the W3C vectors' publicKeyMultibase + secretKeyMultibase).
        An Ed25519 secret may be the 32-byte seed or seed || public key (64 bytes)."""
        public = PublicKey.from_multibase(public_multibase)
        code, data = _split_multicodec(secret_multibase, "secretKeyMultibase")
        if _SECRET_CODECS.get(code) != public.kind:
            raise KeyFormatError(f"secretKeyMultibase codec 0x{code:x} is not a {public.kind} key")
        private: _PrivateObject
        if public.kind == "Ed25519":
            if len(data) == 64 and data[32:] == public.encoded:
                data = data[:32]
            if len(data) != 32:
                raise KeyFormatError("Ed25519 secret key must be a 32-byte seed")
            private = ed25519.Ed25519PrivateKey.from_private_bytes(data)
        else:
            curve = _CURVES[public.kind]
            if len(data) != curve.size:
                raise KeyFormatError(f"{public.kind} secret key must be {curve.size} bytes")
            try:
                private = ec.derive_private_key(int.from_bytes(data, "big"), curve.curve())
            except ValueError as exc:
                raise KeyFormatError(f"{public.kind} secret key is out of range") from exc
        pair = KeyPair._of(private)
        if pair.public != public:
            raise KeyFormatError("secretKeyMultibase does not match publicKeyMultibase")
        return pair


def _rsa_private(jwk: Mapping[str, Any], public: PublicKey) -> rsa.RSAPrivateKey:
    """RFC 7518 6.3.2: d, and either all of p q dp dq qi or none (then they are recovered)."""
    if "oth" in jwk:
        raise KeyFormatError("multi-prime RSA JWKs ('oth') are not supported")
    numbers = public._rsa().public_numbers()
    d = _uint(jwk, "d")
    crt = ("p", "q", "dp", "dq", "qi")
    present = [name for name in crt if name in jwk]
    if present and len(present) != len(crt):
        raise KeyFormatError("RSA JWK must carry all of p, q, dp, dq, qi or none of them")
    if present:
        p, q, dp, dq, qi = (_uint(jwk, name) for name in crt)
    else:
        p, q = rsa.rsa_recover_prime_factors(numbers.n, numbers.e, d)
        dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, numbers).private_key()
