"""``ler jose-cose issue|verify``: the W3C vc-jose-cose test suite's command-line contract
(``--input``, ``--key`` a verification method with JWKs, ``--feature``, ``--sd``, ``--output``
``{"result", "data"}``), for every feature: what we issue, we verify with the method's public
key; unsecured, tampered and mismatched input is a ``failure``."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jwt
import pytest

from ler.cli import main
from ler.jose_cose import parse_sd_path
from vckit.jose.vp_jwt import envelop
from vckit.keys.keypair import KeyKind, KeyPair

ISSUER = "https://issuer.example/vc-jose-cose"
CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "http://university.example/credentials/1872",
    "type": ["VerifiableCredential", "ExampleAlumniCredential"],
    "issuer": ISSUER,
    "validFrom": "2024-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:123",
        "firstName": "Jane",
        "address": {"street": "1 Main St", "city": "Anytown"},
        "phoneNumbers": [{"number": "+1-555-0100"}, {"number": "+1-555-0101"}],
    },
}
SD = {
    "credential_sdjwt": ["credentialSubject.firstName", "credentialSubject.phoneNumbers[0]"],
    "presentation_sdjwt": ["holder"],
}


def method(tmp_path: Path, kind: KeyKind, name: str = "vm") -> tuple[KeyPair, Path]:
    """A verification method file as the suite's ``vm-*.json``: id, public and secret JWK."""
    key = KeyPair.generate(kind)
    path = tmp_path / f"{name}.json"
    path.write_text(
        json.dumps(
            {
                "id": f"{ISSUER}#{name}",
                "type": "JsonWebKey",
                "controller": ISSUER,
                "publicKeyJwk": key.public.to_jwk(),
                "secretKeyJwk": key.to_private_jwk(),
            }
        )
    )
    return key, path


def presentation(credential_token: str) -> dict[str, Any]:
    return {
        "@context": CREDENTIAL["@context"],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiablePresentation"],
        "holder": ISSUER,
        "verifiableCredential": [envelop(credential_token)],
    }


def run(tmp_path: Path, fn: str, feature: str, data: object, key: Path) -> dict[str, Any]:
    source = tmp_path / f"{fn}-{feature}.in"
    source.write_text(data if isinstance(data, str) else json.dumps(data))
    out = tmp_path / "out" / f"{fn}-{feature}.json"
    args = ["jose-cose", fn, "--input", str(source), "--key", str(key), "--feature", feature]
    if fn == "issue" and feature in SD:
        args += ["--sd", json.dumps(SD[feature])]
    assert main([*args, "--output", str(out)]) == 0
    answer: dict[str, Any] = json.loads(out.read_text())
    return answer


def issued(tmp_path: Path, feature: str, key: Path) -> str:
    document: dict[str, Any] = CREDENTIAL
    if feature.startswith("presentation_"):
        token = run(tmp_path, "issue", "credential_jose", CREDENTIAL, key)["data"]
        document = presentation(token)
    answer = run(tmp_path, "issue", feature, document, key)
    assert answer["result"] == "success", answer
    token: str = answer["data"]
    return token


FEATURES = [
    "credential_jose",
    "presentation_jose",
    "credential_sdjwt",
    "presentation_sdjwt",
    "credential_cose",
    "presentation_cose",
]


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "P-384", "P-521"])
@pytest.mark.parametrize("feature", FEATURES)
def test_what_we_issue_verifies_with_the_methods_key(
    tmp_path: Path, feature: str, kind: KeyKind
) -> None:
    _, key = method(tmp_path, kind)
    token = issued(tmp_path, feature, key)
    answer = run(tmp_path, "verify", feature, token, key)
    assert answer["result"] == "success", answer
    assert answer["data"]["failed"] == []


