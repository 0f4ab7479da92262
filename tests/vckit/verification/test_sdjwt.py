"""Selectively disclosed credentials through ``vckit.verification.verify``: SD-JWT VC (with and
without key binding) and ecdsa-sd-2023 (base, derived, derived inside a presentation).

Every negative case names the one check that must fail; the verdict is then ``fail``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ler.cli import main
from tests import sd_scenarios as sc
from vckit import sdjwt as sd_jwt
from vckit.di import ecdsa_sd
from vckit.disclosure.disclose import disclose_ecdsa_sd, disclose_sd_jwt
from vckit.errors import InputError
from vckit.keys import multibase
from vckit.keys.keyfile import key_id
from vckit.keys.keypair import KeyPair
from vckit.presentation import build_presentation, sign_presentation
from vckit.report import FAIL, PASS, UNCHECKED, Check, Report
from vckit.verification import VerifyOptions, verify
from vckit.verification.proofs import BASE_PROOF_REFUSED

NONCE = "n-7c1e"
AUD = "https://carehome.example"
SD_JWT = sc.issue_sd_jwt(decoys=1)
BASE = sc.issue_ecdsa_sd()
DERIVED = disclose_ecdsa_sd(BASE, [sc.BIRTH, sc.GRADE])


def attested(issuer: str) -> frozenset[str]:
    """A registry that attests the scenarios' issuer never lets a holder hide these."""
    return frozenset({"credentialStatus", "validUntil"}) if issuer == sc.ISSUER_DID else frozenset()


def options(**kwargs: Any) -> VerifyOptions:
    """The scenarios' issuer is attested (pass ``always_disclosed=None`` for no registry)."""
    return VerifyOptions(now=sc.NOW, **({"always_disclosed": attested} | kwargs))


def named(report: Report, check_id: str) -> Check:
    found = report.check(check_id)
    assert found is not None, check_id
    return found


def failing(report: Report) -> list[str]:
    return [c.id for c in report.all_checks() if c.status == FAIL]


def present(token: str = SD_JWT, nonce: str = NONCE, aud: str = AUD, **kw: Any) -> str:
    return disclose_sd_jwt(
        token, [sc.BIRTH, sc.GRADE], sc.HOLDER, nonce=nonce, aud=aud, iat=kw.get("iat", sc.NOW)
    )


def _reencode(disclosure: str, value: Any) -> str:
    items = json.loads(multibase.base64url_nopad_decode(disclosure))
    items[-1] = value
    return multibase.base64url_nopad_encode(json.dumps(items).encode())


# --- SD-JWT: the good cases ------------------------------------------------------------------


def test_sd_jwt_credential_passes_with_its_disclosure_set() -> None:
    report = verify(SD_JWT, options())
    assert report.verdict == PASS
    assert report.kind == "credential" and report.format == "dc+sd-jwt (ES256)"
    assert [c.id for c in report.checks] == [
        "proof",
        "issuer-key",
        "disclosures",
        "format",
        "validity-period",
        "status",
        "schema",
    ]
    assert report.document is not None and "iss" not in report.document
    assert report.disclosure is not None
    assert sc.NAME in report.disclosure.disclosed and report.disclosure.absent == ()
    assert report.disclosure.withheld == 2  # the decoys: one per _sd array
    assert report.to_json()["disclosure"]["withheld"] == 2


def test_sd_jwt_presentation_passes_and_shows_only_the_chosen_fields() -> None:
    report = verify(present(), options(challenge=NONCE, domain=AUD))
    assert report.verdict == PASS, failing(report)
    assert report.kind == "presentation" and report.format == "dc+sd-jwt+kb"
    assert [c.id for c in report.checks] == ["proof", "holder-binding", "challenge", "domain"]
    (inner,) = report.credentials
    assert inner.disclosure is not None
    # identifier 1 of the issuer is the only identifier the verifier sees: index 0 for it
    assert inner.disclosure.disclosed == (sc.NAME, sc.GRADE)
    assert set(inner.disclosure.absent) == {
        "Recipient name",
        "Email (hashed)",
        "Evidence",
        "Awarded date",
    }
    assert inner.document is not None
    assert inner.document["credentialSubject"]["identifier"][0]["identityHash"] == "2001-04-17"


# --- SD-JWT: one named check fails ------------------------------------------------------------


