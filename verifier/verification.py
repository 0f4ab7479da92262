"""Use case: verify what was submitted, under the operator's fetch policy."""

from __future__ import annotations

from typing import Any

from vckit.did import DidResolver
from vckit.report import Report
from vckit.verify import VerifyOptions, verify
from verifier.fetch import FetchPolicy, fetcher
from verifier.settings import Settings


def options_for(settings: Settings, **expected: Any) -> VerifyOptions:
    """Verify options from the settings: what may be fetched, and what the caller expects."""
    policy = FetchPolicy(
        allow_http_localhost=settings.allow_http_localhost, allow_private=settings.allow_private
    )
    fetch = fetcher(policy)
    return VerifyOptions(
        resolver=DidResolver(fetch if settings.allow_did_web else None),
        fetch_status_list=fetch if settings.allow_status_fetch else None,
        challenge=expected.get("challenge"),
        domain=expected.get("domain"),
    )


def verify_submission(
    data: str | bytes | dict[str, Any], settings: Settings, **expected: Any
) -> Report:
    """Verify a credential or presentation; raises ``vckit.errors.InputError`` if unusable."""
    return verify(data, options_for(settings, **expected))
