"""How the SD-JWT report corpus (``tests/vectors/sd-jwt/reports/``) is verified: one definition
for the generator that records the reports and the test that checks them against today's code."""

from __future__ import annotations

from typing import Any

from tests import sd_scenarios as sc
from vckit.errors import VckitError
from vckit.verification import VerifyOptions, verify


def attested(issuer: str) -> frozenset[str]:
    """The registry's ``alwaysDiscloses`` for the corpus: the scenarios' issuer only."""
    return frozenset({"credentialStatus", "validUntil"}) if issuer == sc.ISSUER_DID else frozenset()


def options(case: dict[str, Any]) -> VerifyOptions:
    """The options a case names: ``challenge``, ``domain``, ``attested`` (registry on)."""
    return VerifyOptions(
        now=sc.NOW,
        challenge=case.get("challenge"),
        domain=case.get("domain"),
        always_disclosed=attested if case.get("attested", True) else None,
    )


def report_json(token: str, case: dict[str, Any]) -> Any:
    """The whole report of ``token`` as JSON, or the error that refused it."""
    try:
        return verify(token, options(case)).to_json()
    except VckitError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
