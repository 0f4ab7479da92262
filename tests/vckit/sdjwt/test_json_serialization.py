"""SD-JWT in the JWS JSON Serialization (RFC 9901 §8): ``vckit.sdjwt.json_serialization``.

The four JSON vectors were made by sd-jwt 0.10.4, before RFC 9901 §8 (see
tests/vectors/sd-jwt/SOURCE.md): ``disclosures`` / ``kb_jwt`` are top-level members and the
KB-JWT ``sd_hash`` is over the issuance JSON text. The tests pin those facts, then check the
signed parts under RFC 9901 by moving the two unsigned members into ``header`` (no signed byte
changes) and, for key binding, by binding a KB-JWT of the vector's holder as §8.1 says.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests import sd_scenarios as sc
from tests.vckit.sdjwt.test_sd_jwt import (
    AUD,
    HOLDER_KEY,
    KEYS,
    NONCE,
    NOW,
    VECTORS,
    b64json,
    issued,
    issuer_lookup,
    presented,
    verify_ours,
)
from vckit import sdjwt as sd_jwt
from vckit.errors import (
    InputError,
    KeyBindingHashError,
    SdJwtJsonError,
    SdJwtUnreferencedDisclosureError,
)
from vckit.keys.keypair import KeyPair
from vckit.sdjwt import compact as sd_jwt_compact
from vckit.sdjwt import json_serialization as sd_jwt_json
from vckit.verification import VerifyOptions, verify

JSON_CASES = sorted(VECTORS.glob("*/json_serialization_*"))


def case_id(path: Path) -> str:
    return f"{path.parent.name.split('-')[0]}-{path.name.removeprefix('json_serialization_')}"


def vector(case: Path, name: str) -> dict[str, Any]:
    """The generator wrote each JWS JSON object as a JSON string."""
    value = json.loads(json.loads((case / name).read_text()))
    assert isinstance(value, dict)
    return value


def rfc_layout(legacy: Mapping[str, Any]) -> dict[str, Any]:
    """The same object with ``disclosures`` / ``kb_jwt`` in the unprotected header (§8.1)."""
    moved = {k: v for k, v in legacy.items() if k not in ("disclosures", "kb_jwt")}
    moved["header"] = {k: legacy[k] for k in ("disclosures", "kb_jwt") if k in legacy}
    return moved


def kb_options(case: Path) -> dict[str, Any]:
    kb = json.loads((case / "kb_jwt_payload.json").read_text())
    return {
        "now": kb["iat"],
        "expected_nonce": KEYS["key_binding_nonce"],
        "expected_aud": KEYS["verifier"][case.parent.name],
        "require_key_binding": True,
    }


def test_json_vector_count() -> None:
    assert len(JSON_CASES) == 4


@pytest.mark.parametrize("case", JSON_CASES, ids=case_id)
def test_vector_as_generated_is_refused_with_a_named_error(case: Path) -> None:
    legacy = vector(case, "sd_jwt_presentation.json")
    assert "signature" in legacy and "signatures" not in legacy  # "general" is Flattened too
    with pytest.raises(SdJwtJsonError, match="unprotected 'header'") as caught:
        sd_jwt_json.parse(legacy)
    assert caught.value.code == "sd-jwt-json-malformed"


@pytest.mark.parametrize("case", JSON_CASES, ids=case_id)
def test_vector_issuance_verifies_with_everything_disclosed(case: Path) -> None:
    issuance = rfc_layout(vector(case, "sd_jwt_issuance.json"))
    result = sd_jwt_json.verify(issuance, issuer_lookup, now=NOW)
    assert len(result.disclosed_paths) == len(issuance["header"]["disclosures"]) > 0


@pytest.mark.parametrize("case", JSON_CASES, ids=case_id)
def test_vector_presentation_gives_the_verified_contents(case: Path) -> None:
    expected = json.loads((case / "verified_contents.json").read_text())
    presentation = rfc_layout(vector(case, "sd_jwt_presentation.json"))
    without_kb = copy.deepcopy(presentation)
    del without_kb["header"]["kb_jwt"]
    assert sd_jwt_json.verify(without_kb, issuer_lookup, now=NOW).claims == expected
    # its KB-JWT, under RFC 9901 §8.1: the sd_hash is 0.10.4's, so it does not match
    with pytest.raises(KeyBindingHashError):
        sd_jwt_json.verify(presentation, issuer_lookup, **kb_options(case))


@pytest.mark.parametrize("case", JSON_CASES, ids=case_id)
def test_vector_kb_jwt_differs_from_rfc_9901_only_in_the_sd_hash_input(case: Path) -> None:
    """Every other §7.3 check of the vector's KB-JWT passes (typ, cnf-key signature, iat,
    nonce, aud) once ``sd_hash`` is taken over 0.10.4's input."""
    issuance_text = json.loads((case / "sd_jwt_issuance.json").read_text())
    presentation = vector(case, "sd_jwt_presentation.json")
    old_input = issuance_text + "~" + "".join(d + "~" for d in presentation["disclosures"])
    parsed = sd_jwt_json.parse(rfc_layout(presentation))
    claims = sd_jwt.verify(parsed.sd_hash_input, issuer_lookup, now=NOW).claims
    options = kb_options(case)
    sd_jwt.verify_key_binding(
        presentation["kb_jwt"],
        old_input,
        claims,
        hash_alg="sha-256",
        now=options["now"],
        expected_nonce=options["expected_nonce"],
        expected_aud=options["expected_aud"],
        max_age=300,
        leeway=0,
        allowed_algs=("ES256",),
    )
    kb = json.loads((case / "kb_jwt_payload.json").read_text())
    assert kb["sd_hash"] == sd_jwt.sd_hash(old_input) != sd_jwt.sd_hash(parsed.sd_hash_input)


