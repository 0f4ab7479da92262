"""A small grouped bar chart as inline SVG, drawn on the server (no script, no network).

``bar_chart(rows, series)``: one group of horizontal bars per row (an achievement), one
bar per series (issued, shared, verified), each bar labelled with its number so the
chart reads without colour. Every text is escaped: names come from other services.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

COLOURS = ("#0b4f8a", "#0a6b2d", "#8a5a00", "#6b2d8a")
WIDTH = 640
LABEL_WIDTH = 220
BAR = 14
GAP = 4
GROUP_GAP = 14
LEGEND = 26
LEGEND_CHAR = 7.5  # a generous width of one 12 px character
MAX_ROWS = 12


def _bar_length(value: int, largest: int) -> float:
    room = WIDTH - LABEL_WIDTH - 50
    return 0.0 if largest <= 0 else round(room * value / largest, 1)


def legend_places(series: Sequence[str]) -> list[tuple[float, int]]:
    """Where each legend entry goes: (x, line). Entries run from the left edge and wrap to
    a new line before one would pass the chart's width (it was clipped on the right)."""
    places: list[tuple[float, int]] = []
    x, line = 0.0, 0
    for name in series:
        width = 16 + LEGEND_CHAR * len(name) + 16
        if x > 0 and x + width > WIDTH:
            x, line = 0.0, line + 1
        places.append((x, line))
        x += width
    return places


def bar_chart(
    rows: Sequence[tuple[str, Sequence[int | None]]], series: Sequence[str], title: str
) -> str:
    """The SVG text. ``rows`` are (name, one value per series; None: not known)."""
    rows = list(rows)[:MAX_ROWS]
    largest = max((v for _, values in rows for v in values if v is not None), default=0)
    group = len(series) * (BAR + GAP) + GROUP_GAP
    places = legend_places(series)
    legend = LEGEND + 20 * max(row for _, row in places) if places else LEGEND
    height = legend + max(1, len(rows)) * group + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for index, (name, (x, line)) in enumerate(zip(series, places, strict=True)):
        colour = COLOURS[index % len(COLOURS)]
        y = 4 + 20 * line
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{legend + 14}" font-size="13">Nothing counted yet.</text>')
    for row_index, (name, values) in enumerate(rows):
        top = legend + row_index * group
        shown = name if len(name) <= 32 else name[:31] + "…"
        middle = top + (len(series) * (BAR + GAP)) / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" font-size="12" text-anchor="end">'
            f"<title>{escape(name)}</title>{escape(shown)}</text>"
        )
        for index, value in enumerate(values):
            y = top + index * (BAR + GAP)
            colour = COLOURS[index % len(COLOURS)]
            length = _bar_length(value or 0, largest)
            label = "n/a" if value is None else str(value)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" '
                f'fill="{colour}"><title>{escape(series[index])}: {label}</title></rect>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR - 3}" font-size="11">'
                f"{label}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
