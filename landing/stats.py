"""Statistics for Funders and Supporting Systems: each service's ``GET /stats``, merged.

The landing page asks the issuer, wallet and verifier (their configured URLs only) for
their aggregate counts, with a timeout each and a size cap, all three at once. A service
that is down, slow or answers something else is *unavailable*: its numbers are missing
(None), never guessed and never an error page.

Per achievement and per skill, one row holds the issuer's count (issued) and the
verifier's (shared, checked, verified; the verifier counts only credentials whose issuer
the registry accredits). The wallet gives totals only: what a learner holds can be
self-signed, with any name, so no wallet text reaches this page. Names come only from the
(measure, service) pairs in :data:`MEASURES`; any other breakdown a service sends is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from landing.settings import Settings
from vckit.document import parse_json
from vckit.errors import InputError

SERVICES = ("issuer", "wallet", "verifier")
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("issued", "issuer", "Issued"),
    ("shared", "verifier", "Shared with an employer"),
    ("checked", "verifier", "Checked by the verifier"),
    ("verified", "verifier", "Verified (every check passed)"),
)
"""(measure, the service that counts it, its label)."""
CHART_MEASURES = ("issued", "shared", "verified")


@dataclass(frozen=True)
class ServiceStats:
    service: str
    url: str
    available: bool
    totals: dict[str, int] = field(default_factory=dict)
    by_achievement: dict[str, dict[str, int]] = field(default_factory=dict)
    by_skill: dict[str, dict[str, int]] = field(default_factory=dict)
    reason: str | None = None  # why it is unavailable


@dataclass(frozen=True)
class Row:
    """One achievement or skill: measure -> count (None: its service is unavailable)."""

    name: str
    counts: dict[str, int | None]


@dataclass(frozen=True)
class Overview:
    services: tuple[ServiceStats, ...]
    achievements: tuple[Row, ...]
    skills: tuple[Row, ...]

    def service(self, name: str) -> ServiceStats:
        return next(s for s in self.services if s.service == name)


def _counts(value: object) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    out = {}
    for name, count in value.items():
        if not isinstance(name, str) or isinstance(count, bool) or not isinstance(count, int):
            return None
        out[name] = count
    return out


def _breakdowns(value: object) -> dict[str, dict[str, int]] | None:
    if not isinstance(value, Mapping):
        return None
    out = {}
    for measure, counts in value.items():
        parsed = _counts(counts)
        if not isinstance(measure, str) or parsed is None:
            return None
        out[measure] = parsed
    return out


def parse(service: str, url: str, body: Any) -> ServiceStats:
    """A service's ``/stats`` JSON, checked for shape (anything else: unavailable)."""
    if isinstance(body, Mapping):
        totals = _counts(body.get("totals"))
        by_achievement = _breakdowns(body.get("by_achievement"))
        by_skill = _breakdowns(body.get("by_skill"))
        if totals is not None and by_achievement is not None and by_skill is not None:
            return ServiceStats(service, url, True, totals, by_achievement, by_skill)
    return ServiceStats(service, url, False, reason="its answer is not statistics")


def fetch_one(client: httpx.Client, settings: Settings, service: str) -> ServiceStats:
    url = settings.service_url(service) + "/stats"
    try:
        with client.stream("GET", url, headers={"Accept": "application/json"}) as answer:
            if answer.status_code != 200:
                return ServiceStats(service, url, False, reason=f"HTTP {answer.status_code}")
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > settings.stats_max_bytes:
                    return ServiceStats(service, url, False, reason="its answer is too large")
    except httpx.HTTPError as exc:
        return ServiceStats(service, url, False, reason=f"not reachable ({type(exc).__name__})")
    try:
        return parse(service, url, parse_json(body.decode("utf-8")))
    except (InputError, ValueError):  # ValueError: not UTF-8 text
        return ServiceStats(service, url, False, reason="its answer is not JSON")


def _rows(services: tuple[ServiceStats, ...], kind: str) -> tuple[Row, ...]:
    by_service = {s.service: s for s in services}
    names: dict[str, int] = {}
    for measure, service, _ in MEASURES:
        for name, count in getattr(by_service[service], kind).get(measure, {}).items():
            names[name] = max(names.get(name, 0), count)
    rows = []
    for name in sorted(names, key=lambda n: (-names[n], n)):
        counts: dict[str, int | None] = {}
        for measure, service, _ in MEASURES:
            source = by_service[service]
            found = getattr(source, kind).get(measure, {})
            counts[measure] = found.get(name, 0) if source.available else None
        rows.append(Row(name, counts))
    return tuple(rows)


def gather(settings: Settings, transport: httpx.BaseTransport | None = None) -> Overview:
    """Every service's statistics, fetched at once; the unavailable ones marked so."""
    timeout = httpx.Timeout(settings.stats_timeout)
    with (
        httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client,
        ThreadPoolExecutor(max_workers=len(SERVICES)) as pool,
    ):
        found = tuple(pool.map(lambda s: fetch_one(client, settings, s), SERVICES))
    return Overview(found, _rows(found, "by_achievement"), _rows(found, "by_skill"))


def overview_json(overview: Overview) -> dict[str, Any]:
    """``/stats.json``: per service its totals (or unavailable), and the merged rows."""
    return {
        "services": {
            s.service: {"available": True, "totals": s.totals}
            if s.available
            else {"available": False, "reason": s.reason}
            for s in overview.services
        },
        "measures": {measure: service for measure, service, _ in MEASURES},
        "by_achievement": {row.name: row.counts for row in overview.achievements},
        "by_skill": {row.name: row.counts for row in overview.skills},
    }