def _modified(token: str) -> str:
    jwt, disclosures, _ = sd_jwt.split(token)
    first = disclosures[0]
    changed = _reencode(
        first,
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Someone Else",
        },
    )
    return jwt + "~" + "~".join([changed, *disclosures[1:]]) + "~"


def _foreign(token: str) -> str:
    _, other, _ = sd_jwt.split(sc.issue_sd_jwt())
    return token + other[0] + "~"


def _duplicate(token: str) -> str:
    _, disclosures, _ = sd_jwt.split(token)
    return token + disclosures[0] + "~"


def _sd_hash_mismatch(_token: str) -> str:
    jwt, disclosures, kb = sd_jwt.split(present())
    return jwt + "~" + disclosures[0] + "~" + str(kb)


def _stale_kb(_token: str) -> str:
    return present(iat=sc.NOW - timedelta(minutes=10))


SD_JWT_CASES: list[Any] = [
    pytest.param(_modified, {}, "disclosures", id="modified-disclosure"),
    pytest.param(_foreign, {}, "disclosures", id="disclosure-from-another-credential"),
    pytest.param(_duplicate, {}, "disclosures", id="duplicate-disclosure"),
    pytest.param(lambda t: t, {"challenge": NONCE}, "holder-binding", id="stripped-kb-jwt"),
    pytest.param(
        lambda t: present(nonce="n-old"),
        {"challenge": NONCE, "domain": AUD},
        "challenge",
        id="replayed-kb-jwt-old-nonce",
    ),
    pytest.param(
        lambda t: present(nonce="n-guess"), {"challenge": NONCE}, "challenge", id="wrong-nonce"
    ),
    pytest.param(
        lambda t: present(aud="https://elsewhere.example"),
        {"challenge": NONCE, "domain": AUD},
        "domain",
        id="wrong-aud",
    ),
    pytest.param(
        lambda t: sc.issue_sd_jwt(sc.NOW - timedelta(days=1)),
        {},
        "validity-period",
        id="expired-sd-jwt",
    ),
    pytest.param(_sd_hash_mismatch, {"challenge": NONCE}, "proof", id="sd-hash-mismatch"),
    pytest.param(_stale_kb, {"challenge": NONCE}, "proof", id="kb-jwt-too-old"),
]


@pytest.mark.parametrize(("make", "expect", "check"), SD_JWT_CASES)
def test_sd_jwt_failure_is_named(
    make: Callable[[str], str], expect: dict[str, str], check: str
) -> None:
    report = verify(make(SD_JWT), options(**expect))
    assert failing(report) == [check]
    assert report.verdict == FAIL


def test_sd_jwt_did_web_issuer_without_fetch_is_never_a_pass() -> None:
    token = sc.issue_sd_jwt(issuer=sc.WEB_DID, kid=sc.WEB_DID + "#key-1")
    report = verify(token, options())
    assert named(report, "proof").status == UNCHECKED
    assert named(report, "issuer-key").status == UNCHECKED
    assert report.verdict == UNCHECKED


def test_sd_jwt_signed_by_a_key_the_iss_did_does_not_list_fails_issuer_key() -> None:
    other = key_id(sc.HOLDER.public)
    report = verify(sc.issue_sd_jwt(kid=other), options())
    assert failing(report) == ["issuer-key"]


def test_a_holder_key_under_another_holders_kid_is_not_confused() -> None:
    """Holder keys are read once (:meth:`PublicKey.from_jwk` keeps them): two holders whose
    ``cnf`` keys carry the same ``kid`` each bind their own credential, and a KB-JWT signed
    by the first holder never passes for the second holder's credential."""
    first, second = sc.HOLDER, KeyPair.generate("P-256")

    def issued_to(holder: KeyPair) -> str:
        jwk = holder.public.to_jwk() | {"kid": "holder-key-1"}
        return sd_jwt.issue(
            sc.sd_jwt_claims(),
            sc.ISSUER,
            kid=key_id(sc.ISSUER.public),
            disclosable=sc.DISCLOSABLE,
            holder_jwk=jwk,
        )

    def shown(token: str, holder: KeyPair) -> str:
        return disclose_sd_jwt(
            token, [sc.BIRTH, sc.GRADE], holder, nonce=NONCE, aud=AUD, iat=sc.NOW
        )

    expect = options(challenge=NONCE, domain=AUD)
    for _ in range(2):  # the second round reads both keys from what was kept
        assert verify(shown(issued_to(first), first), expect).verdict == PASS
        assert verify(shown(issued_to(second), second), expect).verdict == PASS
        stolen = verify(shown(issued_to(second), first), expect)
        assert failing(stolen) == ["proof"]
        assert "signature does not verify" in named(stolen, "proof").detail


