"""DIDs: did:key, did:jwk, did:web (with a fetch callback), key lookup and key control."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from tests.paths import VECTORS
from vckit.did.resolver import (
    DidResolver,
    did_document_for_key,
    did_jwk,
    did_key,
    did_web_url,
)
from vckit.errors import (
    DidFetchNotAllowedError,
    DidResolutionError,
    InvalidDidError,
    KeyFormatError,
    UnsupportedDidMethodError,
    VerificationMethodNotFoundError,
)
from vckit.keys import multibase
from vckit.keys.keypair import KeyKind, KeyPair, PublicKey

SIGNING = ["authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"]


def load(*parts: str) -> Any:
    return json.loads(VECTORS.joinpath(*parts).read_text())


@cache
def pair(kind: KeyKind) -> KeyPair:
    return KeyPair.generate(kind)


def fetch_from(pages: dict[str, bytes], seen: list[str] | None = None) -> Callable[[str], bytes]:
    """A fetch callback over a dict: a missing URL raises KeyError like a failed request."""

    def fetch(url: str) -> bytes:
        if seen is not None:
            seen.append(url)
        return pages[url]

    return fetch


def web_resolver(did: str, document: Any) -> DidResolver:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return DidResolver(fetch_from({did_web_url(did): body}))


# --- did:key ----------------------------------------------------------------------------------

VECTOR_KEYS = [
    ("w3c-eddsa-rdfc-2022", "privateKeyMultibase"),
    ("w3c-ecdsa-rdfc-2019-p256", "secretKeyMultibase"),
    ("w3c-ecdsa-rdfc-2019-p384", "secretKeyMultibase"),
]


@pytest.mark.parametrize(("case", "secret_name"), VECTOR_KEYS, ids=[c for c, _ in VECTOR_KEYS])
def test_did_key_of_vector_key_is_the_vectors_verification_method(
    case: str, secret_name: str
) -> None:
    values = load("keys", case, "keyPair.json")
    key = KeyPair.from_multibase(values["publicKeyMultibase"], values[secret_name])
    vm_url = load("keys", case, "signed.json")["proof"]["verificationMethod"]
    did = did_key(key.public)
    assert f"{did}#{values['publicKeyMultibase']}" == vm_url
    document, method = DidResolver().resolve_method(vm_url)
    assert method.public_key == key.public
    assert document.allows(vm_url, "assertionMethod")


def test_did_key_of_proof_set_keys() -> None:
    pairs = load("keys", "w3c-eddsa-proof-set", "multiKeyPairs.json")
    proofs = load("keys", "w3c-eddsa-proof-set", "signedProofSet2.json")["proof"]
    dids = {did_key(PublicKey.from_multibase(p["publicKeyMultibase"])) for p in pairs.values()}
    for proof in proofs:
        assert proof["verificationMethod"].partition("#")[0] in dids


@pytest.mark.parametrize("name", list(load("did", "did-key-spec-dids.json")))
def test_did_key_spec_dids_resolve(name: str) -> None:
    did = load("did", "did-key-spec-dids.json")[name]
    value = did.removeprefix("did:key:")
    document = DidResolver().resolve(did)
    (method,) = document.verification_methods
    assert method.id == f"{did}#{value}"
    assert (method.type, method.controller) == ("Multikey", did)
    assert method.public_key.kind == name.split("-test")[0].split("-example")[0]
    assert method.public_key.to_multibase() == value
    for relationship in SIGNING:
        assert document.allows(method.id, relationship)
    assert not document.allows(method.id, "keyAgreement")


def test_did_key_document_matches_spec_example() -> None:
    """Same verification method and signing relationships as the did:key spec's example;
    vckit does not derive the optional X25519 keyAgreement key."""
    example = load("did", "did-key-ed25519", "document.json")
    document = DidResolver().resolve(example["id"]).document
    assert document["verificationMethod"] == example["verificationMethod"]
    for relationship in SIGNING:
        assert document[relationship] == example[relationship]
    assert "keyAgreement" not in document


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "P-384"])
def test_did_key_round_trip(kind: KeyKind) -> None:
    did = did_key(pair(kind).public)
    _, method = DidResolver().resolve_method(f"{did}#{did.removeprefix('did:key:')}")
    assert method.public_key == pair(kind).public


def test_did_key_has_no_rsa() -> None:
    with pytest.raises(KeyFormatError):
        did_key(pair("RSA").public)


BAD_DID_KEYS = {
    "x25519-key": "did:key:z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",
    "base64url-multibase": "did:key:u7QE" + "A" * 43,
    "not-base58": "did:key:z6MkOOOO",
    "truncated": "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZx",
    "empty": "did:key:",
    "with-path": "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP/path",
}


@pytest.mark.parametrize("case", BAD_DID_KEYS)
def test_bad_did_key(case: str) -> None:
    with pytest.raises(InvalidDidError):
        DidResolver().resolve(BAD_DID_KEYS[case])


def test_did_key_fragment_must_name_the_key() -> None:
    did = did_key(pair("Ed25519").public)
    with pytest.raises(VerificationMethodNotFoundError):
        DidResolver().resolve_method(f"{did}#key-1")


# --- did:jwk ----------------------------------------------------------------------------------


def test_did_jwk_spec_example() -> None:
    example = load("did", "did-jwk-p256", "example.json")
    public = PublicKey.from_jwk(example["publicKeyJwk"])
    assert did_jwk(public) == example["did"]
    document, method = DidResolver().resolve_method(example["did"] + "#0")
    assert method.id == example["did"] + "#0"
    assert method.type == "JsonWebKey2020"
    assert method.public_key == public
    assert document.document["verificationMethod"][0]["publicKeyJwk"] == example["publicKeyJwk"]
    for relationship in [*SIGNING, "keyAgreement"]:  # no "use": all five relationships
        assert document.allows("#0", relationship)


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "P-384", "RSA"])
def test_did_jwk_round_trip(kind: KeyKind) -> None:
    did = did_jwk(pair(kind).public)
    _, method = DidResolver().resolve_method(did + "#0")
    assert method.public_key == pair(kind).public


def encode_did_jwk(jwk: Any) -> str:
    return "did:jwk:" + multibase.base64url_nopad_encode(json.dumps(jwk).encode())


def test_did_jwk_use_sig_has_no_key_agreement() -> None:
    did = encode_did_jwk(pair("P-256").public.to_jwk() | {"use": "sig"})
    document = DidResolver().resolve(did)
    assert document.allows("#0", "assertionMethod")
    assert not document.allows("#0", "keyAgreement")


BAD_DID_JWKS: dict[str, Callable[[], str]] = {
    "private-key": lambda: encode_did_jwk(pair("P-256").to_private_jwk()),
    "not-base64url": lambda: "did:jwk:eyJ+",
    "padded-base64url": lambda: did_jwk(pair("P-256").public) + "%3D",
    "not-json": lambda: "did:jwk:" + multibase.base64url_nopad_encode(b"{not json"),
    "json-array": lambda: encode_did_jwk([pair("P-256").public.to_jwk()]),
    "x25519-key": lambda: encode_did_jwk({"kty": "OKP", "crv": "X25519", "x": "A" * 43}),
    "use-enc": lambda: encode_did_jwk(pair("P-256").public.to_jwk() | {"use": "enc"}),
    "duplicate-member": lambda: duplicate_crv_did_jwk(),
}


def duplicate_crv_did_jwk() -> str:
    """``crv`` twice; a lax parser keeps the last one and reads a valid Ed25519 key."""
    x = pair("Ed25519").public.to_jwk()["x"]
    text = f'{{"kty":"OKP","crv":"X25519","crv":"Ed25519","x":"{x}"}}'
    return "did:jwk:" + multibase.base64url_nopad_encode(text.encode())


def test_duplicate_member_did_jwk_is_refused_by_name() -> None:
    with pytest.raises(InvalidDidError, match="duplicate key 'crv'"):
        DidResolver().resolve(duplicate_crv_did_jwk())


@pytest.mark.parametrize("case", BAD_DID_JWKS)
def test_bad_did_jwk(case: str) -> None:
    with pytest.raises(InvalidDidError):
        DidResolver().resolve(BAD_DID_JWKS[case]())


def test_did_jwk_only_fragment_is_0() -> None:
    with pytest.raises(VerificationMethodNotFoundError):
        DidResolver().resolve_method(did_jwk(pair("P-256").public) + "#1")


# --- did:web URL rules ------------------------------------------------------------------------

WEB_URLS = load("did", "did-web-urls.json") | {
    "lowercase-port-escape": [
        "did:web:localhost%3a8000",
        "https://localhost:8000/.well-known/did.json",
    ],
    "localhost-with-port-and-path": [
        "did:web:localhost%3A8000:issuers:1",
        "https://localhost:8000/issuers/1/did.json",
    ],
    "percent-encoded-path-kept": [
        "did:web:example.com:a%20b",
        "https://example.com/a%20b/did.json",
    ],
}


@pytest.mark.parametrize("case", WEB_URLS)
def test_did_web_url(case: str) -> None:
    did, url = WEB_URLS[case]
    assert did_web_url(did) == url


BAD_WEB_DIDS = {
    "ipv4-address": "did:web:127.0.0.1",
    "ipv4-address-with-port": "did:web:10.0.0.1%3A443",
    "port-not-numeric": "did:web:example.com%3Ahttp",
    "port-zero": "did:web:example.com%3A0",
    "port-too-large": "did:web:example.com%3A70000",
    "port-leading-zero": "did:web:example.com%3A0443",
    "port-huge": "did:web:example.com%3A" + "9" * 5000,
    "empty-port": "did:web:example.com%3A",
    "empty-path-segment": "did:web:example.com::alice",
    "dot-dot-segment": "did:web:example.com:..:alice",
    "encoded-dot-dot-segment": "did:web:example.com:%2E%2E:alice",
    "encoded-slash-in-segment": "did:web:example.com:a%2Fb",
    "underscore-in-host": "did:web:exa_mple.com",
    "label-starts-with-hyphen": "did:web:-example.com",
    "encoded-space-in-host": "did:web:exa%20mple.com",
    "empty-label": "did:web:example..com",
    "not-did-web": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "uppercase-method": "did:WEB:example.com",
    "with-fragment": "did:web:example.com#key-1",
    "with-query": "did:web:example.com?versionId=1",
    "empty": "did:web:",
}


@pytest.mark.parametrize("case", BAD_WEB_DIDS)
def test_did_web_url_rejects(case: str) -> None:
    with pytest.raises(InvalidDidError):
        did_web_url(BAD_WEB_DIDS[case])


# --- did:web resolution with a fetch callback -------------------------------------------------

EXAMPLE_DID = "did:web:example.com"


def test_did_web_spec_example_document() -> None:
    """The did:web spec's JWK example: Ed25519 and P-256 usable, the X25519 key is not."""
    seen: list[str] = []
    body = VECTORS.joinpath("did", "did-web-jwk-example", "did.json").read_bytes()
    resolver = DidResolver(fetch_from({"https://example.com/.well-known/did.json": body}, seen))
    document = resolver.resolve(EXAMPLE_DID)
    assert seen == ["https://example.com/.well-known/did.json"]
    assert document.find("#key-0").public_key.kind == "Ed25519"
    assert document.find(f"{EXAMPLE_DID}#key-2").public_key.kind == "P-256"
    with pytest.raises(VerificationMethodNotFoundError, match="X25519"):
        document.find("#key-1")
    assert document.allows(f"{EXAMPLE_DID}#key-0", "assertionMethod")
    assert not document.allows(f"{EXAMPLE_DID}#key-1", "assertionMethod")
    assert document.allows(f"{EXAMPLE_DID}#key-1", "keyAgreement")


