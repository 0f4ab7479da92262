"""Achievement images (table ``achievement_images``): one per achievement, the bytes as
base64 text (portable between SQLite and PostgreSQL), their media type and SHA-256 digest,
its caption and whether staff uploaded it or it was generated."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from servicekit.db import Tx


@dataclass(frozen=True)
class AchievementImageRecord:
    achievement: str  # the Achievement's id
    media_type: str  # image/png or image/svg+xml
    data: bytes
    digest: str  # SHA-256, hex: the ETag
    caption: str
    source: str  # "upload" or "generated"
    created: str


def _image(row: dict[str, Any] | None) -> AchievementImageRecord | None:
    if row is None:
        return None
    return AchievementImageRecord(
        row["achievement"],
        row["media_type"],
        base64.b64decode(row["data_b64"]),
        row["digest"],
        row["caption"],
        row["source"],
        row["created"],
    )


def put_image(tx: Tx, image: AchievementImageRecord) -> None:
    """Store the achievement's image, replacing the one it had."""
    tx.execute("DELETE FROM achievement_images WHERE achievement = ?", (image.achievement,))
    tx.execute(
        "INSERT INTO achievement_images (achievement, media_type, data_b64, digest, caption, "
        "source, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            image.achievement,
            image.media_type,
            base64.b64encode(image.data).decode("ascii"),
            image.digest,
            image.caption,
            image.source,
            image.created,
        ),
    )


def get_image(tx: Tx, achievement: str) -> AchievementImageRecord | None:
    return _image(tx.one("SELECT * FROM achievement_images WHERE achievement = ?", (achievement,)))
