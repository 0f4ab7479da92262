"""The one human-date formatter pages use (servicekit.dates) and its Jinja filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from servicekit.dates import human_date, human_datetime
from servicekit.pages import templates_for


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-06T01:59:53.841686+00:00", "6 Dec 2026, 01:59 UTC"),
        ("2026-12-06T01:59:53Z", "6 Dec 2026, 01:59 UTC"),
        ("2026-12-06T03:59:00+02:00", "6 Dec 2026, 01:59 UTC"),
        (
            datetime(2026, 1, 31, 23, 5, tzinfo=timezone(-timedelta(hours=1))),
            "1 Feb 2026, 00:05 UTC",
        ),
        (datetime(2026, 7, 4, 9, 0), "4 Jul 2026, 09:00 UTC"),
        ("not a date", "not a date"),
        (None, ""),
    ],
)
def test_human_datetime(value: object, shown: str) -> None:
    assert human_datetime(value) == shown


def test_human_date_drops_the_time() -> None:
    assert human_date("2026-12-06T23:59:59-05:00") == "7 Dec 2026"
    assert human_date(datetime(2026, 3, 1, tzinfo=UTC)) == "1 Mar 2026"


def test_templates_have_the_filters(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("{{ v | when }} / {{ v | day }}")
    env = templates_for(tmp_path).env
    assert env.get_template("t.html").render(v="2026-12-06T01:59:53+00:00") == (
        "6 Dec 2026, 01:59 UTC / 6 Dec 2026"
    )
