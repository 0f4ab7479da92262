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

from tests.sd_reports import report_json

CASES = json.loads(
    (Path(__file__).parents[2] / "vectors/sd-jwt/reports/cases.json").read_text("utf-8")
)


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