def test_the_sd_paths_are_disclosable(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-384")
    token = issued(tmp_path, "credential_sdjwt", key)
    assert token.count("~") == 3  # two disclosures, then the closing ~
    disclosed = [
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        for part in token.split("~")[1:-1]
    ]
    assert sorted(str(d[1]) for d in disclosed) == ["firstName", "{'number': '+1-555-0100'}"]


def test_cose_is_plain_base64_of_a_cose_sign1(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-256")
    data = issued(tmp_path, "credential_cose", key)
    raw = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    assert raw[:2] == b"\xd2\x84"  # CBOR tag 18, a 4-item array


@pytest.mark.parametrize("feature", ["credential_jose", "presentation_jose"])
def test_an_unsecured_document_is_a_failure(tmp_path: Path, feature: str) -> None:
    _, key = method(tmp_path, "P-256")
    document = CREDENTIAL if feature == "credential_jose" else presentation("a.b.c")
    answer = run(tmp_path, "verify", feature, document, key)
    assert answer["result"] == "failure"
    assert "unsecured" in answer["data"]


def test_another_key_is_a_failure(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-256")
    _, other = method(tmp_path, "P-256", "other")
    token = issued(tmp_path, "credential_jose", key)
    answer = run(tmp_path, "verify", "credential_jose", token, other)
    assert answer["result"] == "failure"
    assert [c["id"] for c in answer["data"]["failed"]] == ["proof"]


def test_a_tampered_cose_signature_is_a_failure(tmp_path: Path) -> None:
    _, key = method(tmp_path, "Ed25519")
    raw = bytearray(base64.b64decode(issued(tmp_path, "credential_cose", key) + "=="))
    raw[-1] ^= 1
    answer = run(tmp_path, "verify", "credential_cose", base64.b64encode(raw).decode(), key)
    assert answer["result"] == "failure"
    assert answer["data"]["failed"][0]["id"] == "proof"


def test_cose_that_is_not_base64_is_a_failure(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-256")
    answer = run(tmp_path, "verify", "credential_cose", "d2845856a4 not base64!", key)
    assert answer["result"] == "failure"


@pytest.mark.parametrize(
    ("issued_as", "verified_as"),
    [("credential_jose", "presentation_jose"), ("presentation_jose", "credential_jose")],
)
def test_the_feature_must_match_what_is_secured(
    tmp_path: Path, issued_as: str, verified_as: str
) -> None:
    _, key = method(tmp_path, "P-256")
    answer = run(tmp_path, "verify", verified_as, issued(tmp_path, issued_as, key), key)
    assert answer["result"] == "failure"


def test_a_presentation_with_an_unreadable_credential_is_a_failure(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-384")
    document = presentation("a.b.c")
    document["verifiableCredential"][0]["id"] = "not-a-credential"
    token = run(tmp_path, "issue", "presentation_jose", document, key)["data"]
    answer = run(tmp_path, "verify", "presentation_jose", token, key)
    assert answer["result"] == "failure"


def test_a_credential_that_breaks_the_data_model_is_not_issued(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-256")
    answer = run(tmp_path, "issue", "credential_jose", {**CREDENTIAL, "validFrom": "2024"}, key)
    assert answer["result"] == "failure"
    assert "validFrom" in answer["data"]


def test_a_method_without_a_secret_key_is_an_error(tmp_path: Path) -> None:
    _, key = method(tmp_path, "P-256")
    vm = json.loads(key.read_text())
    del vm["secretKeyJwk"]
    key.write_text(json.dumps(vm))
    assert run(tmp_path, "issue", "credential_jose", CREDENTIAL, key)["result"] == "error"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("holder", ("holder",)),
        ("verifiableCredential[0]", ("verifiableCredential", 0)),
        ("credentialSubject.phoneNumbers[0]", ("credentialSubject", "phoneNumbers", 0)),
    ],
)
def test_sd_paths_read_as_the_suite_writes_them(text: str, path: tuple[str | int, ...]) -> None:
    assert parse_sd_path(text) == path


@pytest.mark.parametrize(
    ("kind", "alg"), [("Ed25519", "EdDSA"), ("P-384", "ES384"), ("P-521", "ES512")]
)
@pytest.mark.parametrize("feature", ["credential_jose", "presentation_jose"])
def test_pyjwt_verifies_what_we_issue(
    tmp_path: Path, feature: str, kind: KeyKind, alg: str
) -> None:
    """An independent JOSE library (PyJWT) checks our vc+jwt / vp+jwt signatures."""
    key, vm = method(tmp_path, kind)
    token = issued(tmp_path, feature, vm)
    header = jwt.get_unverified_header(token)
    typ = "vc+jwt" if feature == "credential_jose" else "vp+jwt"
    assert header["alg"] == alg and header["typ"] == typ
    claims = jwt.decode(token, key=jwt.PyJWK(key.public.to_jwk()).key, algorithms=[alg])
    assert claims["iss"] == ISSUER
