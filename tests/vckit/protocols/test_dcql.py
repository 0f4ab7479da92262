"""DCQL (OpenID4VP 1.0 §6, §7, Appendix B.1) against the specification's own examples.

Vectors: tests/vectors/dcql/ (SOURCE.md). Expected results are what the spec's text says of
each example.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.paths import VECTORS
from vckit.errors import DcqlQueryError
from vckit.jose.claims import credential_from_jwt
from vckit.protocols.dcql import (
    Candidate,
    evaluate,
    expanded_types,
    parse_query,
    select_claims,
    select_queries,
    selected_claims,
)

VECTORS = VECTORS / "dcql"
VC = "https://www.w3.org/2018/credentials#VerifiableCredential"


def vector(name: str) -> Any:
    return json.loads((VECTORS / name).read_text())


SPEC_QUERIES = [
    "query_lang_simple.json",
    "query_lang_claims_alternatives.json",
    "query_lang_credentials_alternatives.json",
    "query_lang_value_matching_simple.json",
    "request_dcql_ldp_vc.json",
    "request_dcql_jwt_vc.json",
]


@pytest.mark.parametrize("name", SPEC_QUERIES, ids=[n.removesuffix(".json") for n in SPEC_QUERIES])
def test_every_spec_query_parses(name: str) -> None:
    raw = vector(name)
    query = parse_query(raw)
    assert [q.id for q in query.credentials] == [q["id"] for q in raw["credentials"]]


# --- §7.3 claims path pointer example ---------------------------------------------------------

POINTERS = {
    "name": (["name"], ["Arthur Dent"]),
    "address": (["address"], [vector("claims_path_pointer_example.json")["address"]]),
    "street": (["address", "street_address"], ["42 Market Street"]),
    "all-degree-types": (["degrees", None, "type"], ["Bachelor of Science", "Master of Science"]),
    "second-nationality": (["nationalities", 1], ["Betelgeusian"]),
}


@pytest.mark.parametrize("case", POINTERS, ids=list(POINTERS))
def test_claims_path_pointer_spec_example(case: str) -> None:
    path, expected = POINTERS[case]
    assert select_claims(vector("claims_path_pointer_example.json"), path) == expected


POINTER_ERRORS = {
    "key-on-array": ["degrees", "type"],
    "null-on-object": ["address", None],
    "index-on-object": ["address", 0],
    "missing-key": ["age"],
    "index-out-of-range": ["nationalities", 5],
}


@pytest.mark.parametrize("case", POINTER_ERRORS, ids=list(POINTER_ERRORS))
def test_claims_path_pointer_errors(case: str) -> None:
    """§7.1.1: abort and return an error (None) — never a partial or guessed selection."""
    assert select_claims(vector("claims_path_pointer_example.json"), POINTER_ERRORS[case]) is None


# --- §6.4.1 selecting claims: claim_sets and values -------------------------------------------


def test_claim_sets_take_the_first_option_the_credential_satisfies() -> None:
    query = parse_query(vector("query_lang_claims_alternatives.json")).credentials[0]
    full = {
        "family_name": "D",
        "postal_code": "1",
        "locality": "L",
        "region": "R",
        "date_of_birth": "x",
    }
    chosen = selected_claims(query, full)
    assert chosen is not None and [c.id for c in chosen] == ["a", "c", "d", "e"]
    no_region = {k: v for k, v in full.items() if k != "region"}
    chosen = selected_claims(query, no_region)
    assert chosen is not None and [c.id for c in chosen] == ["a", "b", "e"]
    assert selected_claims(query, {"family_name": "D", "date_of_birth": "x"}) is None


VALUES = {
    "all-match": ({"family_name": "Doe", "postal_code": "90211"}, True),
    "other-family-name": ({"family_name": "Dough", "postal_code": "90210"}, False),
    "postal-code-as-integer": ({"family_name": "Doe", "postal_code": 90210}, False),
}


@pytest.mark.parametrize("case", VALUES, ids=list(VALUES))
def test_value_matching(case: str) -> None:
    """§6.3 values: type and value both match exactly, for at least one listed value."""
    query = parse_query(vector("query_lang_value_matching_simple.json")).credentials[0]
    claims, ok = VALUES[case]
    credential = {**claims, "given_name": "J", "address": {"street_address": "S"}}
    assert (selected_claims(query, credential) is not None) is ok


# --- §6.4.2 selecting credentials: credential_sets --------------------------------------------

SETS = {
    "pid": ({"pid"}, ("pid",), True),
    "other-pid": ({"other_pid"}, ("other_pid",), True),
    "both-pids-first-wins": ({"pid", "other_pid"}, ("pid",), True),
    "reduced-pair": (
        {"pid_reduced_cred_1", "pid_reduced_cred_2"},
        ("pid_reduced_cred_1", "pid_reduced_cred_2"),
        True,
    ),
    "half-a-pair": ({"pid_reduced_cred_1"}, (), False),
    "with-optional": ({"pid", "nice_to_have"}, ("pid", "nice_to_have"), True),
    "optional-only": ({"nice_to_have"}, ("nice_to_have",), False),
}


@pytest.mark.parametrize("case", SETS, ids=list(SETS))
def test_credential_sets(case: str) -> None:
    query = parse_query(vector("query_lang_credentials_alternatives.json"))
    have, expected, satisfied = SETS[case]
    token = Candidate("x", "dc+sd-jwt", {}, frozenset())
    matches = {q.id: (token,) if q.id in have else () for q in query.credentials}
    ids, ok = select_queries(query, matches)
    assert ok is satisfied
    if satisfied:
        assert ids == expected


# --- Appendix B.1: W3C formats, type_values ---------------------------------------------------


def test_type_values_example() -> None:
    """B.1.1: each of the three example credentials matches the example type_values, all
    three expanded here (the first two use the VC 1.1 examples context, which imports the
    ODRL context, sealed since issue 14)."""
    data = vector("type_values_example.json")
    query = parse_query(
        {
            "credentials": [
                {"id": "q", "format": "ldp_vc", "meta": {"type_values": data["type_values"]}}
            ]
        }
    )
    first, second, third = data["credentials"]
    examples = "https://example.org/examples#"
    assert expanded_types(first) == {VC, examples + "UniversityDegreeCredential"}
    assert expanded_types(second) == {
        VC,
        examples + "BachelorDegree",
        examples + "AlumniCredential",
    }
    assert expanded_types(third) == {VC, "IdentityCredential"}
    candidates = [
        Candidate(str(n), "ldp_vc", c, expanded_types(c))
        for n, c in enumerate((first, second, third), 1)
    ] + [Candidate("no", "ldp_vc", third, frozenset({VC, examples + "BachelorDegree"}))]
    result = evaluate(query, candidates)
    assert [c.id for c in result.matches["q"]] == ["1", "2", "3"]


def _id_credential_types() -> frozenset[str]:
    # IDCredential is defined by no context: it stays as written (B.1.1)
    return frozenset({VC, "IDCredential"})


def test_ldp_vc_request_matches_the_example_credential() -> None:
    query = parse_query(vector("request_dcql_ldp_vc.json"))
    credential = vector("credentials_ldp_vc.json")
    ldp = Candidate("ldp", "ldp_vc", credential, _id_credential_types())
    jwt = Candidate(
        "jwt", "jwt_vc_json", credential_from_jwt(vector("credentials_jwt_vc.json")),
        _id_credential_types(),
    )  # fmt: skip
    result = evaluate(query, [ldp, jwt])
    assert result.satisfied and [c.id for c in result.matches["example_ldp_vc"]] == ["ldp"]
    without_country = json.loads(json.dumps(credential))
    del without_country["credentialSubject"]["address"]["country"]
    missing = Candidate("ldp", "ldp_vc", without_country, _id_credential_types())
    assert not evaluate(query, [missing]).satisfied


def test_jwt_vc_request_matches_the_credential_inside_the_jwt() -> None:
    query = parse_query(vector("request_dcql_jwt_vc.json"))
    jwt = Candidate(
        "jwt", "jwt_vc_json", credential_from_jwt(vector("credentials_jwt_vc.json")),
        _id_credential_types(),
    )  # fmt: skip
    assert evaluate(query, [jwt]).selected == ("example_jwt_vc",)
    other_type = Candidate("jwt", "jwt_vc_json", jwt.credential, frozenset({VC}))
    assert evaluate(query, [other_type]).selected == ()


# --- Appendix B.3: SD-JWT VC, vct_values ------------------------------------------------------

IDENTITY = "https://credentials.example.com/identity_credential"


def _identity(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "vct": IDENTITY,
        "family_name": "D",
        "given_name": "J",
        "address": {"street_address": "S"},
    }
    claims.update(changes)
    return claims


def test_sd_jwt_query_matches_by_vct_and_claims() -> None:
    """B.3.5: the SD-JWT VC's vct is one of vct_values; §6.4.1 the claims paths select
    something in its claims (every disclosure applied)."""
    query = parse_query(vector("query_lang_simple.json"))
    held = Candidate("x", "dc+sd-jwt", _identity(), frozenset())
    assert evaluate(query, [held]).selected == ("my_credential",)
    other_vct = Candidate("y", "dc+sd-jwt", _identity(vct="https://example.com/other"), frozenset())
    no_street = Candidate("z", "dc+sd-jwt", _identity(address={}), frozenset())
    assert not evaluate(query, [other_vct]).satisfied
    assert not evaluate(query, [no_street]).satisfied


def test_sd_jwt_query_does_not_match_a_w3c_credential_of_the_same_content() -> None:
    query = parse_query(vector("query_lang_simple.json"))
    w3c = Candidate("x", "ldp_vc", _identity(), frozenset({VC}))
    assert not evaluate(query, [w3c]).satisfied


def test_ldp_vc_or_sd_jwt_alternatives_take_what_the_holder_has() -> None:
    """§6.2: one credential set, two options (ldp_vc or dc+sd-jwt): either satisfies it."""
    query = parse_query(
        {
            "credentials": [
                {"id": "w3c", "format": "ldp_vc", "meta": {"type_values": [[VC]]}},
                {"id": "sd", "format": "dc+sd-jwt", "meta": {"vct_values": [IDENTITY]}},
            ],
            "credential_sets": [{"options": [["w3c"], ["sd"]]}],
        }
    )
    sd = Candidate("s", "dc+sd-jwt", _identity(), frozenset())
    w3c = Candidate("w", "ldp_vc", {"type": ["VerifiableCredential"]}, frozenset({VC}))
    assert evaluate(query, [sd]).selected == ("sd",)
    assert evaluate(query, [w3c]).selected == ("w3c",)
    assert evaluate(query, [w3c, sd]).selected == ("w3c",)  # the first satisfiable option
    assert not evaluate(query, []).satisfied


# --- malformed queries ------------------------------------------------------------------------


def _w3c(**changes: Any) -> dict[str, Any]:
    query: dict[str, Any] = {"id": "q", "format": "ldp_vc", "meta": {"type_values": [[VC]]}}
    query.update(changes)
    return {"credentials": [query]}


MALFORMED: dict[str, tuple[object, str]] = {
    "not-an-object": ([], "must be a JSON object"),
    "no-credentials": ({}, "credentials: must be a non-empty array"),
    "empty-credentials": ({"credentials": []}, "non-empty array"),
    "bad-id": (_w3c(id="q 1"), "letters, digits"),
    "duplicate-id": ({"credentials": _w3c()["credentials"] * 2}, "appears twice"),
    "no-format": (_w3c(format=None), "format"),
    "no-meta": (_w3c(meta=None), "meta"),
    "no-type-values": (_w3c(meta={}), "type_values"),
    "sd-jwt-without-vct-values": (_w3c(format="dc+sd-jwt", meta={}), "vct_values"),
    "sd-jwt-vct-not-string": (_w3c(format="dc+sd-jwt", meta={"vct_values": [1]}), "strings"),
    "empty-path": (_w3c(claims=[{"path": []}]), "non-empty array"),
    "negative-index": (_w3c(claims=[{"path": ["a", -1]}]), "non-negative"),
    "float-in-path": (_w3c(claims=[{"path": ["a", 1.5]}]), "non-negative"),
    "object-value": (_w3c(claims=[{"path": ["a"], "values": [{}]}]), "strings, integers"),
    "claim-sets-without-claims": (_w3c(claim_sets=[["a"]]), "without claims"),
    "claim-set-unknown-id": (
        _w3c(claims=[{"id": "a", "path": ["a"]}], claim_sets=[["b"]]),
        "unknown claim id",
    ),
    "claim-id-required-with-sets": (_w3c(claims=[{"path": ["a"]}], claim_sets=[["a"]]), "required"),
    "credential-set-unknown-id": (
        {**_w3c(), "credential_sets": [{"options": [["nope"]]}]},
        "unknown query id",
    ),
    "multiple-not-boolean": (_w3c(multiple="yes"), "boolean"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_queries_are_refused_by_name(case: str) -> None:
    value, message = MALFORMED[case]
    with pytest.raises(DcqlQueryError, match=message) as caught:
        parse_query(value)
    assert caught.value.code == "dcql-invalid"
