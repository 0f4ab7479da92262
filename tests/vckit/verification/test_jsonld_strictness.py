"""JSON-LD strictness when verifying: a signed credential whose ``@context`` redefines a
protected term does not verify; one that sets ``@vocab``/``@base`` inline verifies with a note.

The stored vectors (``tests/vectors/jsonld-strict/``, one folder per case) are checked through
the library and ``ler verify``; the tests below them make their vectors with vckit and our test
issuer. A redefinition of ``credentialSubject``
appended after signing leaves the RDFC-1.0 canonical form unchanged (the VC type-scoped context
wins on the credential node), so the signature itself still matches: that is the attack.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import vckit
from ler.cli import main
from tests import scenarios as s
from tests.paths import VECTORS
from vckit.report import FAIL, PASS
from vckit.verification import VerifyOptions, verify

OPTIONS = VerifyOptions(now=s.NOW)


def appended(credential: dict[str, Any], *contexts: Any) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    changed["@context"] = [*changed["@context"], *contexts]
    return changed


def check(report: Any, check_id: str) -> Any:
    return next(c for c in report.checks if c.id == check_id)


REDEFINED_SUBJECT = {"credentialSubject": {"@id": "https://example.org/x"}}
CASES = sorted(p for p in (VECTORS / "jsonld-strict").iterdir() if p.is_dir())
EXIT_CODES = {"pass": 0, "fail": 1, "could-not-check": 3}


def load(case: Path, name: str) -> Any:
    return json.loads((case / name).read_text())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_vector(case: Path) -> None:
    expected = load(case, "expected.json")
    report = verify(load(case, "credential.json"), OPTIONS)
    assert report.verdict == expected["verdict"], report.to_json()
    for check_id in ("proof", "format"):
        if check_id in expected:
            assert check(report, check_id).status == expected[check_id], report.to_json()
    failing = [c for c in report.checks if c.status == expected["verdict"]]
    assert any(expected["names"] in c.detail for c in failing), report.to_json()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_vector_with_ler_verify(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = load(case, "expected.json")
    code = main(["verify", str(case / "credential.json"), "--now", s.NOW.isoformat()])
    assert code == EXIT_CODES[expected["verdict"]]
    out = capsys.readouterr().out
    assert expected["names"] in out
    if expected.get("proof") == "fail":
        assert "[FAIL] Signature (proof)" in out
    if expected.get("format") == "fail":
        assert "[FAIL] Well-formed credential" in out


def test_a_protected_term_redefinition_appended_to_a_signed_credential_fails() -> None:
    tampered = appended(s.good_credential(), REDEFINED_SUBJECT)
    report = verify(tampered, OPTIONS)
    assert report.verdict == FAIL
    proof = check(report, "proof")
    assert proof.status == FAIL
    assert "'credentialSubject'" in proof.detail and "protected term" in proof.detail


def test_a_top_level_protected_term_redefinition_fails_the_proof_not_could_not_check() -> None:
    """pyld refused ``id`` -> ``@type`` already, but vckit read that as could-not-check."""
    report = verify(appended(s.good_credential(), {"id": "@type"}), OPTIONS)
    assert check(report, "proof").status == FAIL
    assert "'id'" in check(report, "proof").detail


def test_a_relative_context_iri_fails_the_proof() -> None:
    report = verify(appended(s.good_credential(), "relative/context"), OPTIONS)
    assert check(report, "proof").status == FAIL


def test_an_unknown_context_stays_could_not_check() -> None:
    report = verify(appended(s.good_credential(), "https://example.org/unknown"), OPTIONS)
    assert check(report, "proof").status == "could-not-check"


def test_a_jcs_signed_redefinition_fails_the_format_check() -> None:
    """JCS signs the JSON text: no expansion at verification, so the format check catches it."""
    unsigned = appended(s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)), {"id": "@type"})
    signed = vckit.sign(
        unsigned, s.ISSUER, verification_method=s.vm_of(s.ISSUER), format="eddsa-jcs-2022"
    )
    assert isinstance(signed, dict)
    report = verify(signed, OPTIONS)
    assert check(report, "proof").status == PASS
    assert check(report, "format").status == FAIL
    assert "'id'" in check(report, "format").detail


@pytest.mark.parametrize("keyword", ["@vocab", "@base"])
def test_an_inline_vocab_or_base_in_a_signed_credential_passes_with_a_note_naming_it(
    keyword: str,
) -> None:
    """JSON-LD 1.1 and VC 2.0 allow an inline ``@vocab`` (the W3C ecdsa-sd-2023 test vectors
    carry one): the verifier does not fail it, but says that undefined terms (``shoeSize``)
    pass under it."""
    unsigned = appended(
        s.ob3_credential(s.did_of(s.ISSUER), s.did_of(s.HOLDER)),
        {keyword: "https://example.org/vocab#"},
    )
    if keyword == "@vocab":
        unsigned["credentialSubject"]["shoeSize"] = "44"
    signed = s.sign(unsigned, s.ISSUER)
    report = verify(signed, OPTIONS)
    assert report.verdict == PASS, report.to_json()
    assert check(report, "format").status == PASS
    assert f"note: the @context at /@context/3 sets {keyword}" in check(report, "format").detail


def test_ler_verify_reports_the_redefinition_as_a_failed_proof(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "vc.json"
    path.write_text(vckit.document.json.dumps(appended(s.good_credential(), REDEFINED_SUBJECT)))
    assert main(["verify", str(path), "--now", s.NOW.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Signature (proof)" in out
    assert "credentialSubject" in out


@pytest.mark.parametrize(
    "context",
    [{"@protected": "yes"}, {"@version": 1.0}, {"term": 5}, {"@import": 5}],
    ids=["protected-not-boolean", "version", "term-number", "import-number"],
)
def test_a_strange_context_is_a_finding_never_a_crash(context: dict[str, Any]) -> None:
    """The format check processes contexts too: a broken one fails it, and nothing raises."""
    report = verify(appended(s.good_credential(), context), OPTIONS)
    assert report.verdict != PASS
    assert check(report, "format").status == FAIL
    assert check(report, "proof").status == FAIL
