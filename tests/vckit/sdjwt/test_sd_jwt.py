"""SD-JWT (RFC 9901): the IETF draft and sd-jwt-python vectors, then named failure scenarios."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.paths import VECTORS
from vckit import sdjwt as sd_jwt
from vckit.errors import (
    InvalidSignatureError,
    JwtAlgorithmError,
    KeyBindingAudienceError,
    KeyBindingError,
    KeyBindingHashError,
    KeyBindingMissingError,
    KeyBindingNonceError,
    KeyBindingTimeError,
    SdJwtDigestRepeatedError,
    SdJwtDisclosureError,
    SdJwtDuplicateDisclosureError,
    SdJwtError,
    SdJwtFormatError,
    SdJwtHashAlgorithmError,
    SdJwtTimeError,
    SdJwtUnreferencedDisclosureError,
)
from vckit.keys.keypair import KeyPair, PublicKey
from vckit.sdjwt import compact as sd_jwt_compact

VECTORS = VECTORS / "sd-jwt"
KEYS = json.loads((VECTORS / "keys.json").read_text())
ISSUER = PublicKey.from_jwk(KEYS["issuer_public"])
ISSUER_KEY = KeyPair.from_private_jwk(KEYS["issuer_private"])
HOLDER_KEY = KeyPair.from_private_jwk(KEYS["holder_private"])
NOW = 1_700_000_000  # between the vectors' iat (1683000000) and exp (1883000000)
AUD = "https://verifier.example.org"
NONCE = "n-0S6_WzA2Mj"


def issuer_lookup(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
    return ISSUER


CASES = sorted(
    p for p in VECTORS.glob("*/*") if p.is_dir() and (p / "sd_jwt_presentation.txt").exists()
)


def case_id(path: Path) -> str:
    return f"{path.parent.name.split('-')[0]}-{path.name}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vector_presentation_verifies_to_the_expected_claims(case: Path) -> None:
    presentation = (case / "sd_jwt_presentation.txt").read_text().strip()
    expected = json.loads((case / "verified_contents.json").read_text())
    kb_file = case / "kb_jwt_payload.json"
    if kb_file.exists():
        kb = json.loads(kb_file.read_text())
        result = sd_jwt.verify(
            presentation,
            issuer_lookup,
            now=kb["iat"],
            expected_nonce=KEYS["key_binding_nonce"],
            expected_aud=KEYS["verifier"][case.parent.name],
            require_key_binding=True,
        )
    else:
        result = sd_jwt.verify(presentation, issuer_lookup, now=NOW)
    assert result.claims == expected


def test_vector_count() -> None:
    assert len(CASES) == 28
    assert sum((c / "kb_jwt_payload.json").exists() for c in CASES) == 6


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vector_issuance_verifies_with_everything_disclosed(case: Path) -> None:
    issued = (case / "sd_jwt_issuance.txt").read_text().strip()
    result = sd_jwt.verify(issued, issuer_lookup, now=NOW)
    _, disclosures, _ = sd_jwt.split(issued)
    assert len(result.disclosed_paths) == len(disclosures)


# --- helpers over the arf-pid vector ---------------------------------------------------------

ARF = VECTORS / "ietf-draft-examples" / "arf-pid"
ARF_ISSUED = (ARF / "sd_jwt_issuance.txt").read_text().strip()
ARF_KB = json.loads((ARF / "kb_jwt_payload.json").read_text())
ARF_PRESENTATION = (ARF / "sd_jwt_presentation.txt").read_text().strip()


def verify_arf(presentation: str, **kwargs: Any) -> sd_jwt.SdJwtVerification:
    options: dict[str, Any] = {
        "now": ARF_KB["iat"],
        "expected_nonce": ARF_KB["nonce"],
        "expected_aud": ARF_KB["aud"],
        "require_key_binding": True,
    }
    options.update(kwargs)
    return sd_jwt.verify(presentation, issuer_lookup, **options)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value: Any) -> str:
    return b64(json.dumps(value).encode("utf-8"))


def unb64json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def counter_salts() -> Callable[[], str]:
    def gen() -> Iterator[str]:
        n = 0
        while True:
            n += 1
            yield f"salt-{n}"

    it = gen()
    return lambda: next(it)


CLAIMS: dict[str, Any] = {
    "iss": "https://issuer.example",
    "vct": "https://credentials.example/badge",
    "iat": 1_699_000_000,
    "exp": 1_701_000_000,
    "given_name": "Ada",
    "family_name": "Lovelace",
    "address": {"locality": "London", "country": "UK"},
    "nationalities": ["GB", "FR"],
}
DISCLOSABLE = [
    ("given_name",),
    ("family_name",),
    ("address",),
    ("address", "locality"),
    ("nationalities", 1),
]


def issued(**kwargs: Any) -> str:
    options: dict[str, Any] = {
        "kid": "issuer-key-1",
        "disclosable": DISCLOSABLE,
        "holder_jwk": HOLDER_KEY.public.to_jwk(),
        "salt": counter_salts(),
    }
    options.update(kwargs)
    return sd_jwt.issue(CLAIMS, ISSUER_KEY, **options)


def presented(token: str | None = None, **kwargs: Any) -> str:
    options: dict[str, Any] = {"nonce": NONCE, "aud": AUD, "iat": NOW}
    options.update(kwargs)
    return sd_jwt.present(
        token or issued(), [("given_name",), ("address", "locality")], HOLDER_KEY, **options
    )


def verify_ours(presentation: str, **kwargs: Any) -> sd_jwt.SdJwtVerification:
    options: dict[str, Any] = {
        "now": NOW,
        "expected_nonce": NONCE,
        "expected_aud": AUD,
        "require_key_binding": True,
        "expected_typ": "dc+sd-jwt",
    }
    options.update(kwargs)
    return sd_jwt.verify(presentation, issuer_lookup, **options)


# --- round trip ------------------------------------------------------------------------------


def test_issue_present_verify_round_trip() -> None:
    result = verify_ours(presented())
    assert result.claims == {
        "iss": "https://issuer.example",
        "vct": "https://credentials.example/badge",
        "iat": 1_699_000_000,
        "exp": 1_701_000_000,
        "given_name": "Ada",
        "address": {"locality": "London", "country": "UK"},  # country is not disclosable
        "nationalities": ["GB"],
        "cnf": {"jwk": HOLDER_KEY.public.to_jwk()},
    }
    assert set(result.disclosed_paths) == {("given_name",), ("address",), ("address", "locality")}
    assert result.withheld == 2  # family_name and nationalities[1]


def test_issued_header_and_payload_follow_sd_jwt_vc() -> None:
    jwt, disclosures, kb = sd_jwt.split(issued(decoys=2))
    header = unb64json(jwt.split(".")[0])
    payload = unb64json(jwt.split(".")[1])
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": "issuer-key-1"}
    assert payload["_sd_alg"] == "sha-256"
    assert payload["_sd"] == sorted(payload["_sd"])
    assert len(payload["_sd"]) == 3 + 2  # given_name, family_name, address + 2 decoys
    assert "given_name" not in payload and kb is None
    assert len(disclosures) == 5
    assert unb64json(disclosures[0]) == ["salt-1", "given_name", "Ada"]


def test_decoys_count_as_withheld() -> None:
    everything = sd_jwt.verify(issued(decoys=2), issuer_lookup, now=NOW)
    assert everything.withheld == 2 * 2  # two decoys in each _sd array (top level, address)
    assert len(everything.disclosed_paths) == 5


@pytest.mark.parametrize("path", [("iss",), ("vct",), ("exp",)], ids=["iss", "vct", "exp"])
def test_sd_jwt_vc_registered_claims_are_never_disclosable(path: tuple[str, ...]) -> None:
    with pytest.raises(SdJwtFormatError):
        issued(disclosable=[path])


@pytest.mark.parametrize("path", [("no_such_claim",), ()], ids=["unknown", "empty"])
def test_unknown_or_empty_disclosable_path_is_refused(path: tuple[str, ...]) -> None:
    with pytest.raises(SdJwtFormatError):
        issued(disclosable=[path])


def test_kb_jwt_has_kb_jwt_typ_and_sd_hash() -> None:
    presentation = presented()
    kb_jwt = presentation.rsplit("~", 1)[1]
    assert unb64json(kb_jwt.split(".")[0]) == {"alg": "ES256", "typ": "kb+jwt"}
    claims = unb64json(kb_jwt.split(".")[1])
    assert claims["sd_hash"] == sd_jwt.sd_hash(presentation[: -len(kb_jwt)])
    assert (claims["nonce"], claims["aud"], claims["iat"]) == (NONCE, AUD, NOW)


# --- named failure scenarios -----------------------------------------------------------------


def test_modified_disclosure_is_unreferenced() -> None:
    jwt, disclosures, _ = sd_jwt.split(ARF_ISSUED)
    forged = b64json(["tampered-salt", "given_name", "Eve"])
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt.verify(jwt + "~" + forged + "~", issuer_lookup, now=NOW)
    salt, name, _ = unb64json(disclosures[0])
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt.verify(jwt + "~" + b64json([salt, name, "Eve"]) + "~", issuer_lookup, now=NOW)


def test_disclosure_from_another_sd_jwt_is_unreferenced() -> None:
    jwt, _, _ = sd_jwt.split(issued())
    foreign = sd_jwt.split(ARF_ISSUED)[1][0]
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt.verify(jwt + "~" + foreign + "~", issuer_lookup, now=NOW)


def test_duplicate_disclosure() -> None:
    jwt, disclosures, _ = sd_jwt.split(ARF_ISSUED)
    with pytest.raises(SdJwtDuplicateDisclosureError):
        sd_jwt.verify(
            jwt + "~" + disclosures[0] + "~" + disclosures[0] + "~", issuer_lookup, now=NOW
        )


def test_unreferenced_disclosure() -> None:
    jwt, _, _ = sd_jwt.split(ARF_ISSUED)
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt.verify(jwt + "~" + b64json(["s", "extra", 1]) + "~", issuer_lookup, now=NOW)


def test_stripped_kb_jwt_fails_when_key_binding_is_required() -> None:
    stripped = ARF_PRESENTATION[: ARF_PRESENTATION.rindex("~") + 1]
    with pytest.raises(KeyBindingMissingError):
        verify_arf(stripped)
    assert verify_arf(stripped, require_key_binding=False).claims  # allowed when not required


def test_replayed_kb_jwt_wrong_nonce() -> None:
    with pytest.raises(KeyBindingNonceError):
        verify_arf(ARF_PRESENTATION, expected_nonce="a-fresh-nonce")


def test_wrong_aud() -> None:
    with pytest.raises(KeyBindingAudienceError):
        verify_arf(ARF_PRESENTATION, expected_aud="https://other-verifier.example")


def test_stale_kb_jwt() -> None:
    with pytest.raises(KeyBindingTimeError):
        verify_arf(ARF_PRESENTATION, now=ARF_KB["iat"] + 3600)


def test_expired_sd_jwt() -> None:
    with pytest.raises(SdJwtTimeError, match="expired"):
        verify_ours(presented(iat=1_701_000_000), now=1_701_000_000)


def test_not_yet_issued_sd_jwt() -> None:
    with pytest.raises(SdJwtTimeError):
        verify_ours(presented(iat=1_698_000_000), now=1_698_000_000)


def test_wrong_sd_hash() -> None:
    jwt, disclosures, kb_jwt = sd_jwt.split(ARF_PRESENTATION)
    assert kb_jwt is not None
    reordered = jwt + "~" + "".join(d + "~" for d in reversed(disclosures)) + kb_jwt
    assert sd_jwt.verify(reordered[: -len(kb_jwt)], issuer_lookup, now=NOW).claims
    with pytest.raises(KeyBindingHashError):
        verify_arf(reordered)


def test_kb_jwt_signed_by_another_key() -> None:
    other = KeyPair.generate("P-256")
    token = issued()
    presentation = sd_jwt.present(token, [("given_name",)], other, nonce=NONCE, aud=AUD, iat=NOW)
    with pytest.raises(InvalidSignatureError):
        verify_ours(presentation)


def test_alg_none_issuer_jwt() -> None:
    jwt, disclosures, _ = sd_jwt.split(ARF_ISSUED)
    header = b64json({"alg": "none", "typ": "dc+sd-jwt"})
    unsecured = header + "." + jwt.split(".")[1] + "."
    with pytest.raises(JwtAlgorithmError):
        sd_jwt.verify(
            unsecured + "~" + "".join(d + "~" for d in disclosures), issuer_lookup, now=NOW
        )


def test_alg_none_kb_jwt() -> None:
    jwt, disclosures, kb_jwt = sd_jwt.split(ARF_PRESENTATION)
    assert kb_jwt is not None
    unsecured = b64json({"alg": "none", "typ": "kb+jwt"}) + "." + kb_jwt.split(".")[1] + "."
    with pytest.raises(JwtAlgorithmError):
        verify_arf(jwt + "~" + "".join(d + "~" for d in disclosures) + unsecured)


def test_tampered_issuer_payload() -> None:
    jwt, disclosures, _ = sd_jwt.split(ARF_ISSUED)
    header, payload, signature = jwt.split(".")
    claims = unb64json(payload)
    claims["vct"] = "urn:forged"
    with pytest.raises(InvalidSignatureError):
        sd_jwt.verify(f"{header}.{b64json(claims)}.{signature}~", issuer_lookup, now=NOW)


# --- payload structure rules, checked below the signature ------------------------------------


def process(payload: dict[str, Any], *disclosures: str) -> sd_jwt.SdJwtVerification:
    return sd_jwt.process_disclosures(payload, list(disclosures))


def test_unsupported_sd_alg() -> None:
    with pytest.raises(SdJwtHashAlgorithmError):
        process({"_sd_alg": "md5", "_sd": []})


def test_digest_referenced_twice() -> None:
    d = b64json(["s", "a", 1])
    digest = sd_jwt.disclosure_digest(d)
    with pytest.raises(SdJwtDigestRepeatedError):
        process({"_sd": [digest], "x": {"_sd": [digest]}}, d)


@pytest.mark.parametrize("name", ["_sd", "..."], ids=["sd", "ellipsis"])
def test_disclosure_of_reserved_claim_name(name: str) -> None:
    d = b64json(["s", name, ["x"]])
    with pytest.raises(SdJwtDisclosureError):
        process({"_sd": [sd_jwt.disclosure_digest(d)]}, d)


def test_disclosed_name_that_already_exists() -> None:
    d = b64json(["s", "a", 2])
    with pytest.raises(SdJwtDisclosureError):
        process({"a": 1, "_sd": [sd_jwt.disclosure_digest(d)]}, d)


def test_array_element_disclosure_in_sd_and_property_disclosure_in_array() -> None:
    element = b64json(["s", "x"])
    with pytest.raises(SdJwtDisclosureError):
        process({"_sd": [sd_jwt.disclosure_digest(element)]}, element)
    prop = b64json(["s", "a", "x"])
    with pytest.raises(SdJwtDisclosureError):
        process({"list": [{"...": sd_jwt.disclosure_digest(prop)}]}, prop)


def test_recursive_and_array_disclosures() -> None:
    inner = b64json(["s1", "locality", "London"])
    outer = b64json(["s2", "address", {"_sd": [sd_jwt.disclosure_digest(inner)]}])
    element = b64json(["s3", "FR"])
    result = process(
        {
            "_sd": [sd_jwt.disclosure_digest(outer)],
            "n": ["GB", {"...": sd_jwt.disclosure_digest(element)}],
        },
        inner,
        outer,
        element,
    )
    assert result.claims == {"address": {"locality": "London"}, "n": ["GB", "FR"]}
    assert set(result.disclosed_paths) == {("address",), ("address", "locality"), ("n", 1)}


def test_inner_disclosure_without_its_parent_is_unreferenced() -> None:
    token = issued()
    jwt, disclosures, _ = sd_jwt.split(token)
    locality = next(d for d in disclosures if unb64json(d)[1:2] == ["locality"])
    with pytest.raises(SdJwtUnreferencedDisclosureError):
        sd_jwt.verify(jwt + "~" + locality + "~", issuer_lookup, now=NOW)


def test_every_error_is_an_sd_jwt_error_with_a_code() -> None:
    for error in (SdJwtUnreferencedDisclosureError, KeyBindingMissingError, SdJwtTimeError):
        assert issubclass(error, SdJwtError) and error.code


def test_injected_salts_make_disclosures_reproducible() -> None:
    first, second = sd_jwt.split(issued()), sd_jwt.split(issued())
    assert first[1] == second[1]
    assert first[0].split(".")[1] == second[0].split(".")[1]  # same payload, fresh ECDSA signature


def test_holder_refuses_to_present_an_sd_jwt_with_kb() -> None:
    with pytest.raises(SdJwtFormatError):
        sd_jwt.present(presented(), [("given_name",)], HOLDER_KEY, nonce=NONCE, aud=AUD, iat=NOW)


def test_kb_jwt_with_wrong_typ() -> None:
    presentation = presented()
    kb_jwt = presentation.rsplit("~", 1)[1]
    header = b64json({"alg": "ES256", "typ": "JWT"})
    retyped = presentation[: -len(kb_jwt)] + header + kb_jwt[kb_jwt.index(".") :]
    with pytest.raises(KeyBindingError, match="typ"):
        verify_ours(retyped)


def test_key_binding_without_cnf_in_the_sd_jwt() -> None:
    token = issued(holder_jwk=None)
    presentation = sd_jwt.present(token, [], HOLDER_KEY, nonce=NONCE, aud=AUD, iat=NOW)
    with pytest.raises(KeyBindingError, match="cnf"):
        verify_ours(presentation)


def test_view_paths_skip_withheld_elements_and_count_top_level_digests() -> None:
    a, c = b64json(["s1", "A"]), b64json(["s3", "C"])
    hidden = b64json(["s2", "B"])
    member = b64json(["s4", "m", 1])
    payload = {
        "_sd": [sd_jwt.disclosure_digest(member), sd_jwt.disclosure_digest(b64json(["s", "x", 1]))],
        "n": [{"...": sd_jwt.disclosure_digest(d)} for d in (a, hidden, c)],
    }
    result = process(payload, a, c, member)
    assert result.claims["n"] == ["A", "C"]
    paths = dict(zip(result.disclosed_paths, result.view_paths, strict=True))
    assert paths == {("m",): ("m",), ("n", 0): ("n", 0), ("n", 2): ("n", 1)}
    assert result.top_withheld == 1 and result.withheld == 2


def test_nested_disclosures_deeper_than_the_limit_are_refused() -> None:
    """Each disclosure is shallow, but each one's value holds the next one's digest."""
    disclosures: list[str] = []
    digest = None
    for level in range(70):
        value: Any = {"_sd": [digest]} if digest else 1
        disclosures.append(b64json([f"s{level}", "a", value]))
        digest = sd_jwt.disclosure_digest(disclosures[-1])
    with pytest.raises(SdJwtFormatError, match="deeper than"):
        process({"_sd": [digest]}, *disclosures)


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize("last", [1, {"z": 1}, [1]], ids=["scalar", "member", "element"])
def test_the_depth_limit_counts_the_deepest_value_whatever_it_is(last: Any, extra: int) -> None:
    """A scalar at depth 64 (a disclosed value, an object member or an array element, the
    last two read without building their paths) passes; at 65 it is refused."""
    levels = 64 + extra - (0 if last == 1 else 1)
    disclosures: list[str] = []
    digest = None
    for level in range(levels):
        value: Any = {"_sd": [digest]} if digest else last
        disclosures.append(b64json([f"s{level}", "a", value]))
        digest = sd_jwt.disclosure_digest(disclosures[-1])
    if extra:
        with pytest.raises(SdJwtFormatError, match="deeper than"):
            process({"_sd": [digest]}, *disclosures)
    else:
        assert len(process({"_sd": [digest]}, *disclosures).disclosed_paths) == levels


@pytest.mark.parametrize("where", ["payload", "disclosure"])
def test_deep_json_is_a_named_error_not_a_recursion_error(where: str) -> None:
    deep = "[" * 5000 + "]" * 5000
    if where == "payload":
        segment = base64.urlsafe_b64encode(('{"x":' + deep + "}").encode()).rstrip(b"=")
        with pytest.raises(SdJwtFormatError):
            sd_jwt_compact.jwt_parts("e30." + segment.decode() + ".AA", "jwt")
    else:
        encoded = base64.urlsafe_b64encode(('["s","x",' + deep + "]").encode()).rstrip(b"=")
        with pytest.raises(SdJwtDisclosureError):
            sd_jwt.parse_disclosure(encoded.decode())