PUBLISHED = [
    pytest.param(vm_type, kind, id=f"{vm_type}-{kind}")
    for vm_type in ("Multikey", "JsonWebKey2020", "JsonWebKey")
    for kind in ("Ed25519", "P-256", "P-384", "RSA")
    if not (vm_type == "Multikey" and kind == "RSA")  # RSA has no Multikey form
]


@pytest.mark.parametrize(("vm_type", "kind"), PUBLISHED)
def test_did_web_published_document_round_trip(vm_type: Any, kind: KeyKind) -> None:
    did = "did:web:issuer.example%3A8443:orgs:1"
    document = did_document_for_key(did, pair(kind).public, vm_type)
    resolved, method = web_resolver(did, document).resolve_method(f"{did}#key-1")
    assert method.public_key == pair(kind).public
    assert (method.type, method.controller) == (vm_type, did)
    for relationship in SIGNING:
        assert resolved.allows(method.id, relationship)
    assert not resolved.allows(method.id, "keyAgreement")


def vm(fragment: str, public: PublicKey, **extra: Any) -> dict[str, Any]:
    method = {"id": f"{EXAMPLE_DID}#{fragment}", "type": "Multikey", "controller": EXAMPLE_DID}
    return method | {"publicKeyMultibase": public.to_multibase()} | extra


