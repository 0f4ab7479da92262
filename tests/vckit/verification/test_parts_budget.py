"""Credentials inside credentials are verified at most :data:`MAX_PARTS` times for one
credential, whatever the depth: each endorsement could carry 32 endorsements of its own, and
a 2 MiB document of them made one request verify (and resolve the issuers of) over a thousand
signed credentials: 5.8 s of a verifier's CPU for one public ``POST /credentials/verify``,
or a thousand outbound DID fetches."""

from __future__ import annotations

from typing import Any

from tests import scenarios as s
from vckit.report import Part, Report
from vckit.verification import VerifyOptions, verify
from vckit.verification.embedded import MAX_PARTS


def _tree(width: int, depth: int) -> dict[str, Any]:
    """An unsigned credential whose endorsements each carry ``width`` more, ``depth`` deep."""
    credential = s.ob3_credential(s.did_of(s.ISSUER), "did:example:learner")
    if depth:
        credential["endorsement"] = [_tree(width, depth - 1) for _ in range(width)]
    return credential


def _all_parts(report: Report) -> list[Part]:
    found = list(report.parts)
    for part in report.parts:
        found += _all_parts(part.report)
    return found


def test_nested_endorsements_share_one_budget_of_parts() -> None:
    report = verify(_tree(8, 2), VerifyOptions(now=s.NOW))  # 8 + 8 × 8 inside
    assert len(report.parts) == 8  # the first level is verified as before
    assert len(_all_parts(report)) == MAX_PARTS  # and its parts up to the budget, no more


def test_a_clr_s_nested_credentials_and_their_endorsements_count_together() -> None:
    clr = s.ob3_credential(s.did_of(s.ISSUER), "did:example:learner")
    clr["type"] = ["VerifiableCredential", "ClrCredential"]
    clr["credentialSubject"] = {
        "type": ["ClrSubject"],
        "verifiableCredential": [_tree(3, 1) for _ in range(4)],
    }
    report = verify(clr, VerifyOptions(now=s.NOW))
    nested = [p for p in report.parts if p.role == "nested"]
    assert len(nested) == 4  # a small record is verified in full: 4 + 4 × 3 parts
    assert len(_all_parts(report)) == 16
