"""Selective disclosure at the verifier, over HTTP, with credentials from the REAL issuer app.

The issuer app (demo data, frozen clock) issues OB 3.0 credentials with learner data — recipient
name, date of birth, grade — as an SD-JWT VC (``sd-jwt-vc``) and with an ``ecdsa-sd-2023`` base
proof. The holder (a did:key) reveals the recipient name only, with
:mod:`vckit.disclosure.disclose`, and answers the verifier's OpenID4VP request as §8.2 says
(``direct_post``): an SD-JWT+KB under the ``dc+sd-jwt`` query, a derived credential in a
signed ``ldp_vp`` under the ``ldp_vc`` one.

Each attack is caught by ONE named check in the stored job result, and no other check fails.
The jobs here list no required types, so requirements-met does not fail as a consequence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests import sd_scenarios as sd
from tests.issuer.conftest import FROZEN, LATER
from tests.scenarios import HOLDER, OTHER, did_of, vm_of
from tests.verifier.callers import as_employer
from tests.verifier.conftest import VerifierFactory, issue
from vckit import sdjwt as sd_jwt
from vckit.disclosure import disclose as sd_disclose
from vckit.disclosure import fields as sd_fields
from vckit.jose import vc_jwt as jose
from vckit.keys.keypair import JWS_ALG, KeyPair
from vckit.keys.multibase import base64url_nopad_encode
from vckit.presentation import build_presentation, sign_presentation
from verifier.checking.registry import REGISTRY_FILE

VERIFIER_URL = "https://verifier.test"
CLIENT_ID = f"redirect_uri:{VERIFIER_URL}/oid4vp/response"
SD_QUERY, LDP_QUERY = "learning_records_sd_jwt", "learning_records"
NAME, BIRTH, GRADE = "Alex Rivera", "2001-04-17", "B"
BIRTH_DAY = "17 April 2001"  # the date of birth as vckit.ob.field_words says it
LEARNER = {"recipient_name": NAME, "date_of_birth": BIRTH, "grade": GRADE}


@pytest.fixture
def verifier(verifier_app: VerifierFactory) -> TestClient:
    return as_employer(TestClient(verifier_app(base_url=VERIFIER_URL), base_url=VERIFIER_URL))


def issue_sd(issuer: TestClient, fmt: str, holder: KeyPair = HOLDER, **extra: Any) -> Any:
    return issue(
        issuer, "community-college", "fundamentals-of-nursing-1",
        format=fmt, recipient={"did": did_of(holder)}, **LEARNER, **extra,
    )  # fmt: skip


def pointer_of(fields: list[sd_fields.Field], label: str) -> str:
    return next(f.pointer for f in fields if f.label == label)


def name_only_sd_jwt(token: str) -> str:
    """The SD-JWT (no KB yet) revealing the recipient name only."""
    pointer = pointer_of(sd_fields.fields_of_sd_jwt(token), "Recipient name")
    return sd_disclose.disclose_sd_jwt(token, [pointer], None)


def kb_jwt(presentation: str, key: KeyPair, *, nonce: str, aud: str) -> str:
    """RFC 9901 §4.3 Key Binding JWT over any ``<jwt>~<d>~...~``, signed by ``key``."""
    header = {"alg": JWS_ALG[key.public.kind], "typ": "kb+jwt"}
    claims = {
        "iat": int(LATER.timestamp()), "aud": aud, "nonce": nonce,
        "sd_hash": sd_jwt.sd_hash(presentation),
    }  # fmt: skip

    def part(value: dict[str, Any]) -> str:
        return base64url_nopad_encode(json.dumps(value).encode())

    signing_input = part(header) + "." + part(claims)
    return signing_input + "." + base64url_nopad_encode(key.sign(signing_input.encode()))


def derived_vp(
    base: dict[str, Any], labels: list[str], *, nonce: str, aud: str, key: KeyPair = HOLDER
) -> dict[str, Any]:
    fields = sd_fields.fields_of_ecdsa_sd(base)
    derived = sd_disclose.disclose_ecdsa_sd(base, [pointer_of(fields, label) for label in labels])
    return signed_vp(derived, nonce=nonce, aud=aud, key=key)


def signed_vp(credential: dict[str, Any], *, nonce: str, aud: str, key: KeyPair) -> dict[str, Any]:
    vp = build_presentation([credential], holder=did_of(key))
    return sign_presentation(vp, key, verification_method=vm_of(key), challenge=nonce, domain=aud)


@dataclass
class Job:
    verifier: TestClient
    id: str

    def ask(self) -> dict[str, Any]:
        made = self.verifier.post(f"/api/jobs/{self.id}/requests", json={"kind": "openid4vp"})
        assert made.status_code == 201, made.text
        parameters: dict[str, Any] = made.json()["parameters"]
        return parameters

    def answer(self, asked: dict[str, Any], token: dict[str, list[Any]]) -> Any:
        form = {"vp_token": json.dumps(token), "state": asked["state"]}
        return self.verifier.post(urlsplit(asked["response_uri"]).path, data=form)

    def results(self) -> list[dict[str, Any]]:
        listed = self.verifier.get(f"/api/jobs/{self.id}/results")
        assert listed.status_code == 200, listed.text
        found: list[dict[str, Any]] = listed.json()
        return found


def open_job(verifier: TestClient, requirements: dict[str, Any] | None = None) -> Job:
    body = {"title": "Care assistant", "requirements": requirements or {}}
    made = verifier.post("/api/jobs", json=body)
    assert made.status_code == 201, made.text
    return Job(verifier, made.json()["id"])


def statuses(report: dict[str, Any]) -> dict[str, set[str]]:
    """status -> the ids of the checks with it, over the whole stored report."""
    out: dict[str, set[str]] = {}

    def walk(node: dict[str, Any]) -> None:
        for check in node.get("checks", []):
            out.setdefault(check["status"], set()).add(check["id"])
        for inner in node.get("credentials", []):
            walk(inner)

    walk(report)
    return out


def only_failure(result: dict[str, Any], check_id: str) -> None:
    assert result["verdict"] == "fail", result["report"]
    assert statuses(result["report"]).get("fail") == {check_id}, json.dumps(result["report"])


# --- the request ------------------------------------------------------------------------------


def test_request_offers_ldp_vc_and_sd_jwt(verifier: TestClient) -> None:
    asked = open_job(verifier).ask()
    ids = [q["id"] for q in asked["dcql_query"]["credentials"]]
    assert ids == [LDP_QUERY, SD_QUERY]
    assert asked["dcql_query"]["credential_sets"][0]["options"][0] == ids
    assert set(asked["client_metadata"]["vp_formats_supported"]) == {"ldp_vc", "dc+sd-jwt"}


# --- the good answers -------------------------------------------------------------------------


@pytest.fixture
def sd_token(issuer: TestClient) -> str:
    token: str = issue_sd(issuer, "sd-jwt-vc")
    return token


@pytest.fixture
def ecdsa_base(issuer: TestClient) -> dict[str, Any]:
    base: dict[str, Any] = issue_sd(issuer, "ecdsa-sd-2023")
    return base


def good_sd(token: str, asked: dict[str, Any], key: KeyPair = HOLDER) -> str:
    shown = name_only_sd_jwt(token)
    return shown + kb_jwt(shown, key, nonce=asked["nonce"], aud=asked["client_id"])


def test_both_formats_from_one_holder_pass_and_show_only_what_was_disclosed(
    verifier: TestClient, sd_token: str, ecdsa_base: dict[str, Any]
) -> None:
    job = open_job(verifier, {"types": ["OpenBadgeCredential"], "accreditedOnly": True})
    asked = job.ask()
    vp = derived_vp(ecdsa_base, ["Recipient name"], nonce=asked["nonce"], aud=asked["client_id"])
    answered = job.answer(asked, {SD_QUERY: [good_sd(sd_token, asked)], LDP_QUERY: [vp]})
    assert answered.status_code == 200, answered.text
    [result] = job.results()
    assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
    checks = statuses(result["report"])["pass"]
    for name in ("same-holder", "disclosures", "holder-binding", "challenge", "domain"):
        assert name in checks, name
    assert {"trusted-issuer", "requirements-met"} <= checks
    sd_report, ecdsa_report = result["report"]["credentials"]
    sd_disclosure, ecdsa_disclosure = sd_report["disclosure"], ecdsa_report["disclosure"]
    assert [f["label"] for f in sd_disclosure["fields"]] == ["Recipient name"]
    assert sd_disclosure["fields"][0]["value"] == NAME
    assert isinstance(sd_disclosure["withheld"], int) and sd_disclosure["withheld"] >= 3
    assert {"Date of birth", "Grade"} <= set(sd_disclosure["absent"])
    assert ecdsa_disclosure["withheld"] is None
    assert [f["value"] for f in ecdsa_disclosure["fields"]] == [NAME]
    assert {"Date of birth", "Grade"} <= set(ecdsa_disclosure["absent"])
    assert BIRTH not in json.dumps(result) and '"result"' not in json.dumps(result)
    assert BIRTH_DAY not in json.dumps(result)

    page = verifier.get(f"/jobs/{job.id}/results/{result['id']}")
    assert page.status_code == 200
    html = page.text
    assert html.count("<h4>Disclosed fields</h4>") == 2 and html.count("<h4>Withheld</h4>") == 2
    assert f"<dt>Recipient name</dt><dd>{NAME}</dd>" in html
    withheld = sd_disclosure["withheld"]
    assert f"{withheld} claims withheld (decoy digests included, so at most {withheld})" in html
    assert "Not shown: " in html and "Date of birth" in html and "Grade" in html
    # the hidden values never reached the verifier: no date of birth, no grade (a bare "B" is
    # also one of the achievement's allowedValue, so the grade is looked for as a field)
    assert BIRTH not in html and BIRTH_DAY not in html and "<dt>Date of birth</dt>" not in html
    assert "<dt>Grade</dt>" not in html and "credentialSubject.result" not in html
    assert '<link rel="stylesheet" href="/assets/verifier.css">' in html
    assert "@media print" in verifier.get("/assets/verifier.css").text  # the print rules


def test_plain_credential_shows_no_disclosure_block(
    verifier: TestClient, issuer: TestClient
) -> None:
    job = open_job(verifier)
    asked = job.ask()
    plain = issue(issuer, "community-college", "fundamentals-of-nursing-1",
                  recipient={"did": did_of(HOLDER)})  # fmt: skip
    vp = signed_vp(plain, nonce=asked["nonce"], aud=asked["client_id"], key=HOLDER)
    assert job.answer(asked, {LDP_QUERY: [vp]}).status_code == 200
    [result] = job.results()
    assert result["verdict"] == "pass" and "disclosure" not in result["report"]["credentials"][0]
    html = verifier.get(f"/jobs/{job.id}/results/{result['id']}").text
    assert "<h4>Disclosed fields</h4>" not in html and "Withheld" not in html


# --- one named check per attack -------------------------------------------------------------


def _answer_sd(job: Job, asked: dict[str, Any], presentation: str) -> dict[str, Any]:
    assert job.answer(asked, {SD_QUERY: [presentation]}).status_code == 200
    [result] = [r for r in job.results() if r["request"] == asked["state"]]
    return result


def _refused_sd(job: Job, asked: dict[str, Any], presentation: str) -> str:
    """An answer not bound to the request: refused (400), no result, the request still open;
    the reason, as the wallet reads it."""
    answered = job.answer(asked, {SD_QUERY: [presentation]})
    assert answered.status_code == 400, answered.text
    assert [r for r in job.results() if r["request"] == asked["state"]] == []
    reason: str = answered.json()["error_description"]
    assert reason.startswith("not bound to this request"), reason
    return reason


def _with_kb(presentation: str, asked: dict[str, Any]) -> str:
    return presentation + kb_jwt(presentation, HOLDER, nonce=asked["nonce"], aud=asked["client_id"])


def _modified(token: str) -> str:
    """The name disclosure with the same salt and another name."""
    jwt, disclosures, _ = sd_jwt.split(name_only_sd_jwt(token))
    [shown] = disclosures
    original = sd_jwt.parse_disclosure(shown)
    forged = {**original.value, "identityHash": "Someone Else"}
    return jwt + "~" + sd_jwt.encode_disclosure(original.salt, None, forged) + "~"


def _duplicated(token: str) -> str:
    shown = name_only_sd_jwt(token)
    _, [disclosure], _ = sd_jwt.split(shown)
    return shown + disclosure + "~"


Attack = Callable[[str, str], str]  # (token, another credential's token) -> presentation


def _foreign(token: str, other: str) -> str:
    """The date of birth disclosure of ANOTHER credential (same issuer, same holder)."""
    birth = pointer_of(sd_fields.fields_of_sd_jwt(other), "Date of birth")
    _, [foreign], _ = sd_jwt.split(sd_disclose.disclose_sd_jwt(other, [birth], None))
    return name_only_sd_jwt(token) + foreign + "~"


@pytest.mark.parametrize(
    "attack",
    [
        pytest.param(lambda token, other: _modified(token), id="modified-disclosure"),
        pytest.param(_foreign, id="disclosure-from-another-credential"),
        pytest.param(lambda token, other: _duplicated(token), id="duplicate-disclosure"),
    ],
)
def test_tampered_disclosures_fail_at_disclosures(
    verifier: TestClient, issuer: TestClient, sd_token: str, attack: Attack
) -> None:
    other: str = issue(issuer, "community-college", "fundamentals-of-nursing-2",
                       format="sd-jwt-vc", recipient={"did": did_of(HOLDER)},
                       recipient_name=NAME, date_of_birth="1999-12-31")  # fmt: skip
    job = open_job(verifier)
    asked = job.ask()
    result = _answer_sd(job, asked, _with_kb(attack(sd_token, other), asked))
    only_failure(result, "disclosures")


def test_stripped_key_binding_is_refused(verifier: TestClient, sd_token: str) -> None:
    job = open_job(verifier)
    reason = _refused_sd(job, job.ask(), name_only_sd_jwt(sd_token))
    assert "no Key Binding JWT" in reason


def test_replayed_key_binding_is_refused_at_challenge(verifier: TestClient, sd_token: str) -> None:
    job = open_job(verifier)
    first = job.ask()
    presentation = good_sd(sd_token, first)
    assert _answer_sd(job, first, presentation)["verdict"] == "pass"
    second = job.ask()  # a fresh request: the old KB-JWT carries the old nonce
    assert "challenge" in _refused_sd(job, second, presentation)


def test_wrong_nonce_is_refused_at_challenge(verifier: TestClient, sd_token: str) -> None:
    job = open_job(verifier)
    asked = job.ask()
    shown = name_only_sd_jwt(sd_token)
    presentation = shown + kb_jwt(shown, HOLDER, nonce="not-the-nonce", aud=asked["client_id"])
    assert "challenge" in _refused_sd(job, asked, presentation)
    _answer_sd(job, asked, good_sd(sd_token, asked))  # the request is still open


def test_wrong_aud_is_refused_at_domain(verifier: TestClient, sd_token: str) -> None:
    job = open_job(verifier)
    asked = job.ask()
    shown = name_only_sd_jwt(sd_token)
    other = "redirect_uri:https://elsewhere.example/post"
    presentation = shown + kb_jwt(shown, HOLDER, nonce=asked["nonce"], aud=other)
    assert "domain" in _refused_sd(job, asked, presentation)


def test_expired_sd_jwt_fails_at_validity_period(verifier: TestClient, issuer: TestClient) -> None:
    expiring = FROZEN + timedelta(minutes=30)  # the verifier's clock is FROZEN + 1 hour
    token = issue_sd(issuer, "sd-jwt-vc", valid_until=expiring.isoformat())
    job = open_job(verifier)
    asked = job.ask()
    only_failure(_answer_sd(job, asked, good_sd(token, asked)), "validity-period")


def test_derived_proof_over_a_changed_field_fails_at_proof(
    verifier: TestClient, ecdsa_base: dict[str, Any]
) -> None:
    job = open_job(verifier)
    asked = job.ask()
    fields = sd_fields.fields_of_ecdsa_sd(ecdsa_base)
    derived = sd_disclose.disclose_ecdsa_sd(ecdsa_base, [pointer_of(fields, "Grade")])
    assert derived["credentialSubject"]["result"][0]["value"] == GRADE
    derived["credentialSubject"]["result"][0]["value"] = "A"
    vp = signed_vp(derived, nonce=asked["nonce"], aud=asked["client_id"], key=HOLDER)
    assert job.answer(asked, {LDP_QUERY: [vp]}).status_code == 200
    [result] = job.results()
    only_failure(result, "proof")


def test_sd_jwt_of_another_holder_fails_at_same_holder(
    verifier: TestClient, issuer: TestClient, ecdsa_base: dict[str, Any]
) -> None:
    """Each presentation is bound (its own KB-JWT, its own VP proof), but not to one holder."""
    theirs: str = issue_sd(issuer, "sd-jwt-vc", holder=OTHER)
    job = open_job(verifier)
    asked = job.ask()
    vp = derived_vp(ecdsa_base, ["Recipient name"], nonce=asked["nonce"], aud=asked["client_id"])
    answer: dict[str, list[Any]] = {SD_QUERY: [good_sd(theirs, asked, key=OTHER)], LDP_QUERY: [vp]}
    assert job.answer(asked, answer).status_code == 200
    [result] = job.results()
    only_failure(result, "same-holder")


def test_sd_jwt_under_the_ldp_query_is_refused_at_vp_token(
    verifier: TestClient, sd_token: str
) -> None:
    job = open_job(verifier)
    asked = job.ask()
    answered = job.answer(asked, {LDP_QUERY: [good_sd(sd_token, asked)]})
    assert answered.status_code == 400 and answered.json()["error"] == "invalid_request"
    assert "malformed vp_token" in answered.json()["error_description"]
    assert job.results() == []


# --- intake: paste, upload, VC-API ------------------------------------------------------------


def test_pasted_sd_jwt_without_kb_is_a_credential_report(
    verifier: TestClient, sd_token: str
) -> None:
    page = verifier.post("/", data={"document": name_only_sd_jwt(sd_token)})
    assert page.status_code == 200, page.text
    assert "<h4>Disclosed fields</h4>" in page.text and NAME in page.text
    assert BIRTH not in page.text and BIRTH_DAY not in page.text
    assert "claims withheld" in page.text
    assert 'class="verdict pass"' in page.text


def test_uploaded_sd_jwt_with_kb_but_no_challenge_could_not_check_the_binding(
    verifier: TestClient, sd_token: str
) -> None:
    shown = name_only_sd_jwt(sd_token)
    presentation = shown + kb_jwt(shown, HOLDER, nonce="n-1", aud="https://verifier.test")
    files = {"file": ("shared.sd-jwt", presentation.encode(), "application/dc+sd-jwt")}
    page = verifier.post("/", files=files)
    assert page.status_code == 200, page.text
    assert 'class="verdict could-not-check"' in page.text
    assert "Challenge (nonce) matches" in page.text and NAME in page.text


def test_pasted_derived_ecdsa_sd_credential_names_the_absent_fields(
    verifier: TestClient, ecdsa_base: dict[str, Any]
) -> None:
    fields = sd_fields.fields_of_ecdsa_sd(ecdsa_base)
    derived = sd_disclose.disclose_ecdsa_sd(ecdsa_base, [pointer_of(fields, "Grade")])
    page = verifier.post("/", data={"document": json.dumps(derived)})
    assert page.status_code == 200 and 'class="verdict pass"' in page.text, page.text
    assert "<dt>Grade</dt><dd>B (Final grade)</dd>" in page.text
    assert "Not shown: " in page.text and NAME not in page.text and BIRTH not in page.text
    assert BIRTH_DAY not in page.text


@pytest.mark.parametrize("enveloped", [False, True], ids=["string", "enveloped"])
def test_vc_api_verifies_an_sd_jwt(verifier: TestClient, sd_token: str, enveloped: bool) -> None:
    shown = name_only_sd_jwt(sd_token)
    item: Any = shown
    if enveloped:
        item = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["EnvelopedVerifiableCredential"],
            "id": f"data:application/dc+sd-jwt,{shown}",
        }
    answered = verifier.post("/credentials/verify", json={"verifiableCredential": item})
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["verified"] is True and "disclosures" in body["checks"]
    assert body["report"]["disclosure"]["withheld"] >= 3


def test_vc_api_sd_jwt_with_a_tampered_disclosure_fails(
    verifier: TestClient, sd_token: str
) -> None:
    answered = verifier.post(
        "/credentials/verify", json={"verifiableCredential": _modified(sd_token)}
    )
    assert answered.status_code == 422
    assert [e["id"] for e in answered.json()["errors"]] == ["disclosures"]


def test_issuer_key_is_the_did_web_key(sd_token: str) -> None:
    """The issuer signs the SD-JWT with its did:web key (the verifier resolves it)."""
    header, payload = jose.peek(sd_jwt.split(sd_token)[0])
    assert header["typ"] == "dc+sd-jwt" and header["kid"].startswith(payload["iss"] + "#")


@pytest.mark.parametrize("same", [True, False], ids=["one-holder", "two-holders"])
def test_two_sd_jwts_must_be_bound_to_one_key(
    verifier: TestClient, issuer: TestClient, sd_token: str, same: bool
) -> None:
    """Without an ldp_vp, "same holder" is the same cnf key in every SD-JWT."""
    holder = HOLDER if same else OTHER
    second: str = issue(issuer, "community-college", "fundamentals-of-nursing-2",
                        format="sd-jwt-vc", recipient={"did": did_of(holder)},
                        recipient_name=NAME)  # fmt: skip
    job = open_job(verifier)
    asked = job.ask()
    answer = [good_sd(sd_token, asked), good_sd(second, asked, key=holder)]
    assert job.answer(asked, {SD_QUERY: answer}).status_code == 200
    [result] = job.results()
    if same:
        assert result["verdict"] == "pass", json.dumps(result["report"], indent=1)
        assert "same-holder" in statuses(result["report"])["pass"]
    else:
        only_failure(result, "same-holder")


# --- hidden end date and status: only the registry's attestation makes absence mean "none" ---

ATTESTED = ["credentialStatus", "validUntil"]


def registry_file(tmp_path: Path, issuers: list[dict[str, Any]]) -> Path:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"name": "Test registry", "issuers": issuers}), encoding="utf-8")
    return path


def did_key_issuer(always: list[str] | None) -> dict[str, Any]:
    """The did:key issuer of tests/sd_scenarios.py, accredited for its one achievement."""
    entry: dict[str, Any] = {
        "did": sd.ISSUER_DID, "name": "Demo Community College", "accreditor": "Someone",
        "achievements": ["https://college.example/achievements/nursing-1"],
    }  # fmt: skip
    return entry if always is None else {**entry, "alwaysDiscloses": always}


def name_only_derived(base: dict[str, Any]) -> dict[str, Any]:
    fields = sd_fields.fields_of_ecdsa_sd(base)
    return sd_disclose.disclose_ecdsa_sd(base, [pointer_of(fields, "Recipient name")])


def checks_by_id(verifier: TestClient, credential: Any) -> dict[str, dict[str, str]]:
    answered = verifier.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answered.status_code in (200, 422), answered.text
    return {c["id"]: c for c in answered.json()["report"]["checks"]}


@pytest.mark.parametrize("fmt", ["ecdsa-sd-2023", "sd-jwt-vc"])
def test_without_attestation_a_missing_end_date_and_status_could_not_be_checked(
    verifier_app: VerifierFactory, tmp_path: Path, fmt: str
) -> None:
    """A derived credential (or SD-JWT) with no validUntil and no credentialStatus, from an
    accredited issuer the registry does NOT attest always discloses them: the holder may
    have withheld them, so both are could-not-check, and the report page says why."""
    registry = registry_file(tmp_path, [did_key_issuer(None)])
    verifier = as_employer(TestClient(verifier_app(registry_file=registry), base_url=VERIFIER_URL))
    shown: Any = (
        name_only_derived(sd.issue_ecdsa_sd())
        if fmt == "ecdsa-sd-2023"
        else sd_disclose.disclose_sd_jwt(sd.issue_sd_jwt(), [sd.NAME], None)
    )
    checks = checks_by_id(verifier, shown)
    assert checks["trusted-issuer"]["status"] == "pass"
    for check_id in ("validity-period", "status"):
        assert checks[check_id]["status"] == "could-not-check", checks[check_id]
        assert "withh" in checks[check_id]["detail"], checks[check_id]
    document = shown if isinstance(shown, str) else json.dumps(shown)
    page = verifier.post("/", data={"document": document})
    assert page.status_code == 200 and 'class="verdict could-not-check"' in page.text
    assert checks["validity-period"]["detail"] in page.text
    assert checks["status"]["detail"] in page.text


@pytest.mark.parametrize("fmt", ["ecdsa-sd-2023", "sd-jwt-vc"])
def test_with_the_registrys_attestation_absence_means_none_was_issued(
    verifier_app: VerifierFactory, tmp_path: Path, fmt: str
) -> None:
    registry = registry_file(tmp_path, [did_key_issuer(ATTESTED)])
    verifier = as_employer(TestClient(verifier_app(registry_file=registry), base_url=VERIFIER_URL))
    shown: Any = (
        name_only_derived(sd.issue_ecdsa_sd())
        if fmt == "ecdsa-sd-2023"
        else sd_disclose.disclose_sd_jwt(sd.issue_sd_jwt(), [sd.NAME], None)
    )
    checks = checks_by_id(verifier, shown)
    for check_id in ("validity-period", "status"):
        assert checks[check_id]["status"] == "pass", checks[check_id]
        assert "registry attests" in checks[check_id]["detail"], checks[check_id]


def test_a_demo_issuer_not_attested_leaves_its_derived_end_date_unchecked(
    verifier_app: VerifierFactory, tmp_path: Path, ecdsa_base: dict[str, Any]
) -> None:
    """The same demo registry without alwaysDiscloses: the real issuer's derived credential
    (status shown, as the issuer makes it mandatory; no end date) could not be checked."""
    demo = json.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    for entry in demo["issuers"]:
        entry.pop("alwaysDiscloses", None)
    registry = registry_file(tmp_path, demo["issuers"])
    verifier = as_employer(TestClient(verifier_app(registry_file=registry), base_url=VERIFIER_URL))
    checks = checks_by_id(verifier, name_only_derived(ecdsa_base))
    assert checks["validity-period"]["status"] == "could-not-check"
    assert checks["status"]["status"] == "pass" and checks["proof"]["status"] == "pass"
    attested = TestClient(verifier_app(), base_url=VERIFIER_URL)  # the demo registry as shipped
    assert checks_by_id(attested, name_only_derived(ecdsa_base))["validity-period"]["status"] == (
        "pass"
    )
