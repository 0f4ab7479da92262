"""Keys: generate, sign/verify, JWK and Multikey in and out, W3C key vectors, bad keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

import pytest
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from tests.paths import VECTORS
from vckit.errors import KeyFormatError
from vckit.keys import multibase
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey, _public_from_jwk

VECTORS = VECTORS / "keys"
KINDS: tuple[KeyKind, ...] = get_args(KeyKind)
MULTIKEY_KINDS: tuple[KeyKind, ...] = ("Ed25519", "P-256", "P-384", "P-521")
SIGNATURE_LENGTH = {"Ed25519": 64, "P-256": 64, "P-384": 96, "P-521": 132, "RSA": 256}


@cache
def pair(kind: KeyKind) -> KeyPair:
    """One generated pair per kind for the whole module (RSA generation is slow)."""
    return KeyPair.generate(kind)


def load(case: str, name: str) -> Any:
    text = (VECTORS / case / name).read_text()
    return json.loads(text) if name.endswith(".json") else text.strip()


# --- sign / verify ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_sign_verify_round_trip(kind: KeyKind) -> None:
    key = pair(kind)
    signature = key.sign(b"message")
    assert len(signature) == SIGNATURE_LENGTH[kind]
    assert key.public.verify(signature, b"message")


@pytest.mark.parametrize("kind", KINDS)
def test_tampered_message_fails(kind: KeyKind) -> None:
    key = pair(kind)
    assert not key.public.verify(key.sign(b"message"), b"messagE")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("position", [0, -1], ids=["first-byte", "last-byte"])
def test_tampered_signature_fails(kind: KeyKind, position: int) -> None:
    key = pair(kind)
    signature = bytearray(key.sign(b"message"))
    signature[position] ^= 0x01
    assert not key.public.verify(bytes(signature), b"message")


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_key_fails(kind: KeyKind) -> None:
    other = KeyPair.generate(kind)
    assert not other.public.verify(pair(kind).sign(b"message"), b"message")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "change",
    [lambda s: s[:-1], lambda s: s + b"\0", lambda s: b"", lambda s: s + s],
    ids=["truncated", "extended", "empty", "doubled"],
)
def test_wrong_length_signature_is_false_not_error(kind: KeyKind, change: Any) -> None:
    key = pair(kind)
    assert key.public.verify(change(key.sign(b"message")), b"message") is False


@pytest.mark.parametrize("kind", ["P-256", "P-384"])
def test_ecdsa_der_signature_is_rejected(kind: KeyKind) -> None:
    """Signatures are IEEE P1363 r||s; an ASN.1 DER signature of the same (r, s) is not one."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    key = pair(kind)
    raw = key.sign(b"message")
    half = len(raw) // 2
    der = encode_dss_signature(int.from_bytes(raw[:half]), int.from_bytes(raw[half:]))
    assert not key.public.verify(der, b"message")


@pytest.mark.parametrize("kind", ["P-256", "P-384"])
def test_ecdsa_zero_signature_fails(kind: KeyKind) -> None:
    assert not pair(kind).public.verify(bytes(SIGNATURE_LENGTH[kind]), b"message")


@pytest.mark.parametrize(
    ("kind", "alg"),
    [
        ("Ed25519", "EdDSA"),
        ("P-256", "ES256"),
        ("P-384", "ES384"),
        ("P-521", "ES512"),
        ("RSA", "RS256"),
    ],
)
def test_default_jws_alg(kind: KeyKind, alg: str) -> None:
    assert pair(kind).public.default_jws_alg == alg


# --- interop with an independent JOSE implementation (jwcrypto) --------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_signatures_interoperate_with_jwcrypto(kind: KeyKind) -> None:
    """Our signature format is the JWS one (RFC 7518 3.3/3.4, RFC 8037 3.1): jwcrypto verifies
    ours, and we verify jwcrypto's, over the same JWS signing input."""
    key = pair(kind)
    theirs = jwcrypto_jwk.JWK(**key.to_private_jwk())
    header = multibase.base64url_nopad_encode(
        json.dumps({"alg": key.public.default_jws_alg}).encode()
    )
    payload = multibase.base64url_nopad_encode(b'{"hello":"world"}')
    signing_input = f"{header}.{payload}".encode()

    ours = multibase.base64url_nopad_encode(key.sign(signing_input))
    token = jwcrypto_jws.JWS()
    token.deserialize(f"{header}.{payload}.{ours}", theirs)  # raises if invalid

    signed = jwcrypto_jws.JWS(b'{"hello":"world"}')
    signed.add_signature(theirs, None, {"alg": key.public.default_jws_alg})
    their_header, their_payload, their_sig = signed.serialize(compact=True).split(".")
    assert key.public.verify(
        multibase.base64url_nopad_decode(their_sig), f"{their_header}.{their_payload}".encode()
    )


