"""The verifier's aggregate counts for ``GET /stats`` (funders and supporting systems).

How many presentations were verified (answers to the verifier's presentation requests,
each kept with its report) and with what verdict, and per achievement and per skill how
many credentials inside them were checked and how many passed every check. The stored
reports are read only to find what each credential is *about*
(:func:`vckit.ob_facets.credential_facets`): no job applicant, DID or document leaves.
Stateless checks (VC-API ``/credentials/verify``, the report page) keep no record and are
not counted. Shape: :mod:`servicekit.stats`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from servicekit.db import Database
from servicekit.stats import Tally
from vckit.ob_facets import credential_facets

VERDICTS = ("pass", "fail", "could-not-check")
BY_VERDICT = "SELECT verdict, COUNT(*) AS n FROM responses GROUP BY verdict"
REPORTS = "SELECT report_json FROM responses"
JOBS = "SELECT COUNT(*) AS n FROM jobs"


def _verdict(report: Mapping[str, Any]) -> str:
    statuses = {
        str(check.get("status")) for check in report.get("checks", []) if isinstance(check, dict)
    }
    for credential in report.get("credentials", []):
        if isinstance(credential, Mapping):
            statuses.add(_verdict(credential))
    for verdict in ("fail", "could-not-check"):
        if verdict in statuses:
            return verdict
    return "pass" if statuses else "could-not-check"


def verifier_stats(db: Database) -> dict[str, Any]:
    """The counts as :class:`servicekit.stats.Tally` JSON (measures ``checked``, ``verified``)."""
    tally = Tally("verifier")
    tally.measure("checked", "verified")
    with db.transaction() as tx:
        verdicts = {row["verdict"]: int(row["n"]) for row in tx.all(BY_VERDICT)}
        reports = tx.all(REPORTS)
        jobs = tx.one(JOBS) or {}
    credentials = 0
    for row in reports:
        report: Any = json.loads(row["report_json"])
        inner = report.get("credentials", []) if isinstance(report, dict) else []
        for credential in inner if isinstance(inner, list) else []:
            document = credential.get("document") if isinstance(credential, dict) else None
            if not isinstance(document, dict):
                continue
            credentials += 1
            facets = credential_facets(document)
            tally.add("checked", facets)
            if _verdict(credential) == "pass":
                tally.add("verified", facets)
    tally.totals = {
        "jobs": int(jobs.get("n") or 0),
        "presentations_verified": sum(verdicts.values()),
        **{f"verdict_{v.replace('-', '_')}": verdicts.get(v, 0) for v in VERDICTS},
        "credentials_checked": credentials,
    }
    return tally.to_json()
