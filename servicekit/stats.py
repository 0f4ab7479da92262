"""The aggregate statistics every service serves at ``GET /stats``, in one shape.

::

    {"service": "issuer",
     "totals": {"issued": 3, "revoked": 1},                       # measure -> count
     "by_achievement": {"issued": {"Food Handler": 1, ...}},      # measure -> name -> count
     "by_skill": {"issued": {"Patient data privacy": 2, ...}}}

Only counts and the names of achievements and skills (which issuers publish) go in:
never an id, email, DID or name of a learner. Names are cut to ``MAX_LABEL`` characters
and each breakdown to its ``MAX_BUCKETS`` largest entries, so an odd credential cannot
turn the statistics into a data dump.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vckit.ob.facets import Facets

MAX_LABEL = 80
MAX_BUCKETS = 50
UNNAMED = "(unnamed achievement)"


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def breakdown(counter: Counter[str]) -> dict[str, int]:
    """The largest ``MAX_BUCKETS`` entries, largest first (ties by name)."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return {name: count for name, count in ordered[:MAX_BUCKETS] if count > 0}


@dataclass
class Tally:
    """Counts of one service: totals, and per measure by achievement and by skill."""

    service: str
    totals: dict[str, int] = field(default_factory=dict)
    achievements: dict[str, Counter[str]] = field(default_factory=dict)
    skills: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, measure: str, facets: Facets, times: int = 1) -> None:
        """Count ``times`` credentials with these facets under ``measure``."""
        achievement = _label(facets.achievement or UNNAMED)
        self.achievements.setdefault(measure, Counter())[achievement] += times
        by_skill = self.skills.setdefault(measure, Counter())
        for skill in facets.skills:
            by_skill[_label(skill)] += times

    def measure(self, *measures: str) -> None:
        """Make sure these measures appear (with empty breakdowns) even when nothing counted."""
        for name in measures:
            self.achievements.setdefault(name, Counter())
            self.skills.setdefault(name, Counter())

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "totals": dict(self.totals),
            "by_achievement": {m: breakdown(c) for m, c in self.achievements.items()},
            "by_skill": {m: breakdown(c) for m, c in self.skills.items()},
        }