# --- JWK --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_public_jwk_round_trip(kind: KeyKind) -> None:
    public = pair(kind).public
    jwk = public.to_jwk()
    assert "d" not in jwk
    assert PublicKey.from_jwk(jwk) == public
    assert PublicKey.from_jwk(jwk).to_jwk() == jwk


@pytest.mark.parametrize("kind", KINDS)
def test_private_jwk_round_trip(kind: KeyKind) -> None:
    key = pair(kind)
    jwk = key.to_private_jwk()
    again = KeyPair.from_private_jwk(jwk)
    assert again.public == key.public
    assert key.public.verify(again.sign(b"m"), b"m")
    assert PublicKey.from_jwk(jwk) == key.public  # private members are ignored here


def test_private_jwk_members_have_fixed_lengths() -> None:
    """RFC 7518 6.2.1.2 / 6.2.2.1 and RFC 8037 2: EC x, y, d and OKP x, d are full length."""
    for kind, size in [("Ed25519", 32), ("P-256", 32), ("P-384", 48)]:
        jwk = pair(kind).to_private_jwk()
        for member in ("x", "y", "d"):
            if member in jwk:
                assert len(multibase.base64url_nopad_decode(jwk[member])) == size


def test_rsa_private_jwk_without_crt_members() -> None:
    """RFC 7518 6.3.2: p, q, dp, dq, qi are optional; the primes are recovered from n, e, d."""
    key = pair("RSA")
    jwk = {name: value for name, value in key.to_private_jwk().items() if name in "kty n e d"}
    assert KeyPair.from_private_jwk(jwk).to_private_jwk() == key.to_private_jwk()


def test_jwk_extra_members_are_allowed() -> None:
    jwk = pair("P-256").public.to_jwk() | {"kid": "did:example:1#k", "use": "sig", "alg": "ES256"}
    assert PublicKey.from_jwk(jwk) == pair("P-256").public


