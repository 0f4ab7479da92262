"""The catalogue: each issuer's OB 3.0 Achievements (table ``achievements``); a programme
also lists its courses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from issuer.store.columns import dump_json
from servicekit.db import Tx


@dataclass(frozen=True)
class AchievementRecord:
    id: str  # the Achievement's id (a URL under the issuer)
    issuer: str
    slug: str
    achievement: dict[str, Any]  # OB 3.0 Achievement
    created: str
    disclosable: tuple[str, ...] | None = None  # learner-data fields; None: all (learner_data)
    courses: tuple[str, ...] = ()  # a programme's course slugs, in order (CLR associations)


def _achievement(row: dict[str, Any] | None) -> AchievementRecord | None:
    if row is None:
        return None
    policy = row.get("disclosable_json")
    courses = row.get("courses_json")
    return AchievementRecord(
        row["id"],
        row["issuer"],
        row["slug"],
        json.loads(row["achievement_json"]),
        row["created"],
        None if policy is None else tuple(json.loads(policy)),
        () if courses is None else tuple(json.loads(courses)),
    )


def add_achievement(
    tx: Tx,
    id: str,
    issuer: str,
    slug: str,
    achievement: dict[str, Any],
    created: str,
    disclosable: tuple[str, ...] | None = None,
    courses: tuple[str, ...] = (),
) -> None:
    tx.execute(
        "INSERT INTO achievements (id, issuer, slug, achievement_json, created, disclosable_json, "
        "courses_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            id,
            issuer,
            slug,
            dump_json(achievement),
            created,
            None if disclosable is None else dump_json(list(disclosable)),
            dump_json(list(courses)) if courses else None,
        ),
    )


def get_achievement(tx: Tx, issuer: str, slug_or_id: str) -> AchievementRecord | None:
    """An achievement of this issuer by its slug or its full id."""
    return _achievement(
        tx.one(
            "SELECT * FROM achievements WHERE issuer = ? AND (slug = ? OR id = ?)",
            (issuer, slug_or_id, slug_or_id),
        )
    )


def list_achievements(tx: Tx, issuer: str) -> list[AchievementRecord]:
    rows = tx.all("SELECT * FROM achievements WHERE issuer = ? ORDER BY created, slug", (issuer,))
    return [record for record in map(_achievement, rows) if record is not None]


def replace_achievement(tx: Tx, id: str, achievement: dict[str, Any]) -> None:
    """Store a new version of the achievement's OB 3.0 document (e.g. with its image)."""
    tx.execute(
        "UPDATE achievements SET achievement_json = ? WHERE id = ?", (dump_json(achievement), id)
    )
