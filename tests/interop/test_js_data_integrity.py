"""Data Integrity interop: vckit against Digital Bazaar's JavaScript stack.

Independent implementation: ``@digitalbazaar/vc`` (issue / verifyCredential / verify),
``@digitalbazaar/data-integrity`` with ``eddsa-rdfc-2022-cryptosuite`` (Ed25519) and
``ecdsa-rdfc-2019-cryptosuite`` (P-256), ``jsonld`` + ``rdf-canonize`` for RDFC-1.0, did:key
resolved by ``@digitalbazaar/did-method-key`` (exact versions: tests/interop/js/package-lock.json).
The JS side loads contexts only from the repository's contexts/ and never calls vckit.

Directions
  (a) vckit signs (``data_integrity.sign``, ``presentation.sign_presentation``) -> JS verifies.
  (b) JS signs (``vc.issue``, ``vc.signPresentation``) -> vckit verifies (``verify_proof``).
  Tampered documents must fail on both sides. The JS verifier is first shown to accept the W3C
  vectors and reject a tampered one, so a "verified" from it means something.

Documents: the 1EdTech OB 3.0 "Test data" credential with a did:key issuer, the same with
language-tagged names (value objects, mixed-case BCP 47 tags), the same with names carrying a
base direction (``@direction``: both sides canonicalize it with ``rdfDirection``
``"i18n-datatype"``, so the direction is signed; flipping it must fail on both sides), and the same
credential carrying each string of tests/vectors/interop/unicode-strings.json (control characters
and Unicode that N-Quads escaping must treat exactly as rdf-canonize does).

Node runs twice for this module: one batch to sign, one batch to verify and canonicalize.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vckit.di import algorithms as data_integrity
from vckit.did.resolver import DidResolver
from vckit.errors import InvalidSignatureError
from vckit.jsonld import expansion as jsonld
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation

pytestmark = pytest.mark.interop

# fixture types from conftest.py (run_js -> RunJs, its batches -> JsResults with .completed())
JsResults = Any
RunJs = Any

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "interop"

SUITE_KEYS = {
    "eddsa-rdfc-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
    "eddsa-jcs-2022": "Ed25519",
    "ecdsa-jcs-2019": "P-256",
}
SUITES = tuple(SUITE_KEYS)
W3C_VECTORS = {
    "eddsa-rdfc-2022": "w3c/eddsa-rdfc-2022-signedDataInt.json",
    "ecdsa-rdfc-2019": "w3c/ecdsa-rdfc-2019-p256-signedECDSAP256.json",
    "eddsa-jcs-2022": "w3c/eddsa-jcs-2022-signedJCS.json",
    "ecdsa-jcs-2019": "w3c/ecdsa-jcs-2019-p256-signedJCSECDSAP256.json",
}
UNICODE_NAMES = tuple(json.loads((VECTORS / "unicode-strings.json").read_text()))
DOC_IDS = ("ob3", "language-tagged", "direction", *(f"unicode-{name}" for name in UNICODE_NAMES))
CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CREATED_XSD = "2024-05-01T12:00:00Z"
NOW = "2026-01-01T00:00:00Z"
CHALLENGE = "c2a1e6b4-interop-challenge"
DOMAIN = "verifier.example"


# --- documents -------------------------------------------------------------------------------


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def did_of(keys: dict[str, Any], suite: str) -> str:
    mb: str = keys[SUITE_KEYS[suite]]["publicKeyMultibase"]
    return f"did:key:{mb}"


def method_of(keys: dict[str, Any], suite: str) -> str:
    mb: str = keys[SUITE_KEYS[suite]]["publicKeyMultibase"]
    return f"did:key:{mb}#{mb}"


def key_pair(keys: dict[str, Any], suite: str) -> KeyPair:
    entry = keys[SUITE_KEYS[suite]]
    return KeyPair.from_multibase(entry["publicKeyMultibase"], entry["secretKeyMultibase"])


def credential(doc_id: str, issuer: str, unicode_strings: dict[str, str]) -> dict[str, Any]:
    """The OB 3.0 sample with ``issuer`` as issuer id. ``language-tagged`` makes the names JSON-LD
    value objects with mixed-case BCP 47 tags (both sides must treat their case alike: jsonld.js
    and pyld both lower-case them on expansion); ``unicode-<name>``
    puts that string in the issuer name and the achievement's name, description and narrative.
    ``direction`` gives names a base direction: Arabic right-to-left, a mixed-case tag, and
    one with no language (its i18n datatype is ``..._ltr`` with an empty language)."""
    cred = _read("ob3-spec-example-unsigned.json")
    cred["issuer"]["id"] = issuer
    if doc_id == "language-tagged":
        cred["name"] = {"@value": "Teamwork Badge", "@language": "en-US"}
        achievement = cred["credentialSubject"]["achievement"]
        achievement["name"] = [
            {"@value": "Teamwork", "@language": "en-GB"},
            {"@value": "Teamarbeit", "@language": "de-CH"},
            {"@value": "Trabajo en equipo", "@language": "es-419"},
        ]
    elif doc_id == "direction":
        cred["name"] = {"@value": "شارة العمل الجماعي", "@language": "ar", "@direction": "rtl"}
        cred["issuer"]["name"] = {
            "@value": "Example University",
            "@language": "EN-GB",
            "@direction": "ltr",
        }
        cred["credentialSubject"]["achievement"]["name"] = {
            "@value": "Teamwork",
            "@direction": "ltr",
        }
    elif doc_id != "ob3":
        text = unicode_strings[doc_id.removeprefix("unicode-")]
        cred["issuer"]["name"] = text
        achievement = cred["credentialSubject"]["achievement"]
        achievement["name"] = text
        achievement["description"] = f"description: {text}"
        achievement["criteria"]["narrative"] = f"narrative: {text}"
    return cred


def tampered(signed: dict[str, Any]) -> dict[str, Any]:
    """One field changed after signing: the achievement's description."""
    doc = copy.deepcopy(signed)
    doc["credentialSubject"]["achievement"]["description"] += " (edited)"
    return doc