@pytest.mark.parametrize("case", JSON_CASES, ids=case_id)
def test_vector_rebound_by_its_holder_as_section_8_says_verifies(case: Path) -> None:
    """The vector's holder key binds the same disclosures with an RFC 9901 §8.1 sd_hash."""
    expected = json.loads((case / "verified_contents.json").read_text())
    presentation = rfc_layout(vector(case, "sd_jwt_presentation.json"))
    del presentation["header"]["kb_jwt"]
    paths = sd_jwt_json.verify(presentation, issuer_lookup, now=NOW).disclosed_paths
    options = kb_options(case)
    bound = sd_jwt_json.present(
        presentation,
        paths,
        HOLDER_KEY,
        nonce=options["expected_nonce"],
        aud=options["expected_aud"],
        iat=options["now"],
    )
    assert sd_jwt_json.verify(bound, issuer_lookup, **options).claims == expected
    _, kb_payload = sd_jwt_compact.jwt_parts(bound["header"]["kb_jwt"], "KB-JWT")
    jws = ".".join([bound["protected"], bound["payload"], bound["signature"]])
    wanted = jws + "~" + "".join(d + "~" for d in bound["header"]["disclosures"])
    assert kb_payload["sd_hash"] == sd_jwt.sd_hash(wanted)


# --- round trips -----------------------------------------------------------------------------

CO_SIGNER = KeyPair.generate("P-256")


def test_compact_to_flattened_and_back() -> None:
    compact = presented()
    flat = sd_jwt_json.to_flattened(compact, {"x-trace": "t-1"})
    assert set(flat) == {"payload", "protected", "header", "signature"}
    assert set(flat["header"]) == {"x-trace", "disclosures", "kb_jwt"}
    with pytest.raises(SdJwtJsonError, match="both protected and header"):
        sd_jwt_json.to_flattened(compact, {"kid": "issuer-key-1"})  # kid is protected
    assert sd_jwt_json.to_compact(flat) == compact
    assert sd_jwt_json.to_compact(json.dumps(flat)) == compact
    assert sd_jwt_json.verify(flat, issuer_lookup, **_ours()) == verify_ours(compact)


def _ours() -> dict[str, Any]:
    return {
        "now": NOW,
        "expected_nonce": NONCE,
        "expected_aud": AUD,
        "require_key_binding": True,
        "expected_typ": "dc+sd-jwt",
    }