def doc(**members: Any) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/did/v1"], "id": EXAMPLE_DID} | members


def test_legacy_verification_method_types() -> None:
    ed = pair("Ed25519").public
    raw58 = multibase.base58btc_encode(ed.encoded)
    document = doc(
        verificationMethod=[
            vm("a", ed, type="Ed25519VerificationKey2020"),
            vm("b", ed, type="Ed25519VerificationKey2018", publicKeyBase58=raw58),
            vm(
                "c",
                pair("P-256").public,
                type="JsonWebKey2020",
                publicKeyJwk=pair("P-256").public.to_jwk(),
            ),
            vm("d", pair("P-256").public, type="Ed25519VerificationKey2020"),
            vm("e", ed, type="X25519KeyAgreementKey2019"),
        ]
    )
    resolved = web_resolver(EXAMPLE_DID, document).resolve(EXAMPLE_DID)
    assert resolved.find("#a").public_key == ed
    assert resolved.find("#b").public_key == ed
    assert resolved.find("#c").public_key == pair("P-256").public
    with pytest.raises(VerificationMethodNotFoundError, match="Ed25519 key"):
        resolved.find("#d")  # an Ed25519VerificationKey2020 holding a P-256 key
    with pytest.raises(VerificationMethodNotFoundError, match="unsupported"):
        resolved.find("#e")