# --- ecdsa-sd-2023 -----------------------------------------------------------------------------


def test_base_proof_verifies_for_its_holder() -> None:
    report = verify(BASE, options(accept_base_proofs=True))
    assert report.verdict == PASS, failing(report)
    assert report.format == "ecdsa-sd-2023" and report.disclosure is None


def test_a_verifier_refuses_a_base_proof() -> None:
    """vc-di-ecdsa §3.5.8 parseDerivedProofValue: a proofValue whose header is not the
    derived proof's MUST raise an error; a verifier checks derived proofs only."""
    report = verify(BASE, options())
    assert report.check("proof") == Check("proof", FAIL, BASE_PROOF_REFUSED)
    assert report.verdict == FAIL


def test_derived_proof_verifies_with_disclosure_set() -> None:
    report = verify(DERIVED, options())
    assert report.verdict == PASS, failing(report)
    assert report.disclosure is not None
    assert report.disclosure.withheld is None
    assert report.disclosure.disclosed == (sc.NAME, sc.GRADE)
    assert set(report.disclosure.absent) == {
        "Recipient name",
        "Email (hashed)",
        "Evidence",
        "Awarded date",
    }
    assert "withheld" in report.disclosure.note and "never issued" in report.disclosure.note


def _changed_field(document: dict[str, Any]) -> None:
    document["credentialSubject"]["result"][0]["value"] = "A"


def _added_field(document: dict[str, Any]) -> None:
    document["awardedDate"] = "2025-09-01T00:00:00Z"


def _changed_mandatory(document: dict[str, Any]) -> None:
    document["name"] = "Advanced Nursing"


@pytest.mark.parametrize(
    ("source", "tamper"),
    [
        pytest.param(DERIVED, _changed_field, id="derived-changed-field"),
        pytest.param(DERIVED, _added_field, id="derived-added-field"),
        pytest.param(DERIVED, _changed_mandatory, id="derived-changed-mandatory"),
        pytest.param(BASE, _changed_field, id="base-changed-field"),
        pytest.param(BASE, _changed_mandatory, id="base-changed-mandatory"),
    ],
)
def test_ecdsa_sd_tampering_fails_the_proof(
    source: dict[str, Any], tamper: Callable[[dict[str, Any]], None]
) -> None:
    document = copy.deepcopy(source)
    tamper(document)
    report = verify(document, options())
    assert failing(report) == ["proof"]
    assert report.verdict == FAIL


def test_ecdsa_sd_did_web_issuer_without_fetch_is_never_a_pass() -> None:
    base = sc.issue_ecdsa_sd(sc.WEB_DID, sc.WEB_DID + "#key-1")
    report = verify(disclose_ecdsa_sd(base, [sc.GRADE]), options())
    assert named(report, "proof").status == UNCHECKED
    assert report.verdict == UNCHECKED


@pytest.mark.parametrize(
    ("challenge", "bad"),
    [pytest.param(NONCE, [], id="bound"), pytest.param("n-other", ["challenge"], id="replayed")],
)
def test_derived_credential_inside_a_presentation(challenge: str, bad: list[str]) -> None:
    vp = build_presentation([DERIVED], holder=sc.HOLDER_DID)
    signed = sign_presentation(
        vp,
        sc.HOLDER,
        verification_method=key_id(sc.HOLDER.public),
        challenge=NONCE,
        domain=AUD,
        created=sc.NOW,
    )
    report = verify(signed, options(challenge=challenge, domain=AUD))
    assert failing(report) == bad
    assert named(report, "holder-binding").status == PASS
    (inner,) = report.credentials
    assert inner.disclosure is not None and inner.disclosure.withheld is None


# --- ler verify ------------------------------------------------------------------------------


def _registry(tmp_path: Path) -> Path:
    entry = {
        "did": sc.ISSUER_DID,
        "name": "Demo Community College",
        "accreditor": "An accrediting body",
        "achievements": ["https://college.example/achievements/nursing-1"],
        "alwaysDiscloses": ["credentialStatus", "validUntil"],
    }
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"issuers": [entry]}))
    return path


