"""Credentials made elsewhere: keys by https URL, JWTs that carry their key, 1EdTech's status and
refresh services, endorsements and CLRs.

The credentials come from independent code: 1EdTech's own signed OB 3.0 and CLR 2.0 vectors
(tests/vectors/data-integrity/1edtech-*), and VC-JWTs signed here with PyJWT. The only thing
made with vckit is a CLR re-signed after one nested credential was tampered with (with the
vector's own key, so the CLR's proof is good and only the nested one is bad). The network is a
dictionary of URL -> body, passed in as the fetch (what a test server would answer).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.paths import VECTORS
from vckit import DidResolver, KeyPair, PublicKey, VerifyOptions, verify
from vckit.di import algorithms
from vckit.did.resolver import did_jwk
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification import content

OB3 = VECTORS / "data-integrity" / "1edtech-ob3-eddsa-rdfc-2022" / "signed.json"
CLR = VECTORS / "data-integrity" / "1edtech-clr2-eddsa-rdfc-2022" / "signed.json"
KEY = json.loads((VECTORS / "keys" / "1edtech-ob3-eddsa-rdfc-2022" / "keyPair.json").read_text())
ISSUER = "https://example.edu/issuers/565049"
VM = KEY["id"]
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def load(path: Any) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def controller_document(listed: str = "assertionMethod", **changes: Any) -> dict[str, Any]:
    """What https://example.edu/issuers/565049 would answer (W3C Controlled Identifiers 1.0)."""
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": VM,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": KEY["publicKeyMultibase"],
            }
        ],
        listed: [VM],
    }
    return document | changes


def web(pages: Mapping[str, object]) -> Callable[[str], bytes]:
    """A fetch that answers these URLs and nothing else."""

    def fetch(url: str) -> bytes:
        if url not in pages:
            raise OSError(f"no route to {url}")
        body = pages[url]
        return body if isinstance(body, bytes) else json.dumps(body).encode()

    return fetch


def options(pages: Mapping[str, object] | None = None, **extra: Any) -> VerifyOptions:
    fetch = web(pages) if pages is not None else None
    return VerifyOptions(resolver=DidResolver(fetch), fetch_status_list=fetch, now=NOW, **extra)


