"""Use case: verify what was submitted, under the operator's fetch policy, then apply the
employer's policy (``verifier.checking.policy``: trusted-issuer, and requirements-met for a job).

``Verifier`` is built once by ``create_app`` (``Installation.verification``) from the settings, the
registry and the fetch callable (``verifier.checking.fetch.fetcher`` unless a test injects one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vckit.did.resolver import DidResolver
from vckit.keys.keypair import PublicKey
from vckit.report import Report
from vckit.verification import VerifyOptions, verify
from verifier.checking import policy
from verifier.checking.cache import TtlCache
from verifier.checking.fetch import FetchPolicy, fetcher
from verifier.checking.registry import Registry, load
from verifier.settings import Settings

Fetch = Callable[[str], bytes]


def fetch_policy(settings: Settings) -> FetchPolicy:
    """What the operator lets the verifier reach (did:web, status lists, links, webhooks)."""
    return FetchPolicy(
        allow_http_localhost=settings.allow_http_localhost,
        allow_private=settings.allow_private,
        timeout=settings.fetch_timeout,
    )


def network_fetch(settings: Settings) -> Fetch:
    """The fetch the settings allow: ``verifier.checking.fetch`` under the operator's policy."""
    return fetcher(fetch_policy(settings))


def options_for(
    settings: Settings,
    fetch: Fetch | None = None,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
    status_fetch: Fetch | None = None,
    registry: Registry | None = None,
    require_holder_binding: bool = True,
    supplied_key: PublicKey | None = None,
) -> VerifyOptions:
    """Verify options from the settings: what may be fetched (through ``fetch``, by default
    the network fetcher), and what the caller expects. With a registry, its ``alwaysDiscloses``
    attestations tell vckit which issuers never let a holder withhold ``validUntil`` or
    ``credentialStatus`` (so their absence in a derived credential means "none issued")."""
    fetch = fetch or network_fetch(settings)
    return VerifyOptions(
        resolver=DidResolver(fetch if settings.allow_did_web else None),
        fetch_status_list=(status_fetch or fetch) if settings.allow_status_fetch else None,
        fetch_refresh=fetch if settings.allow_refresh else None,
        challenge=challenge,
        domain=domain,
        now=now,
        always_disclosed=registry.always_disclosed if registry is not None else None,
        require_holder_binding=require_holder_binding,
        supplied_key=supplied_key,
    )


def load_registry(settings: Settings) -> Registry | None:
    """The governance registry the settings name, or None when there is none."""
    if settings.registry_file is None:
        return None
    return load(settings.registry_file, settings.issuer_url)


@dataclass(frozen=True)
class Verifier:
    """Verification with this verifier's settings, fetch and registry."""

    settings: Settings
    registry: Registry | None = None
    fetch: Fetch | None = None
    clock: Callable[[], datetime] | None = None
    status_fetch: Fetch | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        """Status lists go through a short cache when the settings ask for one."""
        if self.settings.status_cache_seconds > 0:
            fetch = self.fetch or network_fetch(self.settings)
            clock = self.clock or _utc_now
            cache = TtlCache(fetch, self.settings.status_cache_seconds, lambda: clock().timestamp())
            object.__setattr__(self, "status_fetch", cache)

    def options(
        self,
        now: datetime,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        require_holder_binding: bool = True,
        supplied_key: PublicKey | None = None,
        registry: Registry | None = None,
    ) -> VerifyOptions:
        """The verify options of this verifier (its DID resolver, status fetch) at ``now``."""
        return options_for(
            self.settings,
            self.fetch,
            challenge=challenge,
            domain=domain,
            now=now,
            status_fetch=self.status_fetch,
            registry=registry or self.registry,
            require_holder_binding=require_holder_binding,
            supplied_key=supplied_key,
        )

    def verify(
        self,
        data: str | bytes | dict[str, Any],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        requirements: policy.Requirements | None = None,
        now: datetime | None = None,
        require_holder_binding: bool = True,
        supplied_key: PublicKey | None = None,
        registry: Registry | None = None,
    ) -> Report:
        """Verify a credential or presentation, then add the policy checks: trusted-issuer
        when there is a registry, requirements-met when ``requirements`` are given. Holder
        binding is required unless the caller says otherwise (a bare VC-API verification).
        ``registry`` replaces this verifier's (an organisation's own trust added:
        :func:`verifier.checking.trust.registry_for`). Raises ``vckit.errors.InputError`` if
        the input is unusable."""
        now = now or (self.clock or _utc_now)()
        options = self.options(
            now,
            challenge=challenge,
            domain=domain,
            require_holder_binding=require_holder_binding,
            supplied_key=supplied_key,
            registry=registry,
        )
        report = verify(data, options)
        return policy.evaluate(report, requirements, registry or self.registry, now)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def verify_submission(
    data: str | bytes | dict[str, Any], settings: Settings, **expected: Any
) -> Report:
    """Verify with the network fetcher and the settings' registry (no job requirements)."""
    return Verifier(settings, load_registry(settings)).verify(data, **expected)
