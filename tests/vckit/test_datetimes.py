"""XML Schema date-times: the one reader and writer vckit uses (vckit.datetimes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from vckit.datetimes import format_xsd_datetime, parse_xsd_datetime
from vckit.errors import DateTimeError

PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-09-01T00:00:00Z", datetime(2025, 9, 1, tzinfo=UTC), id="utc"),
        pytest.param(
            "2025-09-01T02:00:00.5+02:00",
            datetime(2025, 9, 1, 2, 0, 0, 500_000, tzinfo=PLUS_TWO),
            id="offset-and-fraction",
        ),
        pytest.param("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC), id="leap-day"),
    ],
)
def test_parse(text: str, expected: datetime) -> None:
    assert parse_xsd_datetime(text, "validFrom") == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025-09-01", id="date-only"),
        pytest.param("20250901T000000Z", id="basic-format"),
        pytest.param("2025-09-01 00:00:00Z", id="space-separator"),
        pytest.param("2023-02-29T00:00:00Z", id="not-a-leap-year"),
        pytest.param("2025-09-01T00:00:00+15:00", id="offset-out-of-range"),
        pytest.param("2025-09-01T00:00:00", id="no-time-zone"),
        pytest.param(20250901, id="not-a-string"),
    ],
)
def test_parse_refuses(text: object) -> None:
    with pytest.raises(DateTimeError, match="validFrom"):
        parse_xsd_datetime(text, "validFrom")


def test_time_zone_is_optional_for_xsd_datetime_and_read_as_utc() -> None:
    parsed = parse_xsd_datetime("2020-02-03T04:05:06", "issuanceDate", require_timezone=False)
    assert parsed == datetime(2020, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(datetime(2025, 1, 1, 2, 0, 0, 999, tzinfo=PLUS_TWO), "2025-01-01T00:00:00Z"),
        pytest.param(datetime(999, 1, 1, tzinfo=UTC), "0999-01-01T00:00:00Z", id="year-padded"),
    ],
)
def test_format(moment: datetime, text: str) -> None:
    assert format_xsd_datetime(moment) == text
    assert parse_xsd_datetime(text, "t") == moment.replace(microsecond=0)


@pytest.mark.parametrize("value", [datetime(2025, 1, 1), "2025-01-01T00:00:00Z"], ids=str)
def test_format_refuses_naive_or_non_datetime(value: object) -> None:
    with pytest.raises(DateTimeError):
        format_xsd_datetime(value)  # type: ignore[arg-type]
