"""SD-JWT reports stay exactly what they were before the issue 15 speed-ups.

``tests/vectors/sd-jwt/reports/cases.json`` holds SD-JWT inputs, valid and hostile (tampered,
duplicated, foreign and malformed disclosures, duplicate digests, wrong and forbidden ``alg``,
wrong ``typ``, expired, KB-JWTs signed by the wrong key, stale, without ``sd_hash``, nested
contexts, integers beyond 64 bits, surrogates, the IETF examples) with the whole report the
verifier gave for each before its per-call work was cut (``generate.py`` there). A faster path
must give the same verdict, the same checks and details, the same document and the same
disclosure section, or the same refusal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import sd_scenarios as sc
from vckit.errors import VckitError
from vckit.verification import VerifyOptions, verify

CASES = json.loads(
    (Path(__file__).parents[2] / "vectors/sd-jwt/reports/cases.json").read_text("utf-8")
)


def attested(issuer: str) -> frozenset[str]:
    return frozenset({"credentialStatus", "validUntil"}) if issuer == sc.ISSUER_DID else frozenset()


def options(case: dict[str, Any]) -> VerifyOptions:
    """As ``generate.py`` builds them: ``challenge``, ``domain``, ``attested`` (registry)."""
    return VerifyOptions(
        now=sc.NOW,
        challenge=case.get("challenge"),
        domain=case.get("domain"),
        always_disclosed=attested if case.get("attested", True) else None,
    )


def report_json(token: str, case: dict[str, Any]) -> Any:
    try:
        return verify(token, options(case)).to_json()
    except VckitError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def test_the_corpus_holds_every_kind_of_verdict() -> None:
    verdicts = {case["report"].get("verdict", "refused") for case in CASES}
    assert verdicts == {"pass", "fail", "could-not-check", "refused"}
    assert len(CASES) >= 90


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_report_is_the_recorded_one(case: dict[str, Any]) -> None:
    assert report_json(case["token"], case["options"]) == case["report"]


def test_reports_do_not_depend_on_what_was_verified_before() -> None:
    """Each case again after all the others (keys, contexts and parsed holder keys kept
    between verifications must not leak from one credential into the next)."""
    for case in reversed(CASES):
        assert report_json(case["token"], case["options"]) == case["report"], case["id"]
