"""Selectively disclosed credentials through ``vckit.verify.verify``: SD-JWT VC (with and
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

from tests import sd_scenarios as sc
from vckit import multibase, sd_jwt
from vckit.keyfile import key_id
from vckit.presentation import build_presentation, sign_presentation
from vckit.report import FAIL, PASS, UNCHECKED, Report
from vckit.sd_fields import disclose_ecdsa_sd, disclose_sd_jwt
from vckit.verify import VerifyOptions, verify
from verifier.cli import main

NONCE = "n-7c1e"
AUD = "https://carehome.example"
SD_JWT = sc.issue_sd_jwt(decoys=1)
BASE = sc.issue_ecdsa_sd()
DERIVED = disclose_ecdsa_sd(BASE, [sc.BIRTH, sc.GRADE])


def options(**kwargs: Any) -> VerifyOptions:
    return VerifyOptions(now=sc.NOW, **kwargs)


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
    assert report.check("proof").status == UNCHECKED
    assert report.check("issuer-key").status == UNCHECKED
    assert report.verdict == UNCHECKED


def test_sd_jwt_signed_by_a_key_the_iss_did_does_not_list_fails_issuer_key() -> None:
    other = key_id(sc.HOLDER.public)
    report = verify(sc.issue_sd_jwt(kid=other), options())
    assert failing(report) == ["issuer-key"]


# --- ecdsa-sd-2023 -----------------------------------------------------------------------------


def test_base_proof_verifies() -> None:
    report = verify(BASE, options())
    assert report.verdict == PASS, failing(report)
    assert report.format == "ecdsa-sd-2023" and report.disclosure is None


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
    assert report.check("proof").status == UNCHECKED
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
    assert report.check("holder-binding").status == PASS
    (inner,) = report.credentials
    assert inner.disclosure is not None and inner.disclosure.withheld is None


# --- ler verify ------------------------------------------------------------------------------


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
    assert main(["verify", str(path), "--now", sc.NOW.isoformat()]) == code
    out = capsys.readouterr().out
    assert shown in out
    if code == 0:
        assert "disclosed: " in out and "note: " in out