def flipped(signed: dict[str, Any]) -> dict[str, Any]:
    """The ``direction`` document with its name's base direction turned (rtl -> ltr) after
    signing: the text and language are the same, only the direction differs."""
    doc = copy.deepcopy(signed)
    assert doc["name"]["@direction"] == "rtl"
    doc["name"]["@direction"] = "ltr"
    return doc


def tampered_presentation(signed: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(signed)
    doc["holder"] = "did:example:someone-else"
    return doc


# --- the two node batches -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ours_signed(
    interop_keys: dict[str, Any], unicode_strings: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Credentials and presentations signed by vckit, keyed "<suite>/<doc>" and "vp/<suite>"."""
    signed: dict[str, dict[str, Any]] = {}
    for suite in SUITES:
        key = key_pair(interop_keys, suite)
        for doc_id in DOC_IDS:
            signed[f"{suite}/{doc_id}"] = data_integrity.sign(
                credential(doc_id, did_of(interop_keys, suite), unicode_strings),
                key,
                verification_method=method_of(interop_keys, suite),
                cryptosuite=suite,
                created=CREATED,
            )
        vp = build_presentation([signed[f"{suite}/ob3"]], holder=did_of(interop_keys, suite))
        signed[f"vp/{suite}"] = sign_presentation(
            vp,
            key,
            verification_method=method_of(interop_keys, suite),
            challenge=CHALLENGE,
            domain=DOMAIN,
            created=CREATED,
            cryptosuite=suite,
        )
    return signed


@pytest.fixture(scope="module")
def js_signed(
    run_js: RunJs, interop_keys: dict[str, Any], unicode_strings: dict[str, str]
) -> JsResults:
    """Node batch 1: credentials ("<suite>/<doc>") and presentations ("vp/<suite>") signed by
    @digitalbazaar/vc with the same fixed keys."""
    cases: list[dict[str, Any]] = []
    for suite in SUITES:
        entry = interop_keys[SUITE_KEYS[suite]]
        key = {k: entry[k] for k in ("publicKeyMultibase", "secretKeyMultibase")}
        issuer = did_of(interop_keys, suite)
        for doc_id in DOC_IDS:
            cases.append(
                {
                    "id": f"{suite}/{doc_id}",
                    "op": "sign-credential",
                    "credential": credential(doc_id, issuer, unicode_strings),
                    "cryptosuite": suite,
                    "key": key,
                    "created": CREATED_XSD,
                }
            )
        cases.append(
            {
                "id": f"vp/{suite}",
                "op": "sign-presentation",
                "presentation": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "holder": issuer,
                },
                "cryptosuite": suite,
                "key": key,
                "created": CREATED_XSD,
                "challenge": CHALLENGE,
                "domain": DOMAIN,
            }
        )
    return run_js("di.mjs", cases)


@pytest.fixture(scope="module")
def js_verdicts(
    run_js: RunJs,
    interop_keys: dict[str, Any],
    unicode_strings: dict[str, str],
    ours_signed: dict[str, dict[str, Any]],
    js_signed: JsResults,
) -> JsResults:
    """Node batch 2: what the JS stack says about W3C vectors, vckit's documents, tampered
    copies of the JS-signed ones, and the canonical N-Quads of every unsigned document."""

    def verify(case_id: str, doc: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"id": case_id, "op": "verify-credential", "credential": doc, "now": NOW, **extra}

    def verify_vp(case_id: str, vp: dict[str, Any], challenge: str, domain: str) -> dict[str, Any]:
        return {
            "id": case_id,
            "op": "verify-presentation",
            "presentation": vp,
            "challenge": challenge,
            "domain": domain,
            "now": NOW,
        }

    cases: list[dict[str, Any]] = []
    for suite, name in W3C_VECTORS.items():
        vector = _read(name)
        # the W3C vectors' issuer is an https URL, not the did:key controller: proof check only
        cases.append(verify(f"w3c/{suite}", vector, purpose="assertion-method"))
        changed = copy.deepcopy(vector)
        changed["credentialSubject"]["alumniOf"] += " (edited)"
        cases.append(verify(f"w3c/{suite}/tampered", changed, purpose="assertion-method"))
    for suite in SUITES:
        for doc_id in DOC_IDS:
            ours = ours_signed[f"{suite}/{doc_id}"]
            cases.append(verify(f"ours/{suite}/{doc_id}", ours))
            cases.append(verify(f"ours/{suite}/{doc_id}/tampered", tampered(ours)))
            theirs = js_signed.completed(f"{suite}/{doc_id}")["document"]
            cases.append(verify(f"js/{suite}/{doc_id}/tampered", tampered(theirs)))
        cases.append(
            verify(f"ours/{suite}/direction/flipped", flipped(ours_signed[f"{suite}/direction"]))
        )
        vp = ours_signed[f"vp/{suite}"]
        cases.append(verify_vp(f"ours/vp/{suite}", vp, CHALLENGE, DOMAIN))
        cases.append(verify_vp(f"ours/vp/{suite}/other-challenge", vp, "another", DOMAIN))
        cases.append(verify_vp(f"ours/vp/{suite}/other-domain", vp, CHALLENGE, "evil.example"))
    issuer = did_of(interop_keys, "eddsa-rdfc-2022")
    for doc_id in DOC_IDS:
        cases.append(
            {
                "id": f"canon/{doc_id}",
                "op": "canonize",
                "document": credential(doc_id, issuer, unicode_strings),
            }
        )
    return run_js("di.mjs", cases)


# --- the JS verifier is a real verifier --------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES)
def test_js_verifier_accepts_w3c_vector(js_verdicts: JsResults, suite: str) -> None:
    verdict = js_verdicts.completed(f"w3c/{suite}")
    assert verdict["verified"], verdict["errors"]


@pytest.mark.parametrize("suite", SUITES)
def test_js_verifier_rejects_tampered_w3c_vector(js_verdicts: JsResults, suite: str) -> None:
    verdict = js_verdicts.completed(f"w3c/{suite}/tampered")
    assert not verdict["verified"]
    assert "Error: Invalid signature." in verdict["errors"]


# --- canonical form: the escaping trap, shown line by line -------------------------------


def _first_difference(ours: str, theirs: str) -> str:
    for mine, other in zip(ours.split("\n"), theirs.split("\n"), strict=False):
        if mine != other:
            return f"\nvckit: {mine!r}\nJS:    {other!r}"
    return f"\n{ours.count(chr(10))} lines (vckit) vs {theirs.count(chr(10))} lines (JS)"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_canonical_nquads_equal_rdf_canonize(
    js_verdicts: JsResults,
    interop_keys: dict[str, Any],
    unicode_strings: dict[str, str],
    doc_id: str,
) -> None:
    doc = credential(doc_id, did_of(interop_keys, "eddsa-rdfc-2022"), unicode_strings)
    ours = jsonld.canonicalize(doc)
    theirs = js_verdicts.completed(f"canon/{doc_id}")["nquads"]
    assert ours == theirs, _first_difference(ours, theirs)


# --- (a) vckit signs, Digital Bazaar verifies ------------------------------------------------


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("suite", SUITES)
def test_js_verifies_credential_signed_by_vckit(
    js_verdicts: JsResults, suite: str, doc_id: str
) -> None:
    verdict = js_verdicts.completed(f"ours/{suite}/{doc_id}")
    assert verdict["verified"], verdict["errors"]


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("suite", SUITES)
def test_js_rejects_tampered_credential_signed_by_vckit(
    js_verdicts: JsResults, suite: str, doc_id: str
) -> None:
    verdict = js_verdicts.completed(f"ours/{suite}/{doc_id}/tampered")
    assert not verdict["verified"]
    assert "Error: Invalid signature." in verdict["errors"]


@pytest.mark.parametrize("suite", SUITES)
def test_js_verifies_presentation_signed_by_vckit(js_verdicts: JsResults, suite: str) -> None:
    verdict = js_verdicts.completed(f"ours/vp/{suite}")
    assert verdict["presentationVerified"], verdict["errors"]
    assert verdict["credentialsVerified"] == [True]
    assert verdict["verified"]


@pytest.mark.parametrize("binding", ["other-challenge", "other-domain"])
@pytest.mark.parametrize("suite", SUITES)
def test_js_rejects_presentation_signed_by_vckit_for_another_request(
    js_verdicts: JsResults, suite: str, binding: str
) -> None:
    verdict = js_verdicts.completed(f"ours/vp/{suite}/{binding}")
    assert not verdict["presentationVerified"]
    assert not verdict["verified"]
    word = binding.removeprefix("other-")
    assert any(f"The {word} is not as expected" in e for e in verdict["errors"]), verdict


@pytest.mark.parametrize("suite", SUITES)
def test_js_rejects_credential_signed_by_vckit_with_direction_flipped(
    js_verdicts: JsResults, suite: str
) -> None:
    """The base direction is signed: Digital Bazaar refuses our proof once it is flipped."""
    verdict = js_verdicts.completed(f"ours/{suite}/direction/flipped")
    assert not verdict["verified"]
    assert "Error: Invalid signature." in verdict["errors"]


# --- (b) Digital Bazaar signs, vckit verifies -------------------------------------------------


def _verify_with_vckit(
    doc: dict[str, Any], purpose: str, challenge: str | None = None, domain: str | None = None
) -> None:
    """Resolve the proof's did:key with vckit and verify the proof with vckit."""
    proof = doc["proof"]
    did_document, method = DidResolver().resolve_method(proof["verificationMethod"])
    assert did_document.allows(method.id, purpose)
    data_integrity.verify_proof(
        doc,
        proof,
        method.public_key,
        expected_proof_purpose=purpose,
        challenge=challenge,
        domain=domain,
    )


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("suite", SUITES)
def test_vckit_verifies_credential_signed_by_js(
    js_signed: JsResults, interop_keys: dict[str, Any], suite: str, doc_id: str
) -> None:
    signed = js_signed.completed(f"{suite}/{doc_id}")["document"]
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["verificationMethod"] == method_of(interop_keys, suite)
    _verify_with_vckit(signed, "assertionMethod")


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("suite", SUITES)
def test_vckit_rejects_tampered_credential_signed_by_js(
    js_signed: JsResults, suite: str, doc_id: str
) -> None:
    signed = js_signed.completed(f"{suite}/{doc_id}")["document"]
    with pytest.raises(InvalidSignatureError):
        _verify_with_vckit(tampered(signed), "assertionMethod")


@pytest.mark.parametrize("suite", SUITES)
def test_vckit_rejects_credential_signed_by_js_with_direction_flipped(
    js_signed: JsResults, suite: str
) -> None:
    """Digital Bazaar signs the direction (rdfDirection i18n-datatype); so do we, when
    verifying: the flipped copy fails (on main it passed: the direction was not in the quads)."""
    signed = js_signed.completed(f"{suite}/direction")["document"]
    with pytest.raises(InvalidSignatureError):
        _verify_with_vckit(flipped(signed), "assertionMethod")


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("suite", SUITES)
def test_js_rejects_tampered_credential_signed_by_js(
    js_verdicts: JsResults, suite: str, doc_id: str
) -> None:
    verdict = js_verdicts.completed(f"js/{suite}/{doc_id}/tampered")
    assert not verdict["verified"]
    assert "Error: Invalid signature." in verdict["errors"]


@pytest.mark.parametrize("suite", SUITES)
def test_vckit_verifies_presentation_signed_by_js(js_signed: JsResults, suite: str) -> None:
    vp = js_signed.completed(f"vp/{suite}")["document"]
    assert vp["proof"]["challenge"] == CHALLENGE
    assert vp["proof"]["domain"] == DOMAIN
    _verify_with_vckit(vp, "authentication", challenge=CHALLENGE, domain=DOMAIN)


@pytest.mark.parametrize("suite", SUITES)
def test_vckit_rejects_tampered_presentation_signed_by_js(js_signed: JsResults, suite: str) -> None:
    vp = js_signed.completed(f"vp/{suite}")["document"]
    with pytest.raises(InvalidSignatureError):
        _verify_with_vckit(
            tampered_presentation(vp), "authentication", challenge=CHALLENGE, domain=DOMAIN
        )
