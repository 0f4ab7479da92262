"""Use case: verify what was submitted, under the operator's fetch policy, then apply the
employer's policy (``verifier.checking.policy``: trusted-issuer, and requirements-met for a job).

``Verifier`` is built once by ``create_app`` (``Installation.verification``) from the settings, the
registry and the fetch callable (``verifier.checking.fetch.document_origin`` unless a test
injects one). Every did:web and controller document and every status list goes through one
of its two :class:`servicekit.fetch_cache.FetchCache`: documents kept up to
``did_cache_seconds``, status lists up to ``status_cache_seconds`` (the revocation latency),
both at least ``cache_floor_seconds`` whatever the host's ``Cache-Control`` says; one fetch
for many concurrent misses; a failed fetch retried within ``fetch_timeout``. A status list
credential that verified is not verified again while its bytes are unchanged, for at most
``status_cache_seconds`` (:mod:`verifier.checking.verified_lists`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from servicekit.cpu_lane import CpuLane
from servicekit.fetch_cache import FetchCache, Fetched
from vckit.did.resolver import DidResolver
from vckit.keys.keypair import PublicKey
from vckit.report import Report
from vckit.verification import VerifyOptions, verify
from verifier.checking import policy
from verifier.checking.fetch import FetchPolicy, document_origin, fetcher
from verifier.checking.registry import Registry, load
from verifier.checking.verified_lists import VerifiedLists
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
    refresh_fetch: Fetch | None = None,
    remember_status_list: VerifiedLists | None = None,
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
        fetch_refresh=(refresh_fetch or fetch) if settings.allow_refresh else None,
        remember_status_list=remember_status_list,
        challenge=challenge,
        domain=domain,
        now=now,
        always_disclosed=registry.always_disclosed if registry is not None else None,
        require_holder_binding=require_holder_binding,
        supplied_key=supplied_key,
        max_values=settings.verify_max_values,
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
    document_fetch: FetchCache = field(init=False)
    status_fetch: FetchCache = field(init=False)
    verified_lists: VerifiedLists = field(init=False)
    lane: CpuLane = field(init=False, default_factory=CpuLane)

    def __post_init__(self) -> None:
        """Documents and status lists each go through their cache (see the module docstring)."""
        origin = _origin(self.settings, self.fetch)
        clock = self.clock
        lifetimes = time.monotonic if clock is None else lambda: clock().timestamp()
        for name, ceiling in (
            ("document_fetch", self.settings.did_cache_seconds),
            ("status_fetch", self.settings.status_cache_seconds),
        ):
            cache = FetchCache(
                origin,
                ceiling=ceiling,
                floor=self.settings.cache_floor_seconds,
                max_entries=self.settings.cache_entries,
                budget=self.settings.fetch_timeout,
                clock=lifetimes,
                outside=self.lane.outside,
            )
            object.__setattr__(self, name, cache)
        lists = VerifiedLists(self.settings.status_cache_seconds, lifetimes)
        object.__setattr__(self, "verified_lists", lists)

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
            self.document_fetch,
            challenge=challenge,
            domain=domain,
            now=now,
            status_fetch=self.status_fetch,
            refresh_fetch=self.fetch or network_fetch(self.settings),  # never cached
            remember_status_list=self.verified_lists,
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
        :func:`verifier.checking.trust.registry_for`).
        Raises ``vckit.errors.InputError`` if the input is unusable. Runs in this verifier's
        CPU lane (:mod:`servicekit.cpu_lane`: a few at a time, in order of arrival; its
        fetches wait outside the lane)."""
        return self.lane.run(
            self._verify,
            data,
            challenge=challenge,
            domain=domain,
            requirements=requirements,
            now=now,
            require_holder_binding=require_holder_binding,
            supplied_key=supplied_key,
            registry=registry,
        )

    async def verify_async(
        self,
        data: str | bytes | dict[str, Any],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        require_holder_binding: bool = True,
        supplied_key: PublicKey | None = None,
    ) -> Report:
        """:meth:`verify` from the event loop: in one of the CPU lane's own threads
        (:meth:`servicekit.cpu_lane.CpuLane.call`), the loop serving other requests meanwhile."""
        return await self.lane.call(
            self.verify,
            data,
            challenge=challenge,
            domain=domain,
            require_holder_binding=require_holder_binding,
            supplied_key=supplied_key,
        )

    def _verify(
        self,
        data: str | bytes | dict[str, Any],
        *,
        challenge: str | None,
        domain: str | None,
        requirements: policy.Requirements | None,
        now: datetime | None,
        require_holder_binding: bool,
        supplied_key: PublicKey | None,
        registry: Registry | None = None,
    ) -> Report:
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


def _origin(settings: Settings, fetch: Fetch | None) -> Callable[[str, float], Fetched]:
    """The caches' origin: the network under the settings' policy, or the injected fetch."""
    if fetch is None:
        return document_origin(fetch_policy(settings))
    injected = fetch
    return lambda url, _left: Fetched(injected(url))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def verify_submission(
    data: str | bytes | dict[str, Any], settings: Settings, **expected: Any
) -> Report:
    """Verify with the network fetcher and the settings' registry (no job requirements)."""
    return Verifier(settings, load_registry(settings)).verify(data, **expected)
