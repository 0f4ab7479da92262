"""vckit.protocols.oid4vci: OpenID4VCI 1.0 offers, metadata and key proofs, against the spec's own
examples.

Key proofs are built here with jwcrypto directly, so a mistake shared with vckit.jose.vc_jwt
cannot hide.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jwcrypto import jwk, jws

from tests.paths import VECTORS
from vckit.did.resolver import did_jwk, did_key
from vckit.errors import (
    InputError,
    InvalidSignatureError,
    JwtAlgorithmError,
    JwtClaimsError,
    JwtFormatError,
    JwtKeyError,
    VckitError,
)
from vckit.keys.keypair import KeyPair, PublicKey
from vckit.protocols import oid4vci

VECTORS = VECTORS / "oid4vci"
AUD = "https://issuer.example/issuers/acme"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def sign_proof(
    key: jwk.JWK,
    *,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    alg: str = "EdDSA",
) -> str:
    """A key proof as F.1 describes it, signed with jwcrypto (not vckit)."""
    public = key.export_public(as_dict=True) if key.has_public else None
    protected = {"typ": oid4vci.PROOF_TYP, "alg": alg, "jwk": public}
    protected.update(header or {})
    protected = {k: v for k, v in protected.items() if v is not None}
    payload = {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n-1"}
    payload.update(claims or {})
    payload = {k: v for k, v in payload.items() if v is not None}
    token = jws.JWS(json.dumps(payload).encode())
    token.allowed_algs = [alg]
    token.add_signature(key, alg=alg, protected=json.dumps(protected))
    return str(token.serialize(compact=True))


@pytest.fixture(scope="module")
def ed_key() -> jwk.JWK:
    return jwk.JWK.generate(kty="OKP", crv="Ed25519")


def verify(token: str, **kwargs: Any) -> oid4vci.KeyProof:
    return oid4vci.verify_key_proof(token, audience=AUD, now=NOW, **kwargs)


# --- the spec's example proof -----------------------------------------------------------------


def test_the_spec_example_proof_verifies_with_its_jwk() -> None:
    token = (VECTORS / "proof-jwt-es256-jwk" / "token.txt").read_text().strip()
    expected = json.loads((VECTORS / "proof-jwt-es256-jwk" / "expected.json").read_text())
    now = datetime.fromtimestamp(expected["iat"] + 30, UTC)
    proof = oid4vci.verify_key_proof(token, audience=expected["audience"], now=now)
    assert proof.nonce == expected["nonce"]
    assert proof.issued_at == expected["iat"]
    assert proof.alg == "ES256"
    assert proof.public_key == PublicKey.from_jwk(expected["jwk"])
    assert proof.holder == did_jwk(PublicKey.from_jwk(expected["jwk"]))


def test_the_spec_example_proof_is_refused_for_another_issuer() -> None:
    token = (VECTORS / "proof-jwt-es256-jwk" / "token.txt").read_text().strip()
    now = datetime.fromtimestamp(1701960444, UTC)
    with pytest.raises(JwtClaimsError, match="aud"):
        oid4vci.verify_key_proof(token, audience=AUD, now=now)


# --- our own proofs: which key names the holder -------------------------------------------------


def test_a_bare_jwk_binds_to_its_did_jwk(ed_key: jwk.JWK) -> None:
    proof = verify(sign_proof(ed_key))
    assert proof.holder == did_jwk(PublicKey.from_jwk(ed_key.export_public(as_dict=True)))
    assert proof.holder.startswith("did:jwk:")
    assert proof.nonce == "n-1"


@pytest.mark.parametrize("method", ["did:key", "did:jwk"])
def test_a_did_kid_binds_to_that_did(method: str) -> None:
    pair = KeyPair.generate("P-256")
    key = jwk.JWK(**pair.to_private_jwk())
    did = did_key(pair.public) if method == "did:key" else did_jwk(pair.public)
    fragment = did.removeprefix("did:key:") if method == "did:key" else "0"
    token = sign_proof(key, header={"jwk": None, "kid": f"{did}#{fragment}"}, alg="ES256")
    proof = verify(token)
    assert proof.holder == did
    assert proof.public_key == pair.public


# --- failures, named by scenario ------------------------------------------------------------------


def _other_key_header(_: jwk.JWK) -> dict[str, Any]:
    other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    return {"jwk": other.export_public(as_dict=True)}


def _other_did_key_header(_: jwk.JWK) -> dict[str, Any]:
    other = KeyPair.generate("Ed25519").public
    return {"jwk": None, "kid": f"{did_key(other)}#{other.to_multibase()}"}


FAILURES: list[tuple[str, Callable[[jwk.JWK], str], type[VckitError]]] = [
    ("wrong-typ", lambda k: sign_proof(k, header={"typ": "JWT"}), JwtFormatError),
    ("no-typ", lambda k: sign_proof(k, header={"typ": None}), JwtFormatError),
    ("wrong-aud", lambda k: sign_proof(k, claims={"aud": "https://evil.example"}), JwtClaimsError),
    ("aud-as-array", lambda k: sign_proof(k, claims={"aud": [AUD]}), JwtClaimsError),
    ("no-iat", lambda k: sign_proof(k, claims={"iat": None}), JwtClaimsError),
    ("iat-string", lambda k: sign_proof(k, claims={"iat": "1"}), JwtClaimsError),
    (
        "iat-too-old",
        lambda k: sign_proof(k, claims={"iat": int((NOW - timedelta(hours=1)).timestamp())}),
        JwtClaimsError,
    ),
    (
        "iat-in-the-future",
        lambda k: sign_proof(k, claims={"iat": int((NOW + timedelta(hours=1)).timestamp())}),
        JwtClaimsError,
    ),
    ("no-nonce", lambda k: sign_proof(k, claims={"nonce": None}), JwtClaimsError),
    ("nonce-not-string", lambda k: sign_proof(k, claims={"nonce": 7}), JwtClaimsError),
    ("iss-with-anonymous-access", lambda k: sign_proof(k, claims={"iss": "w"}), JwtClaimsError),
    (
        "signed-by-another-key-than-jwk",
        lambda k: sign_proof(k, header=_other_key_header(k)),
        InvalidSignatureError,
    ),
    (
        "signed-by-another-key-than-kid",
        lambda k: sign_proof(k, header=_other_did_key_header(k)),
        InvalidSignatureError,
    ),
    (
        "private-key-in-jwk",
        lambda k: sign_proof(k, header={"jwk": k.export(as_dict=True)}),
        JwtKeyError,
    ),
    ("kid-and-jwk", lambda k: sign_proof(k, header={"kid": "did:key:z6Mk#x"}), JwtKeyError),
    ("no-key", lambda k: sign_proof(k, header={"jwk": None}), JwtKeyError),
    ("x5c", lambda k: sign_proof(k, header={"jwk": None, "x5c": ["MIIB"]}), JwtKeyError),
    (
        "did-web-kid",
        lambda k: sign_proof(k, header={"jwk": None, "kid": "did:web:evil.example#k"}),
        JwtKeyError,
    ),
    ("kid-not-a-did", lambda k: sign_proof(k, header={"jwk": None, "kid": "key-1"}), JwtKeyError),
]


@pytest.mark.parametrize(("scenario", "build", "error"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_bad_key_proof_is_refused(
    ed_key: jwk.JWK, scenario: str, build: Callable[[jwk.JWK], str], error: type[VckitError]
) -> None:
    with pytest.raises(error):
        verify(build(ed_key))


def _unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    from vckit.keys.multibase import base64url_nopad_encode as b64

    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}."


def test_an_alg_outside_the_allowed_list_is_refused(ed_key: jwk.JWK) -> None:
    with pytest.raises(JwtAlgorithmError, match="not allowed"):
        verify(sign_proof(ed_key), allowed_algs=("ES256",))


def test_a_critical_header_is_refused(ed_key: jwk.JWK) -> None:
    pair = KeyPair.from_private_jwk(ed_key.export(as_dict=True))
    header = {"typ": oid4vci.PROOF_TYP, "alg": "EdDSA", "jwk": pair.public.to_jwk(), "crit": ["x"]}
    unsigned = _unsigned(header, {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n-1"})
    from vckit.keys.multibase import base64url_nopad_encode as b64

    token = unsigned + b64(pair.sign(unsigned[:-1].encode()))
    with pytest.raises(JwtFormatError, match="critical"):
        verify(token)


def test_alg_none_is_refused(ed_key: jwk.JWK) -> None:
    header = {"typ": oid4vci.PROOF_TYP, "alg": "none", "jwk": ed_key.export_public(as_dict=True)}
    token = _unsigned(header, {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n-1"})
    with pytest.raises(JwtAlgorithmError, match="none"):
        verify(token)


def test_hmac_with_the_public_key_as_secret_is_refused(ed_key: jwk.JWK) -> None:
    secret = jwk.JWK(kty="oct", k="c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA")
    token = sign_proof(secret, header={"jwk": ed_key.export_public(as_dict=True)}, alg="HS256")
    with pytest.raises(JwtAlgorithmError, match="HMAC"):
        verify(token)


def test_an_alg_that_does_not_fit_the_key_is_refused() -> None:
    p256 = jwk.JWK.generate(kty="EC", crv="P-256")
    token = sign_proof(p256, alg="ES256", header={"alg": "ES256"})
    assert verify(token).alg == "ES256"
    p384 = jwk.JWK.generate(kty="EC", crv="P-384")
    mislabelled = sign_proof(p384, alg="ES384", header={"jwk": p256.export_public(as_dict=True)})
    with pytest.raises((JwtAlgorithmError, InvalidSignatureError)):
        verify(mislabelled)


def test_the_nonce_may_be_optional_when_the_issuer_has_no_nonce_endpoint(ed_key: jwk.JWK) -> None:
    assert verify(sign_proof(ed_key, claims={"nonce": None}), require_nonce=False).nonce is None


def test_not_a_jws_is_refused() -> None:
    with pytest.raises(JwtFormatError):
        verify("not.a-jwt")


# --- offers ------------------------------------------------------------------------------------


def test_the_spec_offer_uri_by_value_parses_to_its_object() -> None:
    uri = (VECTORS / "offer-by-value-uri" / "uri.txt").read_text().strip()
    expected = json.loads((VECTORS / "offer-by-value-uri" / "offer.json").read_text())
    assert oid4vci.parse_offer_uri(uri) == expected


def test_the_spec_offer_uri_by_reference_parses_to_its_url() -> None:
    uri = (VECTORS / "offer-by-reference-uri" / "uri.txt").read_text().strip()
    expected = (VECTORS / "offer-by-reference-uri" / "offer_uri.txt").read_text().strip()
    assert oid4vci.parse_offer_uri(uri) == expected


def test_an_offer_with_a_tx_code_matches_the_spec_shape() -> None:
    spec = json.loads((VECTORS / "credential_offer_pre-authz_code.json").read_text())
    description = spec["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["tx_code"]["description"]
    ours = oid4vci.credential_offer(
        spec["credential_issuer"],
        spec["credential_configuration_ids"],
        spec["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["pre-authorized_code"],
        oid4vci.TxCode(description=description),
    )
    ours["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["tx_code"].pop("input_mode")  # default numeric
    assert ours == spec


def test_an_offer_without_tx_code_has_no_tx_code_member() -> None:
    offer = oid4vci.credential_offer(AUD, ["A"], "code")
    assert "tx_code" not in offer["grants"][oid4vci.PRE_AUTHORIZED_GRANT]


@pytest.mark.parametrize("ids", [[], ["A", "A"]], ids=["empty", "duplicate"])
def test_an_offer_needs_unique_configuration_ids(ids: list[str]) -> None:
    with pytest.raises(InputError):
        oid4vci.credential_offer(AUD, ids, "code")


def test_an_offer_uri_round_trips_by_value_and_by_reference() -> None:
    offer = oid4vci.credential_offer(AUD, ["A"], "c&d=e", oid4vci.TxCode(length=6))
    by_value = oid4vci.offer_uri(offer=offer)
    assert by_value.startswith("openid-credential-offer://?credential_offer=%7B")
    assert oid4vci.parse_offer_uri(by_value) == offer
    by_reference = oid4vci.offer_uri(offer_url=f"{AUD}/offers/x?y=1")
    assert oid4vci.parse_offer_uri(by_reference) == f"{AUD}/offers/x?y=1"


@pytest.mark.parametrize(
    "uri",
    [
        "openid-credential-offer://?",
        "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fa",
        "openid-credential-offer://?credential_offer=%5B%5D",
        "openid-credential-offer://?credential_offer=%7B",
        "openid-credential-offer://?credential_offer_uri=a&credential_offer_uri=b",
    ],
    ids=["neither", "both", "not-an-object", "not-json", "repeated"],
)
def test_a_bad_offer_uri_is_refused(uri: str) -> None:
    with pytest.raises(InputError):
        oid4vci.parse_offer_uri(uri)


def test_offer_uri_takes_exactly_one_form() -> None:
    with pytest.raises(InputError):
        oid4vci.offer_uri()
    with pytest.raises(InputError):
        oid4vci.offer_uri(offer={}, offer_url="https://a")


def test_a_tx_code_description_is_at_most_300_chars() -> None:
    with pytest.raises(InputError):
        oid4vci.TxCode(description="x" * 301).to_json()


# --- metadata ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (
            "https://issuer.example.com/tenant",
            "https://issuer.example.com/.well-known/openid-credential-issuer/tenant",
        ),
        (
            "https://tenant.issuer.example.com",
            "https://tenant.issuer.example.com/.well-known/openid-credential-issuer",
        ),
    ],
    ids=["with-path", "host-only"],
)
def test_metadata_url_follows_the_spec_examples(identifier: str, expected: str) -> None:
    # §12.2.2's two examples, verbatim
    assert oid4vci.metadata_url(identifier) == expected


def test_authorization_server_metadata_url_inserts_its_own_well_known() -> None:
    url = oid4vci.metadata_url("http://localhost:8001/issuers/acme", "oauth-authorization-server")
    assert url == "http://localhost:8001/.well-known/oauth-authorization-server/issuers/acme"


@pytest.mark.parametrize("bad", ["https://a.example/x?q=1", "https://a.example/#f", "/relative"])
def test_an_identifier_with_query_fragment_or_no_host_is_refused(bad: str) -> None:
    with pytest.raises(InputError):
        oid4vci.metadata_url(bad)


def test_issuer_metadata_lists_both_w3c_formats_with_jwt_proofs() -> None:
    contexts = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/ob"]
    types = ["VerifiableCredential", "OpenBadgeCredential"]
    configurations = oid4vci.ob3_configurations(contexts, types, display_name="Badge")
    metadata = oid4vci.issuer_metadata(AUD, configurations, display_name="Acme")
    assert metadata["credential_issuer"] == AUD
    assert metadata["credential_endpoint"] == f"{AUD}/credential"
    assert metadata["nonce_endpoint"] == f"{AUD}/nonce"
    supported = metadata["credential_configurations_supported"]
    ldp, jwt = supported["OpenBadgeCredential_ldp_vc"], supported["OpenBadgeCredential_jwt_vc_json"]
    assert ldp["format"] == "ldp_vc"
    assert ldp["credential_definition"] == {"@context": contexts, "type": types}
    assert ldp["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert jwt["format"] == "jwt_vc_json"
    assert jwt["credential_definition"] == {"type": types}  # no @context: not JSON-LD (A.1.1)
    for configuration in (ldp, jwt):
        # §12.2.4: proof_types_supported MUST be present with cryptographic_binding_methods
        assert configuration["cryptographic_binding_methods_supported"]
        assert configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]


def test_authorization_server_metadata_offers_the_pre_authorized_grant_anonymously() -> None:
    metadata = oid4vci.authorization_server_metadata(AUD)
    assert metadata["issuer"] == AUD
    assert metadata["token_endpoint"] == f"{AUD}/token"
    assert metadata["grant_types_supported"] == [oid4vci.PRE_AUTHORIZED_GRANT]
    assert metadata["pre-authorized_grant_anonymous_access_supported"] is True