def test_general_with_two_signatures_verifies_and_keeps_every_signature() -> None:
    compact = presented()
    general = sd_jwt_json.to_general(compact, [({"alg": "ES256", "kid": "co"}, CO_SIGNER)])
    assert len(general["signatures"]) == 2 and "header" not in general["signatures"][1]
    parsed = sd_jwt_json.parse(general)
    assert parsed.general and parsed.compact == compact
    assert sd_jwt_json.verify(general, issuer_lookup, **_ours()) == verify_ours(compact)
    # the co-signature is a good JWS over the same payload, for a caller who wants it
    payload = sd_jwt.verify_issuer_jwt(
        parsed.signatures[1], lambda h, p: CO_SIGNER.public, ("ES256",)
    )
    assert payload["iss"] == "https://issuer.example"


@pytest.mark.parametrize("form", ["flattened", "general"])
def test_issue_to_json_then_present_from_json(form: str) -> None:
    compact = issued()
    held = (
        sd_jwt_json.to_flattened(compact)
        if form == "flattened"
        else sd_jwt_json.to_general(compact, [({"alg": "ES256"}, CO_SIGNER)])
    )
    shown = sd_jwt_json.present(
        held, [("given_name",), ("address", "locality")], HOLDER_KEY, nonce=NONCE, aud=AUD, iat=NOW
    )
    first = shown["header"] if form == "flattened" else shown["signatures"][0]["header"]
    assert len(first["disclosures"]) == 3  # given_name, address, address.locality
    result = sd_jwt_json.verify(shown, issuer_lookup, **_ours())
    assert result.claims["given_name"] == "Ada" and "family_name" not in result.claims
    assert result == verify_ours(presented())
    if form == "general":
        assert shown["signatures"][1] == held["signatures"][1]


# --- negative cases --------------------------------------------------------------------------


def _flat() -> dict[str, Any]:
    return sd_jwt_json.to_flattened(presented())


def test_disclosure_added_to_the_unprotected_header_breaks_the_sd_hash() -> None:
    _, all_disclosures, _ = sd_jwt.split(issued())
    flat = _flat()
    extra = next(d for d in all_disclosures if d not in flat["header"]["disclosures"])
    flat["header"]["disclosures"].append(extra)
    with pytest.raises(KeyBindingHashError):
        sd_jwt_json.verify(flat, issuer_lookup, **_ours())


def test_foreign_disclosure_added_without_key_binding_is_unreferenced() -> None:
    flat = sd_jwt_json.to_flattened(issued())
    flat["header"]["disclosures"].append(sd_jwt.encode_disclosure("salt-x", "admin", True))
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt_json.verify(flat, issuer_lookup, now=NOW)


def test_kb_jwt_from_another_presentation_is_refused() -> None:
    other = sd_jwt.present(issued(), [("family_name",)], HOLDER_KEY, nonce=NONCE, aud=AUD, iat=NOW)
    flat = _flat()
    flat["header"]["kb_jwt"] = sd_jwt.split(other)[2]
    with pytest.raises(KeyBindingHashError):
        sd_jwt_json.verify(flat, issuer_lookup, **_ours())


@pytest.mark.parametrize("member", ["disclosures", "kb_jwt"])
def test_general_with_sd_members_in_a_later_signature_header(member: str) -> None:
    general = sd_jwt_json.to_general(presented(), [({"alg": "ES256"}, CO_SIGNER)])
    general["signatures"][1]["header"] = {member: general["signatures"][0]["header"].pop(member)}
    with pytest.raises(SdJwtJsonError, match="first signature"):
        sd_jwt_json.parse(general)