@pytest.mark.parametrize(
    ("document", "code", "shown"),
    [
        pytest.param(SD_JWT, 0, "withheld: 2", id="sd-jwt"),
        pytest.param(_modified(SD_JWT), 1, "[FAIL] Disclosures match", id="sd-jwt-modified"),
        pytest.param(DERIVED, 0, "withheld: not revealed", id="ecdsa-sd-derived"),
    ],
)
def test_cli_prints_disclosure(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: str | dict[str, Any],
    code: int,
    shown: str,
) -> None:
    path = tmp_path / "credential"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    registry = str(_registry(tmp_path))
    assert main(["verify", str(path), "--now", sc.NOW.isoformat(), "--registry", registry]) == code
    out = capsys.readouterr().out
    assert shown in out
    if code == 0:
        assert "disclosed: " in out and "note: " in out


def test_cli_without_a_registry_cannot_rule_out_a_hidden_end_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "credential"
    path.write_text(json.dumps(DERIVED))
    assert main(["verify", str(path), "--now", sc.NOW.isoformat()]) == 3
    out = capsys.readouterr().out
    assert "[COULD NOT CHECK] Validity period" in out and "no validUntil disclosed" in out


def test_cli_refuses_an_unreadable_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "credential"
    path.write_text(json.dumps(DERIVED))
    bad = tmp_path / "registry.json"
    bad.write_text('{"issuers": [{"did": "x"}]}')
    assert main(["verify", str(path), "--registry", str(bad)]) == 2
    assert "registry" in capsys.readouterr().err


# --- hidden status / expiry (a format that lets a holder withhold members) -------------------

STATUS_ENTRY = {
    "id": "https://college.example/status/1#7",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "7",
    "statusListCredential": "https://college.example/status/1",
}


def _unchecked(report: Report) -> list[str]:
    return [c.id for c in report.all_checks() if c.status == UNCHECKED]


def test_derived_without_status_or_end_date_could_not_check_without_a_registry() -> None:
    report = verify(DERIVED, options(always_disclosed=None))
    assert _unchecked(report) == ["validity-period", "status"]
    assert report.verdict == UNCHECKED
    assert "ecdsa-sd-2023 lets a holder withhold it" in named(report, "status").detail
    assert "no revocation" not in named(report, "status").detail


def test_registry_attestation_says_where_the_pass_comes_from() -> None:
    report = verify(DERIVED, options())
    detail = named(report, "status").detail
    assert named(report, "status").status == PASS
    assert f"the registry attests {sc.ISSUER_DID} always discloses credentialStatus" in detail
    assert "always discloses validUntil" in named(report, "validity-period").detail


def test_registry_attestation_of_another_issuer_does_not_count() -> None:
    report = verify(DERIVED, options(always_disclosed=lambda issuer: frozenset()))
    assert _unchecked(report) == ["validity-period", "status"]


def test_hidden_expiry_and_status_of_a_careless_issuer_are_never_a_pass() -> None:
    """The issuer left credentialStatus and validUntil (already past) out of its mandatory
    pointers; the holder withholds both."""
    credential = sc.credential(valid_until=sc.NOW - timedelta(days=30))
    credential["credentialStatus"] = STATUS_ENTRY
    proof_options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": "2025-09-01T00:00:00Z",
        "verificationMethod": key_id(sc.ISSUER.public),
        "proofPurpose": "assertionMethod",
    }
    base = ecdsa_sd.create_base_proof(credential, proof_options, sc.ISSUER, sc.MANDATORY)
    derived = ecdsa_sd.add_derived_proof(base, ["/credentialSubject/identifier"])
    assert "validUntil" not in derived and "credentialStatus" not in derived
    report = verify(derived, options(always_disclosed=None))
    assert _unchecked(report) == ["validity-period", "status"]
    assert report.verdict == UNCHECKED


def test_derived_in_a_presentation_without_a_registry_could_not_check() -> None:
    vp = build_presentation([DERIVED], holder=sc.HOLDER_DID)
    signed = sign_presentation(
        vp,
        sc.HOLDER,
        verification_method=key_id(sc.HOLDER.public),
        challenge=NONCE,
        domain=AUD,
        created=sc.NOW,
    )
    report = verify(signed, options(challenge=NONCE, domain=AUD, always_disclosed=None))
    assert _unchecked(report) == ["validity-period", "status"]


def test_base_proof_hides_nothing_so_no_registry_is_needed() -> None:
    assert verify(BASE, options(always_disclosed=None, accept_base_proofs=True)).verdict == PASS