def statuses(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


# --- keys by https URL (OB 3.0 §8 "Dereferencing the Public Key") ---------------------------


@pytest.mark.parametrize("path", [OB3, CLR], ids=["ob3", "clr"])
def test_1edtech_vectors_offline_are_could_not_check_never_fail(path: Any) -> None:
    report = verify(load(path), options())
    assert report.check("proof").status == PASS  # the key its URL spells out
    assert "whose key it is was not checked" in report.check("proof").detail
    assert report.check("issuer-key").status == UNCHECKED
    assert "fetching is off" in report.check("issuer-key").detail
    assert report.verdict == UNCHECKED


def test_1edtech_ob3_vector_passes_with_its_controller_document() -> None:
    report = verify(load(OB3), options({ISSUER: controller_document()}))
    assert report.verdict == PASS, report.to_json()
    assert f"listed by {ISSUER} for assertionMethod" in report.check("issuer-key").detail


def test_1edtech_clr_vector_passes_with_its_controller_document() -> None:
    report = verify(load(CLR), options({ISSUER: controller_document()}))
    assert report.verdict == PASS, report.to_json()
    assert statuses(report)["nested-credentials"] == PASS
    assert statuses(report)["associations"] == PASS
    [nested] = [p for p in report.parts if p.role == "nested"]
    assert nested.where == "/credentialSubject/verifiableCredential/0"
    assert nested.report.verdict == PASS


def test_a_key_listed_only_for_authentication_is_not_the_issuers_for_credentials() -> None:
    report = verify(load(OB3), options({ISSUER: controller_document("authentication")}))
    assert statuses(report)["issuer-key"] == FAIL and statuses(report)["proof"] == PASS


def test_a_controller_document_under_another_id_could_not_be_checked() -> None:
    other = controller_document(id="https://example.edu/somebody-else")
    report = verify(load(OB3), options({ISSUER: other}))
    assert statuses(report)["issuer-key"] == UNCHECKED
    assert "has id" in report.check("issuer-key").detail


def test_a_tampered_1edtech_vector_fails_its_proof_online_and_offline() -> None:
    tampered = load(OB3)
    tampered["name"] = "Altered"
    for given in (options(), options({ISSUER: controller_document()})):
        report = verify(tampered, given)
        assert report.check("proof").status == FAIL
        assert report.verdict == FAIL


# --- JWTs with the key in the header ------------------------------------------------------


def pyjwt_token(payload: dict[str, Any], key: ec.EllipticCurvePrivateKey, **header: Any) -> str:
    return pyjwt.encode(payload, key, algorithm="ES256", headers=header)


def jwk_of(key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    """The public JWK of a PyJWT signing key."""
    jwk: dict[str, Any] = json.loads(pyjwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    return {name: jwk[name] for name in ("kty", "crv", "x", "y")}


def vc_jose_payload(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "A. Learner"},
        **extra,
    }


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def test_a_jwk_header_without_kid_verifies_the_signature_for_its_did_jwk_issuer(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    """OB 3.0 §8.2.3: "If you do not include a kid ... you MUST include the public key in the
    jwk property". When the issuer's DID is that very key, the key is the issuer's."""
    public = jwk_of(ec_key)
    issuer = did_jwk(PublicKey.from_jwk(public))
    token = pyjwt_token(vc_jose_payload(issuer), ec_key, typ="vc+jwt", jwk=public)
    report = verify(token, options())
    assert report.verdict == PASS, report.to_json()


def test_a_jwk_header_of_an_https_issuer_checks_the_signature_but_not_whose_key(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    token = pyjwt_token(vc_jose_payload(ISSUER), ec_key, typ="vc+jwt", jwk=jwk_of(ec_key))
    report = verify(token, options())
    assert statuses(report)["proof"] == PASS
    assert statuses(report)["issuer-key"] == UNCHECKED
    assert report.verdict == UNCHECKED
    tampered = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
    assert verify(tampered, options()).check("proof").status == FAIL


def test_an_https_kid_is_dereferenced_through_the_controller_document(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    vm = f"{ISSUER}#key-es256"
    document = controller_document()
    document["verificationMethod"] = [
        {"id": vm, "type": "JsonWebKey", "controller": ISSUER, "publicKeyJwk": jwk_of(ec_key)}
    ]
    document["assertionMethod"] = [vm]
    token = pyjwt_token(vc_jose_payload(ISSUER), ec_key, typ="vc+jwt", kid=vm)
    assert verify(token, options({ISSUER: document})).verdict == PASS
    offline = verify(token, options())
    assert statuses(offline)["proof"] == UNCHECKED  # no key at all: not a bad signature
    assert statuses(offline)["issuer-key"] == UNCHECKED


def test_an_ob3_jwt_whose_nbf_differs_is_a_validity_problem_not_a_signature_one(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    public = jwk_of(ec_key)
    issuer = did_jwk(PublicKey.from_jwk(public))
    credential = vc_jose_payload(issuer, id="urn:uuid:1")
    claims = {
        "vc": credential,
        "iss": issuer,
        "sub": "did:example:learner",
        "jti": "urn:uuid:1",
        "nbf": 1735689601,  # one second after validFrom
    }
    token = pyjwt_token(claims, ec_key, typ="JWT", jwk=public)
    report = verify(token, options())
    assert statuses(report)["proof"] == PASS
    assert statuses(report)["validity-period"] == FAIL
    assert "'nbf'" in report.check("validity-period").detail


# --- 1EdTech Revocation List and Credential Refresh ---------------------------------------

LIST_URL = "https://example.edu/revocations/1"
REFRESH_URL = "https://example.edu/refresh/1"


def revocable(ec_key: ec.EllipticCurvePrivateKey, **extra: Any) -> tuple[str, str]:
    public = jwk_of(ec_key)
    issuer = did_jwk(PublicKey.from_jwk(public))
    payload = vc_jose_payload(
        issuer,
        id="urn:uuid:course-7",
        credentialStatus={"id": LIST_URL, "type": "1EdTechRevocationList"},
        **extra,
    )
    extensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    payload["@context"] = [*payload["@context"], extensions]
    return pyjwt_token(payload, ec_key, typ="vc+jwt", jwk=public), issuer


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ([], PASS),
        ([{"id": "urn:uuid:course-7", "revocationReason": "issued in error"}], FAIL),
        ([{"id": "urn:uuid:course-7", "revoked": False}], PASS),
        ([{"id": "urn:uuid:another"}], PASS),
    ],
    ids=["empty", "revoked", "revoked-false", "another-credential"],
)
def test_1edtech_revocation_list(
    ec_key: ec.EllipticCurvePrivateKey, listed: list[dict[str, Any]], expected: str
) -> None:
    token, issuer = revocable(ec_key)
    document = {"id": LIST_URL, "issuer": issuer, "revokedCredentials": listed}
    report = verify(token, options({LIST_URL: document}))
    assert report.check("status").status == expected, report.check("status")
    if expected == FAIL:
        assert "issued in error" in report.check("status").detail


def test_a_revocation_list_of_another_issuer_or_none_at_all_is_could_not_check(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    token, _ = revocable(ec_key)
    foreign = {"id": LIST_URL, "issuer": "did:example:other", "revokedCredentials": []}
    assert verify(token, options({LIST_URL: foreign})).check("status").status == UNCHECKED
    assert verify(token, options({})).check("status").status == UNCHECKED
    assert verify(token, options()).check("status").status == UNCHECKED


def test_a_refresh_service_is_named_and_called_only_when_allowed(
    ec_key: ec.EllipticCurvePrivateKey,
) -> None:
    service = {"id": REFRESH_URL, "type": "1EdTechCredentialRefresh"}
    token, issuer = revocable(ec_key, refreshService=service)
    newer, _ = revocable(ec_key, name="The newer copy")
    pages = {LIST_URL: {"id": LIST_URL, "revokedCredentials": []}, REFRESH_URL: newer.encode()}
    kept = verify(token, options(pages))
    assert any("refreshing is off" in note for note in kept.notes)
    assert not kept.parts
    fresh = verify(token, options(pages, fetch_refresh=web(pages)))
    assert fresh.document is not None and fresh.document["name"] == "The newer copy"
    assert [p.role for p in fresh.parts] == ["original"]
    assert fresh.verdict == PASS


# --- endorsements and CLRs ---------------------------------------------------------------


def endorsement_of(target: str, number: int = 1) -> dict[str, Any]:
    """An EndorsementCredential signed with 1EdTech's vector key (the "state board")."""
    unsigned = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:endorsement-{number}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Accredited programme",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": target,
            "type": ["EndorsementSubject"],
            "endorsementComment": "Meets the state's standards.",
        },
    }
    key = KeyPair.from_multibase(KEY["publicKeyMultibase"], KEY["secretKeyMultibase"])
    return algorithms.sign(unsigned, key, verification_method=VM)


def test_endorsements_are_verified_as_parts_and_never_fail_the_endorsed() -> None:
    credential = load(OB3)
    achievement = credential["credentialSubject"]["achievement"]
    good = endorsement_of(achievement["id"])
    bad = endorsement_of(achievement["id"], 2)
    bad["credentialSubject"]["endorsementComment"] = "Altered after signing."
    key = KeyPair.from_multibase(KEY["publicKeyMultibase"], KEY["secretKeyMultibase"])
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    unsigned["credentialSubject"] = {
        **credential["credentialSubject"],
        "achievement": {**achievement, "endorsement": [good, bad]},
    }
    signed = algorithms.sign(unsigned, key, verification_method=VM)
    report = verify(signed, options({ISSUER: controller_document()}))
    assert report.verdict == PASS, report.to_json()
    parts = {p.where: p.report.verdict for p in report.parts if p.role == "endorsement"}
    assert parts == {
        "/credentialSubject/achievement/endorsement/0": PASS,
        "/credentialSubject/achievement/endorsement/1": FAIL,
    }


def test_a_tampered_nested_credential_fails_the_clr_though_its_own_proof_holds() -> None:
    clr = load(CLR)
    unsigned = {k: v for k, v in clr.items() if k != "proof"}
    nested = copy.deepcopy(unsigned["credentialSubject"]["verifiableCredential"][0])
    nested["name"] = "Altered"
    subject = {**unsigned["credentialSubject"], "verifiableCredential": [nested]}
    unsigned["credentialSubject"] = subject
    key = KeyPair.from_multibase(KEY["publicKeyMultibase"], KEY["secretKeyMultibase"])
    signed = algorithms.sign(unsigned, key, verification_method=VM)
    report = verify(signed, options({ISSUER: controller_document()}))
    assert statuses(report)["proof"] == PASS
    assert statuses(report)["nested-credentials"] == FAIL
    assert report.verdict == FAIL
    [part] = [p for p in report.parts if p.role == "nested"]
    assert part.report.check("proof").status == FAIL


def test_a_clr_association_to_an_achievement_it_does_not_hold_fails() -> None:
    clr = load(CLR)
    unsigned = {k: v for k, v in clr.items() if k != "proof"}
    subject = copy.deepcopy(unsigned["credentialSubject"])
    subject["association"][0]["targetId"] = "urn:uuid:not-held"
    unsigned["credentialSubject"] = subject
    key = KeyPair.from_multibase(KEY["publicKeyMultibase"], KEY["secretKeyMultibase"])
    signed = algorithms.sign(unsigned, key, verification_method=VM)
    report = verify(signed, options({ISSUER: controller_document()}))
    assert statuses(report)["associations"] == FAIL
    assert "urn:uuid:not-held" in report.check("associations").detail


def test_1edtechs_clr_vector_is_valid_against_the_clr_schema() -> None:
    """The CLR's own schema check, and its nested credential's OB 3.0 one in its own report."""
    report = verify(load(CLR), options({ISSUER: controller_document()}))
    assert report.check("schema") == Check(
        "schema", PASS, "valid against the CLR 2.0 ClrCredential schema"
    )
    [nested] = [p for p in report.parts if p.role == "nested"]
    assert nested.report.check("schema") == Check(
        "schema", PASS, "valid against the OB 3.0 AchievementCredential schema"
    )


CLR_DEFECTS: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "no-name": (lambda c: c.pop("name"), "/name: 'name' is a required property"),
    "no-credentials": (
        lambda c: c["credentialSubject"].pop("verifiableCredential"),
        "/credentialSubject/verifiableCredential: 'verifiableCredential' is a required property",
    ),
    "partial-not-boolean": (
        lambda c: c.update(partial="yes"),
        "/partial: 'yes' is not of type 'boolean'",
    ),
}


@pytest.mark.parametrize("defect", list(CLR_DEFECTS))
def test_a_signed_clr_that_fails_its_schema_is_not_conformant_not_forged(defect: str) -> None:
    """The issuer signed a CLR that is not what the CLR schema describes: the signature holds,
    the report is authentic, and only ``schema`` fails, saying where and that it is a matter
    of form."""
    change, problem = CLR_DEFECTS[defect]
    unsigned = {k: v for k, v in copy.deepcopy(load(CLR)).items() if k != "proof"}
    change(unsigned)
    key = KeyPair.from_multibase(KEY["publicKeyMultibase"], KEY["secretKeyMultibase"])
    signed = algorithms.sign(unsigned, key, verification_method=VM)
    report = verify(signed, options({ISSUER: controller_document()}))
    failed = [c.id for c in report.checks if c.status != PASS]
    assert failed == ["schema"], report.to_json()
    assert report.authentic and report.verdict == FAIL
    detail = report.check("schema").detail  # type: ignore[union-attr]
    assert detail == (
        "not conformant to 1EdTech's CLR 2.0 schema (a matter of form, not of who signed): "
        + problem
    )
    assert "forg" not in detail.lower()


def test_a_vc11_shaped_clr_is_checked_against_the_vc11_clr_schema() -> None:
    """1EdTech's validator's VC 1.1 CLR sample (unsigned here: only its schema check is asked)."""
    legacy = load(VECTORS / "clr2-samples" / "validator-simple_v1.json")
    assert content.schema(legacy) == Check(
        "schema", PASS, "valid against the CLR 2.0 ClrCredential schema (VC 1.1 shape)"
    )
    del legacy["issuanceDate"]
    assert content.schema(legacy) == Check(
        "schema",
        FAIL,
        "not conformant to 1EdTech's CLR 2.0 schema (a matter of form, not of who signed): "
        "/issuanceDate: 'issuanceDate' is a required property",
    )