def _edit(path: tuple[str | int, ...], value: Any, general: bool = False) -> Any:
    document: Any = (
        sd_jwt_json.to_general(presented(), [({"alg": "ES256"}, CO_SIGNER)]) if general else _flat()
    )
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()
MALFORMED: dict[str, Any] = {
    "not-an-object": [1, 2],
    "not-json": "{nope",
    "json-array-text": "[]",
    "payload-missing": _edit(("payload",), _DELETE),
    "payload-not-string": _edit(("payload",), 7),
    "payload-not-base64url": _edit(("payload",), "a~b"),
    "protected-missing": _edit(("protected",), _DELETE),
    "protected-not-json": _edit(("protected",), "bm9wZQ"),
    "signature-not-string": _edit(("signature",), None),
    "header-not-object": _edit(("header",), ["disclosures"]),
    "disclosures-not-array": _edit(("header", "disclosures"), "WyJhIl0"),
    "disclosure-not-string": _edit(("header", "disclosures", 0), {"x": 1}),
    "disclosure-with-tilde": _edit(("header", "disclosures", 0), "abc~def"),
    "kb-jwt-not-a-jws": _edit(("header", "kb_jwt"), "abc"),
    "kb-jwt-not-string": _edit(("header", "kb_jwt"), 5),
    "alg-in-both-headers": _edit(("header", "alg"), "ES256"),
    "top-level-disclosures": _edit(("disclosures",), []),
    "signatures-empty": {"payload": b64json({}), "signatures": []},
    "signatures-not-array": {"payload": b64json({}), "signatures": {"protected": "e30"}},
    "signatures-entry-not-object": _edit(("signatures", 1), "sig", general=True),
    "general-with-top-level-signature": _edit(("signature",), "abc", general=True),
    "general-second-signature-missing": _edit(("signatures", 1, "signature"), _DELETE, True),
}


@pytest.mark.parametrize("document", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_members_are_named_input_errors(document: Any) -> None:
    with pytest.raises(SdJwtJsonError) as caught:
        sd_jwt_json.parse(document)
    assert isinstance(caught.value, InputError)  # a web layer answers 4xx, never 500


# --- vckit.verification.verify: the same report as the compact form ------------------------------

BIRTH = ("credentialSubject", "identifier", 1)  # sc.BIRTH and sc.GRADE as sd_jwt paths
GRADE = ("credentialSubject", "result")


def test_verify_reports_the_json_form_as_the_compact_form() -> None:
    token = sc.issue_sd_jwt(decoys=1)
    shown = sd_jwt.present(token, [BIRTH, GRADE], sc.HOLDER, nonce=NONCE, aud=AUD, iat=sc.NOW)
    options = VerifyOptions(now=sc.NOW, challenge=NONCE, domain=AUD)
    for compact in (token, shown):
        expected = verify(compact, options)
        flat = sd_jwt_json.to_flattened(compact)
        assert verify(flat, options) == expected
        assert verify(json.dumps(flat), options) == expected
        general = sd_jwt_json.to_general(compact, [({"alg": "ES256"}, CO_SIGNER)])
        assert verify(general, options) == expected
    report = verify(sd_jwt_json.to_flattened(shown), options)
    assert report.format == "dc+sd-jwt+kb" and report.verdict != "fail"
    assert {c.id: c.status for c in report.checks} == dict.fromkeys(
        ("proof", "holder-binding", "challenge", "domain"), "pass"
    )


def test_verify_of_a_tampered_json_form_fails_the_named_check() -> None:
    token = sc.issue_sd_jwt()
    shown = sd_jwt.present(token, [BIRTH], sc.HOLDER, nonce=NONCE, aud=AUD, iat=sc.NOW)
    flat = sd_jwt_json.to_flattened(shown)
    _, every, _ = sd_jwt.split(token)
    flat["header"]["disclosures"].append(
        next(d for d in every if d not in flat["header"]["disclosures"])
    )
    report = verify(flat, VerifyOptions(now=sc.NOW, challenge=NONCE, domain=AUD))
    assert report.verdict == "fail"
    proof = report.check("proof")
    assert proof is not None and proof.status == "fail" and "sd-hash" in proof.detail


@pytest.mark.parametrize("name", ["top-level-disclosures", "kb-jwt-not-a-jws", "signatures-empty"])
def test_verify_of_malformed_json_form_raises_the_named_input_error(name: str) -> None:
    with pytest.raises(SdJwtJsonError):
        verify(MALFORMED[name], VerifyOptions(now=sc.NOW))
