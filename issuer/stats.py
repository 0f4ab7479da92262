"""The issuer's aggregate counts for ``GET /stats`` (funders and supporting systems).

How many credentials were issued, revoked and suspended, and how many were issued per
achievement and per skill (the achievement's ``alignment[].targetName``). The SQL groups
by achievement, so no credential, recipient or document is read: the counts cannot leak
who a credential is about. Shape: :mod:`servicekit.stats`.
"""

from __future__ import annotations

import json
from typing import Any

from servicekit.db import Database
from servicekit.stats import Tally
from vckit.ob.facets import Facets, achievement_facets

ISSUED_PER_ACHIEVEMENT = """
    SELECT a.achievement_json AS achievement, COUNT(*) AS issued,
           SUM(CASE WHEN c.revoked IS NULL THEN 0 ELSE 1 END) AS revoked
    FROM credentials c LEFT JOIN achievements a ON a.id = c.achievement
    GROUP BY c.achievement, a.achievement_json
"""
SUSPENDED = """
    SELECT COUNT(*) AS n FROM status_entries WHERE purpose = 'suspension' AND is_set = 1
"""
CATALOGUE = """
    SELECT (SELECT COUNT(*) FROM issuers) AS issuers,
           (SELECT COUNT(*) FROM achievements) AS achievements
"""


def _facets(achievement_json: str | None) -> Facets:
    if achievement_json is None:
        return Facets(None, ())
    value: Any = json.loads(achievement_json)
    return achievement_facets(value) if isinstance(value, dict) else Facets(None, ())


def issuer_stats(db: Database) -> dict[str, Any]:
    """The counts as :class:`servicekit.stats.Tally` JSON (measures ``issued``, ``revoked``)."""
    tally = Tally("issuer")
    tally.measure("issued", "revoked")
    with db.transaction() as tx:
        groups = tx.all(ISSUED_PER_ACHIEVEMENT)
        suspended = tx.one(SUSPENDED) or {}
        catalogue = tx.one(CATALOGUE) or {}
    for group in groups:
        facets = _facets(group["achievement"])
        tally.add("issued", facets, int(group["issued"]))
        if int(group["revoked"] or 0):
            tally.add("revoked", facets, int(group["revoked"]))
    tally.totals = {
        "issued": sum(int(g["issued"]) for g in groups),
        "revoked": sum(int(g["revoked"] or 0) for g in groups),
        "suspended": int(suspended.get("n") or 0),
        "issuers": int(catalogue.get("issuers") or 0),
        "achievements": int(catalogue.get("achievements") or 0),
    }
    return tally.to_json()