def test_sd_jwt_with_undisclosed_top_level_digests_could_not_check() -> None:
    report = verify(sc.issue_sd_jwt(), options(always_disclosed=None))
    assert report.verdict == PASS  # every top-level disclosure present, no decoys
    jwt, disclosures, _ = sd_jwt.split(sc.issue_sd_jwt())
    report = verify(jwt + "~", options(always_disclosed=None))  # awardedDate etc. withheld
    assert _unchecked(report) == ["validity-period", "status"]
    assert "SD-JWT lets a holder withhold it" in named(report, "status").detail
    assert verify(SD_JWT, options(always_disclosed=None)).verdict == UNCHECKED  # a decoy


def test_sd_jwt_exp_cannot_be_hidden_so_the_end_date_is_known() -> None:
    token = sc.issue_sd_jwt(sc.NOW + timedelta(days=30), decoys=1)
    report = verify(token, options(always_disclosed=None))
    assert named(report, "validity-period").status == PASS
    assert named(report, "status").status == UNCHECKED


def _sd_jwt_disclosing(path: tuple[str, ...]) -> str:
    claims = sc.credential(valid_until=sc.NOW + timedelta(days=30))
    claims["credentialStatus"] = STATUS_ENTRY
    claims |= {"iss": sc.ISSUER_DID, "iat": 1756684800, "vct": sc.VCT}
    return sd_jwt.issue(
        claims,
        sc.ISSUER,
        kid=key_id(sc.ISSUER.public),
        disclosable=[path],
        holder_jwk=sc.HOLDER.public.to_jwk(),
    )


@pytest.mark.parametrize(
    "path",
    [("issuer",), ("validFrom",), ("validUntil",), ("credentialStatus",), ("issuer", "name")],
)
def test_sd_jwt_disclosure_of_a_never_disclosable_member_fails(path: tuple[str, ...]) -> None:
    report = verify(_sd_jwt_disclosing(path), options())
    assert "disclosures" in failing(report)
    assert "must never be disclosable" in named(report, "disclosures").detail


def test_sd_jwt_ietf_status_claim_is_never_a_pass() -> None:
    claims = sc.credential()
    claims |= {
        "iss": sc.ISSUER_DID,
        "iat": 1756684800,
        "vct": sc.VCT,
        "status": {"status_list": {"idx": 7, "uri": "https://college.example/statuslists/1"}},
    }
    token = sd_jwt.issue(
        claims,
        sc.ISSUER,
        kid=key_id(sc.ISSUER.public),
        disclosable=[],
        holder_jwk=sc.HOLDER.public.to_jwk(),
    )
    report = verify(token, options())
    assert named(report, "status").status == UNCHECKED
    assert "IETF Token Status List" in named(report, "status").detail
    assert report.verdict == UNCHECKED


# --- KB-JWT clock skew, deep input -------------------------------------------------------------


@pytest.mark.parametrize(("ahead", "ok"), [(2, True), (60, True), (61, False), (600, False)])
def test_kb_jwt_iat_may_run_a_minute_ahead(ahead: int, ok: bool) -> None:
    sent = present(iat=sc.NOW + timedelta(seconds=ahead))
    report = verify(sent, options(challenge=NONCE, domain=AUD))
    assert named(report, "proof").status == (PASS if ok else FAIL)


def _b64json(text: str) -> str:
    return multibase.base64url_nopad_encode(text.encode())


HEADER = _b64json('{"alg":"ES256","typ":"dc+sd-jwt","kid":"did:key:zX#zX"}')


@pytest.mark.parametrize("depth", [200, 5000])
def test_deeply_nested_sd_jwt_payload_is_bad_input(depth: int) -> None:
    payload = _b64json('{"iss":"did:key:z","x":' + "[" * depth + "]" * depth + "}")
    with pytest.raises(InputError):
        verify(f"{HEADER}.{payload}.AAAA~", options())


def test_deeply_nested_disclosure_fails_the_disclosures_check() -> None:
    disclosure = _b64json('["salt","x",' + "[" * 5000 + "]" * 5000 + "]")
    payload = _b64json('{"iss":"did:key:z","_sd":[]}')
    report = verify(f"{HEADER}.{payload}.AAAA~{disclosure}~", options())
    assert named(report, "disclosures").status == FAIL
    assert "deeper than" in named(report, "disclosures").detail
