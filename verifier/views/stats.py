"""The verifier's aggregate counts for ``GET /stats`` (funders and supporting systems).

How many presentations were verified (answers to the verifier's presentation requests,
each kept with its report) and with what verdict, and per achievement and per skill:

=========  ===============================================================================
shared     credentials received inside a presentation whose holder's signature verified
checked    credentials received in any answer
verified   credentials that passed every check (the answer's checks included)
=========  ===============================================================================

Only **governed** credentials give a label: their signature and issuer key checked out
(``proof``, ``issuer-key``) and the governance registry accredits their issuer for their
achievement (``trusted-issuer`` passed, and the installation's registry itself lists the
issuer for every achievement the credential names: an organisation's own trust from the
registry page judges its answers, never the public page). Achievement and skill names
therefore come from accredited issuers only; a forged or unknown-issuer credential is counted
in the totals (``credentials_checked``) but never puts its text on a public page.

The breakdowns read the latest ``WINDOW`` answers only (bounded work per request; the
totals ``answers_counted`` says how many were read); the verdict totals count every answer.
The stored reports are read only to find what each credential is *about*
(:func:`vckit.ob.facets.credential_facets`): no job applicant, DID or document leaves.
Stateless checks (VC-API ``/credentials/verify``, the report page) keep no record and are
not counted. Shape: :mod:`servicekit.stats`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicekit.db import Database
from servicekit.stats import Tally
from vckit.credential import issuer_id
from vckit.ob.facets import credential_facets
from verifier import store
from verifier.checking.policy import achievements_of
from verifier.checking.registry import Registry

VERDICTS = ("pass", "fail", "could-not-check")
WINDOW = 1000
"""How many of the latest answers the breakdowns read."""
GOVERNED_BY = ("proof", "issuer-key", "trusted-issuer")
"""The checks that must pass before a credential's names are counted."""


def _statuses(report: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for check in report.get("checks", []):
        if isinstance(check, Mapping):
            out.setdefault(str(check.get("id")), str(check.get("status")))
    return out


def _verdict(report: Mapping[str, Any]) -> str:
    statuses = set(_statuses(report).values())
    for credential in report.get("credentials", []):
        if isinstance(credential, Mapping):
            statuses.add(_verdict(credential))
    for verdict in ("fail", "could-not-check"):
        if verdict in statuses:
            return verdict
    return "pass" if statuses else "could-not-check"


def governed(credential: Mapping[str, Any], registry: Registry | None) -> bool:
    """Signed by a key its issuer lists, and the installation's registry (not an
    organisation's own trust) accredits that issuer for what it names."""
    statuses = _statuses(credential)
    if not all(statuses.get(name) == "pass" for name in GOVERNED_BY):
        return False
    document = credential.get("document")
    did = issuer_id(document) if isinstance(document, Mapping) else None
    entry = registry.find(did) if registry is not None and did else None
    if entry is None or not isinstance(document, Mapping):
        return False
    ids = [a.get("id") for a in achievements_of(document)]
    return all(isinstance(i, str) and entry.allows(i) for i in ids)


def _count_answer(tally: Tally, report: Mapping[str, Any], registry: Registry | None) -> int:
    """Count one stored answer's credentials; returns how many credentials it held."""
    inner = report.get("credentials", [])
    credentials = [c for c in inner if isinstance(c, Mapping)] if isinstance(inner, list) else []
    answer_passed = _verdict(report) == "pass"
    signed = _statuses(report).get("proof") == "pass"
    holder_signed = report.get("kind") == "presentation" and signed
    for credential in credentials:
        document = credential.get("document")
        if not isinstance(document, Mapping) or not governed(credential, registry):
            continue
        facets = credential_facets(document)
        tally.add("checked", facets)
        if holder_signed:
            tally.add("shared", facets)
        if answer_passed and _verdict(credential) == "pass":
            tally.add("verified", facets)
    return len(credentials)


def verifier_stats(db: Database, registry: Registry | None) -> dict[str, Any]:
    """The counts as :class:`servicekit.stats.Tally` JSON (measures ``shared``, ``checked``,
    ``verified``); ``registry``: the installation's governance registry."""
    tally = Tally("verifier")
    tally.measure("shared", "checked", "verified")
    with db.transaction() as tx:
        verdicts = store.verdict_counts(tx)
        reports = store.latest_reports(tx, WINDOW)
        jobs = store.count_jobs(tx)
    credentials = 0
    for report in reports:
        if isinstance(report, Mapping):
            credentials += _count_answer(tally, report, registry)
    tally.totals = {
        "jobs": jobs,
        "presentations_verified": sum(verdicts.values()),
        **{f"verdict_{v.replace('-', '_')}": verdicts.get(v, 0) for v in VERDICTS},
        "answers_counted": len(reports),
        "credentials_checked": credentials,
    }
    return tally.to_json()