def jwk_of(kind: KeyKind, **changes: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = dict(pair(kind).public.to_jwk())
    for name, value in changes.items():
        if value is None:
            del jwk[name]
        else:
            jwk[name] = value
    return jwk


def _off_curve_y() -> str:
    jwk = pair("P-256").public.to_jwk()
    y = bytearray(multibase.base64url_nopad_decode(jwk["y"]))
    y[-1] ^= 0x01
    return multibase.base64url_nopad_encode(bytes(y))


def _b64(data: bytes) -> str:
    return multibase.base64url_nopad_encode(data)


BAD_PUBLIC_JWKS: dict[str, Callable[[], Any]] = {
    "not-an-object": lambda: ["kty", "OKP"],
    "no-kty": lambda: jwk_of("Ed25519", kty=None),
    "kty-not-string": lambda: jwk_of("Ed25519", kty=1),
    "unknown-kty-oct": lambda: {"kty": "oct", "k": _b64(b"secret")},
    "okp-x25519": lambda: jwk_of("Ed25519", crv="X25519"),
    "okp-ed448": lambda: jwk_of("Ed25519", crv="Ed448"),
    "okp-x-31-bytes": lambda: jwk_of("Ed25519", x=_b64(b"\1" * 31)),
    "okp-x-padded": lambda: jwk_of("Ed25519", x=pair("Ed25519").public.to_jwk()["x"] + "="),
    "okp-x-standard-base64": lambda: jwk_of("Ed25519", x="+" * 43),
    "ec-secp256k1": lambda: jwk_of("P-256", crv="secp256k1"),
    "ec-missing-y": lambda: jwk_of("P-256", y=None),
    "ec-x-short": lambda: jwk_of("P-256", x=_b64(b"\1" * 31)),
    "ec-p384-coordinates-on-p256": lambda: jwk_of("P-384", crv="P-256"),
    "ec-point-not-on-curve": lambda: jwk_of("P-256", y=_off_curve_y()),
    "rsa-1024-bits": lambda: {"kty": "RSA", "n": _b64(b"\xc1" + b"\1" * 127), "e": "AQAB"},
    "rsa-leading-zero-n": lambda: jwk_of("RSA", n="AA" + jwk_of("RSA")["n"]),
    "rsa-even-exponent": lambda: jwk_of("RSA", e=_b64(b"\1\0\0")),
    "alg-mismatch": lambda: jwk_of("P-256", alg="ES384"),
    "use-enc": lambda: jwk_of("Ed25519", use="enc"),
}


@pytest.mark.parametrize("case", BAD_PUBLIC_JWKS)
def test_bad_public_jwk(case: str) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_jwk(BAD_PUBLIC_JWKS[case]())


# --- public JWKs are read once (keypair._public_from_jwk) -----------------------------------


def test_keys_with_the_same_kid_are_never_confused() -> None:
    """The kept keys are keyed on every member: another key under the same kid is read as
    itself, and each verifies its own signature only."""
    first, second = KeyPair.generate("P-256"), KeyPair.generate("P-256")
    kid = {"kid": "did:example:holder#key-1", "alg": "ES256"}
    for _ in range(2):  # the second round reads both from what was kept
        read_first = PublicKey.from_jwk(first.public.to_jwk() | kid)
        read_second = PublicKey.from_jwk(second.public.to_jwk() | kid)
        assert (read_first, read_second) == (first.public, second.public)
        assert read_second.verify(second.sign(b"m"), b"m")
        assert not read_second.verify(first.sign(b"m"), b"m")


@pytest.mark.parametrize(
    "change",
    [{"use": "enc"}, {"alg": "ES384"}, {"y": _off_curve_y()}, {"crv": "P-384"}],
    ids=["use-enc", "other-alg", "off-curve", "other-crv"],
)
def test_a_kept_key_never_answers_for_a_jwk_that_differs(change: dict[str, str]) -> None:
    """A JWK read once and then changed in one member is read again, and refused."""
    jwk = pair("P-256").public.to_jwk() | {"kid": "k"}
    assert PublicKey.from_jwk(jwk) == pair("P-256").public
    for _ in range(2):  # errors are never kept either
        with pytest.raises(KeyFormatError):
            PublicKey.from_jwk(jwk | change)


def test_a_private_jwk_is_never_kept() -> None:
    """Reading the public half of a private JWK does not go through the cache, so no
    secret is kept; the same JWK without ``d`` does."""
    private = KeyPair.generate("P-256").to_private_jwk()
    public = {name: private[name] for name in ("kty", "crv", "x", "y")}
    before = _public_from_jwk.cache_info()
    assert PublicKey.from_jwk(private).to_jwk() == public
    assert _public_from_jwk.cache_info() == before
    PublicKey.from_jwk(public)
    assert _public_from_jwk.cache_info().misses == before.misses + 1


def private_jwk_of(kind: KeyKind, **changes: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = dict(pair(kind).to_private_jwk())
    for name, value in changes.items():
        if value is None:
            del jwk[name]
        else:
            jwk[name] = value
    return jwk


BAD_PRIVATE_JWKS: dict[str, Callable[[], dict[str, Any]]] = {
    "ed25519-no-d": lambda: private_jwk_of("Ed25519", d=None),
    "ed25519-d-of-other-key": lambda: private_jwk_of(
        "Ed25519", d=KeyPair.generate("Ed25519").to_private_jwk()["d"]
    ),
    "ed25519-d-33-bytes": lambda: private_jwk_of("Ed25519", d=_b64(b"\1" * 33)),
    "p256-d-of-other-key": lambda: private_jwk_of(
        "P-256", d=KeyPair.generate("P-256").to_private_jwk()["d"]
    ),
    "p256-d-31-bytes": lambda: private_jwk_of("P-256", d=_b64(b"\1" * 31)),
    "p256-d-zero": lambda: private_jwk_of("P-256", d=_b64(bytes(32))),
    "p384-d-too-large": lambda: private_jwk_of("P-384", d=_b64(b"\xff" * 48)),
    "rsa-partial-crt": lambda: private_jwk_of("RSA", qi=None),
    "rsa-wrong-d": lambda: private_jwk_of("RSA", d=_b64(b"\1\2\3")),
    "rsa-multi-prime": lambda: private_jwk_of("RSA", oth=[]),
}


@pytest.mark.parametrize("case", BAD_PRIVATE_JWKS)
def test_bad_private_jwk(case: str) -> None:
    with pytest.raises(KeyFormatError):
        KeyPair.from_private_jwk(BAD_PRIVATE_JWKS[case]())


# --- Multikey ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "public_header", "secret_header", "public_length"),
    [
        ("Ed25519", b"\xed\x01", b"\x80\x26", 32),
        ("P-256", b"\x80\x24", b"\x86\x26", 33),
        ("P-384", b"\x81\x24", b"\x87\x26", 49),
        ("P-521", b"\x82\x24", b"\x88\x26", 67),
    ],
)
def test_multikey_headers(
    kind: KeyKind, public_header: bytes, secret_header: bytes, public_length: int
) -> None:
    """Multicodec varints: ed25519-pub 0xed, p256-pub 0x1200, p384-pub 0x1201, ed25519-priv
    0x1300, p256-priv 0x1306, p384-priv 0x1307; EC public keys are compressed points."""
    key = pair(kind)
    public = multibase.decode(key.public.to_multibase())
    assert public[:2] == public_header
    assert len(public) == 2 + public_length
    assert multibase.decode(key.to_secret_multibase())[:2] == secret_header


@pytest.mark.parametrize("kind", MULTIKEY_KINDS)
def test_multikey_round_trip(kind: KeyKind) -> None:
    key = pair(kind)
    public_mb, secret_mb = key.public.to_multibase(), key.to_secret_multibase()
    assert public_mb.startswith("z")
    assert PublicKey.from_multibase(public_mb) == key.public
    again = KeyPair.from_multibase(public_mb, secret_mb)
    assert again.to_secret_multibase() == secret_mb
    assert again.to_private_jwk() == key.to_private_jwk()


def test_rsa_has_no_multikey() -> None:
    with pytest.raises(KeyFormatError):
        pair("RSA").public.to_multibase()
    with pytest.raises(KeyFormatError):
        pair("RSA").to_secret_multibase()


W3C_CASES = ["w3c-eddsa-rdfc-2022", "w3c-ecdsa-rdfc-2019-p256", "w3c-ecdsa-rdfc-2019-p384"]


def vector_pair(case: str) -> tuple[KeyPair, dict[str, str]]:
    values = load(case, "keyPair.json")
    secret = values.get("secretKeyMultibase") or values["privateKeyMultibase"]
    return KeyPair.from_multibase(values["publicKeyMultibase"], secret), values


@pytest.mark.parametrize("case", W3C_CASES)
def test_w3c_key_pair_reencodes_exactly(case: str) -> None:
    key, values = vector_pair(case)
    assert key.public.to_multibase() == values["publicKeyMultibase"]
    secret = values.get("secretKeyMultibase") or values["privateKeyMultibase"]
    assert key.to_secret_multibase() == secret


def test_w3c_ed25519_signature_is_reproduced() -> None:
    """Ed25519 is deterministic (RFC 8032): signing the vector's combined hash gives sigHex."""
    key, _ = vector_pair("w3c-eddsa-rdfc-2022")
    message = bytes.fromhex(load("w3c-eddsa-rdfc-2022", "combinedHash.txt"))
    assert key.sign(message).hex() == load("w3c-eddsa-rdfc-2022", "sigHex.txt")


@pytest.mark.parametrize("case", W3C_CASES)
def test_w3c_vector_signature_verifies(case: str) -> None:
    key, _ = vector_pair(case)
    message = bytes.fromhex(load(case, "combinedHash.txt"))
    signature = bytes.fromhex(load(case, "sigHex.txt"))
    assert key.public.verify(signature, message)
    tampered = bytearray(message)
    tampered[0] ^= 0x01
    assert not key.public.verify(signature, bytes(tampered))


def test_1edtech_ed25519_secret_is_seed_and_public_key() -> None:
    """The 1EdTech OB 3.0 vector's secretKeyMultibase holds seed || public key (64 bytes)."""
    values = load("1edtech-ob3-eddsa-rdfc-2022", "keyPair.json")
    key = KeyPair.from_multibase(values["publicKeyMultibase"], values["secretKeyMultibase"])
    assert key.public.encoded.hex() == values["publicKeyHex"]
    seed = multibase.base64url_nopad_decode(key.to_private_jwk()["d"])
    assert (seed + key.public.encoded).hex() == values["privateKeyHex"]
    intermediate = load("1edtech-ob3-eddsa-rdfc-2022", "intermediate-values.json")
    assert key.sign(bytes.fromhex(intermediate["data"])).hex() == intermediate["signature"]


@pytest.mark.parametrize("name", ["keyPair1", "keyPair2", "keyPair3", "keyPair4"])
def test_w3c_proof_set_key_pairs(name: str) -> None:
    values = load("w3c-eddsa-proof-set", "multiKeyPairs.json")[name]
    key = KeyPair.from_multibase(values["publicKeyMultibase"], values["privateKeyMultibase"])
    assert key.to_secret_multibase() == values["privateKeyMultibase"]


def _multikey(header: bytes, body: bytes) -> str:
    return multibase.encode(header + body, "base58btc")


def _uncompressed_p256() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    jwk = pair("P-256").public.to_jwk()
    x, y = (multibase.base64url_nopad_decode(jwk[m]) for m in ("x", "y"))
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\4" + x + y)  # valid point
    return _multikey(b"\x80\x24", b"\4" + x + y)


def _p256_x_without_point() -> str:
    """A compressed point whose x has no y on P-256 (the smallest such x, found by trial)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    for x in range(1, 100):
        candidate = b"\2" + x.to_bytes(32)
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), candidate)
        except ValueError:
            return _multikey(b"\x80\x24", candidate)
    raise AssertionError("no off-curve x below 100")  # pragma: no cover


BAD_MULTIKEYS: dict[str, Callable[[], str]] = {
    "base64url-prefix": lambda: "u" + pair("Ed25519").public.to_multibase()[1:],
    "not-base58": lambda: "z0OIl",
    "x25519-codec": lambda: "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",
    "secret-codec-as-public": lambda: pair("Ed25519").to_secret_multibase(),
    "ed25519-31-bytes": lambda: _multikey(b"\xed\x01", b"\1" * 31),
    "p256-uncompressed-point": _uncompressed_p256,
    "p256-not-on-curve": _p256_x_without_point,
    "non-minimal-varint": lambda: _multikey(b"\xed\x81\x00", pair("Ed25519").public.encoded),
    "truncated-varint": lambda: _multikey(b"\xed", b""),
    "empty": lambda: "z",
}


@pytest.mark.parametrize("case", BAD_MULTIKEYS)
def test_bad_public_multikey(case: str) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase(BAD_MULTIKEYS[case]())


BAD_MULTIKEY_PAIRS: dict[str, Callable[[], tuple[str, str]]] = {
    "secret-of-other-key": lambda: (
        pair("P-256").public.to_multibase(),
        KeyPair.generate("P-256").to_secret_multibase(),
    ),
    "secret-of-other-curve": lambda: (
        pair("P-256").public.to_multibase(),
        pair("P-384").to_secret_multibase(),
    ),
    "public-codec-as-secret": lambda: (
        pair("Ed25519").public.to_multibase(),
        pair("Ed25519").public.to_multibase(),
    ),
    "ed25519-64-byte-secret-with-other-public-half": lambda: (
        pair("Ed25519").public.to_multibase(),
        _multikey(
            b"\x80\x26",
            multibase.base64url_nopad_decode(pair("Ed25519").to_private_jwk()["d"]) + b"\1" * 32,
        ),
    ),
    "p256-secret-zero": lambda: (
        pair("P-256").public.to_multibase(),
        _multikey(b"\x86\x26", bytes(32)),
    ),
}


@pytest.mark.parametrize("case", BAD_MULTIKEY_PAIRS)
def test_bad_multikey_pair(case: str) -> None:
    public, secret = BAD_MULTIKEY_PAIRS[case]()
    with pytest.raises(KeyFormatError):
        KeyPair.from_multibase(public, secret)


# --- secrets stay secret --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_repr_never_shows_the_secret(kind: KeyKind) -> None:
    key = pair(kind)
    secret_texts = [key.to_private_jwk()["d"]]
    if kind != "RSA":
        secret_texts.append(key.to_secret_multibase()[1:])
    secret_texts.append(multibase.base64url_nopad_decode(secret_texts[0]).hex())
    for shown in (repr(key), str(key), f"{key}", repr([key]), repr({"k": key})):
        assert "hidden" in shown
        for secret in secret_texts:
            assert secret not in shown


def test_generate_refuses_small_rsa() -> None:
    with pytest.raises(KeyFormatError):
        KeyPair.generate("RSA", rsa_bits=1024)


def test_public_keys_compare_by_value() -> None:
    key = pair("P-256").public
    from_multikey = PublicKey.from_multibase(key.to_multibase())
    from_jwk = PublicKey.from_jwk(key.to_jwk())
    assert from_multikey == from_jwk == key
    assert len({from_multikey, from_jwk, key}) == 1
    assert key != pair("P-384").public