def test_key_control_requires_the_relationship() -> None:
    """Listed in verificationMethod only: usable for lookup, but not allowed for any purpose."""
    document = doc(
        verificationMethod=[vm("listed", pair("Ed25519").public), vm("auth", pair("P-256").public)],
        authentication=["#auth"],
    )
    resolved = web_resolver(EXAMPLE_DID, document).resolve(EXAMPLE_DID)
    assert resolved.find("#listed").public_key == pair("Ed25519").public
    assert not resolved.allows("#listed", "assertionMethod")
    assert resolved.allows("#auth", "authentication")
    assert resolved.allows(f"{EXAMPLE_DID}#auth", "authentication")
    assert not resolved.allows("#auth", "assertionMethod")
    assert not resolved.allows("#auth", "noSuchRelationship")


def test_embedded_verification_method() -> None:
    document = doc(assertionMethod=[vm("embedded", pair("P-384").public)])
    resolved = web_resolver(EXAMPLE_DID, document).resolve(EXAMPLE_DID)
    assert resolved.find("#embedded").public_key == pair("P-384").public
    assert resolved.allows("#embedded", "assertionMethod")
    assert not resolved.allows("#embedded", "authentication")


def test_method_controlled_by_another_did_is_not_usable() -> None:
    """CID 1.0 §3.3: a method whose controller is not the document id is not this DID's key,
    even when a relationship lists it."""
    controller = "did:web:other.example"
    document = doc(
        verificationMethod=[vm("k", pair("Ed25519").public, controller=controller)],
        assertionMethod=[f"{EXAMPLE_DID}#k"],
    )
    resolved = web_resolver(EXAMPLE_DID, document).resolve(EXAMPLE_DID)
    with pytest.raises(VerificationMethodNotFoundError, match=f"controller {controller} is not"):
        resolved.find("#k")
    assert resolved.unusable == (
        (f"{EXAMPLE_DID}#k", f"controller {controller} is not {EXAMPLE_DID}"),
    )


def test_embedded_method_controlled_by_another_did_is_not_usable() -> None:
    foreign = vm("k", pair("P-256").public, controller="did:web:other.example")
    document = doc(assertionMethod=[foreign])
    with pytest.raises(VerificationMethodNotFoundError, match="controller"):
        web_resolver(EXAMPLE_DID, document).resolve_method(f"{EXAMPLE_DID}#k")


def test_method_with_id_under_another_did_is_not_usable() -> None:
    """A document cannot define keys for another DID (key confusion)."""
    foreign = vm("k", pair("Ed25519").public) | {"id": "did:web:other.example#k"}
    document = doc(verificationMethod=[foreign], assertionMethod=["did:web:other.example#k"])
    resolved = web_resolver(EXAMPLE_DID, document).resolve(EXAMPLE_DID)
    with pytest.raises(VerificationMethodNotFoundError, match="not under"):
        resolved.find("did:web:other.example#k")


BAD_WEB_BODIES: dict[str, Callable[[], bytes]] = {
    "id-mismatch": lambda: json.dumps(doc(id="did:web:evil.example")).encode(),
    "id-missing": lambda: json.dumps({"verificationMethod": []}).encode(),
    "non-json": lambda: b"<html>not found</html>",
    "json-array": lambda: b"[]",
    "not-utf8": lambda: b"\xff\xfe\x00{",
    "duplicate-member": lambda: b'{"id": "did:web:example.com", "id": "did:web:example.com"}',
    "too-large": lambda: json.dumps(doc(padding="x" * 200_000)).encode(),
    "too-deep": lambda: b"[" * 40_000 + b"]" * 40_000,  # within the size limit
    "private-key-published": lambda: json.dumps(
        doc(
            verificationMethod=[
                vm(
                    "k",
                    pair("P-256").public,
                    type="JsonWebKey2020",
                    publicKeyJwk=pair("P-256").to_private_jwk(),
                )
            ]
        )
    ).encode(),
    "secret-multikey-published": lambda: json.dumps(
        doc(
            verificationMethod=[
                vm(
                    "k",
                    pair("P-256").public,
                    secretKeyMultibase=pair("P-256").to_secret_multibase(),
                )
            ]
        )
    ).encode(),
    "verification-method-not-array": lambda: json.dumps(
        doc(verificationMethod=vm("k", pair("P-256").public))
    ).encode(),
    "relationship-not-array": lambda: json.dumps(doc(assertionMethod="#k")).encode(),
    "method-without-id": lambda: json.dumps(
        doc(verificationMethod=[{"type": "Multikey"}])
    ).encode(),
    "duplicate-method-id": lambda: json.dumps(
        doc(
            verificationMethod=[vm("k", pair("P-256").public)],
            assertionMethod=[vm("k", pair("Ed25519").public)],
        )
    ).encode(),
    "too-many-methods": lambda: json.dumps(
        doc(verificationMethod=[vm(f"k{i}", pair("P-256").public) for i in range(101)])
    ).encode(),
}


@pytest.mark.parametrize("case", BAD_WEB_BODIES)
def test_bad_did_web_document(case: str) -> None:
    resolver = web_resolver(EXAMPLE_DID, BAD_WEB_BODIES[case]())
    with pytest.raises(DidResolutionError):
        resolver.resolve(EXAMPLE_DID)


def test_did_web_fetch_failure() -> None:
    resolver = DidResolver(fetch_from({}))  # every URL is missing
    with pytest.raises(DidResolutionError, match="https://example.com/.well-known/did.json"):
        resolver.resolve(EXAMPLE_DID)


def test_did_web_fetch_returning_text_is_refused() -> None:
    resolver = DidResolver(lambda url: json.dumps(doc()))  # type: ignore[arg-type, return-value]
    with pytest.raises(DidResolutionError):
        resolver.resolve(EXAMPLE_DID)


def test_did_web_without_fetch_is_not_allowed() -> None:
    with pytest.raises(DidFetchNotAllowedError):
        DidResolver().resolve(EXAMPLE_DID)


def test_pure_methods_never_fetch() -> None:
    def refuse(url: str) -> bytes:
        raise AssertionError(f"fetched {url}")

    resolver = DidResolver(refuse)
    resolver.resolve(did_key(pair("Ed25519").public))
    resolver.resolve(did_jwk(pair("RSA").public))


# --- general ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("did:example:123", UnsupportedDidMethodError),
        ("did:ion:EiA", UnsupportedDidMethodError),
        ("not-a-did", InvalidDidError),
        ("did:key", InvalidDidError),
        ("DID:key:z6Mk", InvalidDidError),
        ("did:key:z6Mk f", InvalidDidError),
        ("did:key:" + "z" * 9000, InvalidDidError),
    ],
    ids=[
        "did-example",
        "did-ion",
        "no-scheme",
        "no-method-id",
        "uppercase-scheme",
        "space",
        "huge",
    ],
)
def test_resolve_rejects(value: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        DidResolver().resolve(value)


@pytest.mark.parametrize(
    "value",
    ["did:web:example.com", "did:key:z6Mk#", "#key-1"],
    ids=["no-fragment", "empty-fragment", "relative"],
)
def test_resolve_method_needs_an_absolute_did_url_with_fragment(value: str) -> None:
    resolver = DidResolver(lambda url: b'{"id": "did:web:example.com"}')
    with pytest.raises(InvalidDidError):
        resolver.resolve_method(value)


def test_a_bare_did_key_names_its_one_key() -> None:
    """A did:key (or did:jwk) without a fragment has one key: a proof may name it so."""
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    document, method = DidResolver().resolve_method(did)
    assert document.id == did and method.id == f"{did}#{did.removeprefix('did:key:')}"
