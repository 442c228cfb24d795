"""The report's charts as inline SVG for the PDF: horizontal bars, one row per figure, a bar
per series (this period, the one before). The same shape as pwa/js/chart.js's ``barChart``
draws on screen. Nothing is fetched: the markup is whole, and each chart's numbers are also
printed in a table next to it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 600
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
ROW_GAP = 10
LEFT = 4
VALUE_ROOM = 60
SERIES_FILLS = ("#1f5fa8", "#a9bfd9")
"""This period dark, the one before light (presentation attributes: the PDF renderer
does not style inline SVG from the page's stylesheet)."""
TEXT = 'font-family="DejaVu Sans, Noto Sans, sans-serif" fill="#000"'


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int, ...]
    """One value per series."""


def bar_chart(
    title: str, series: Sequence[str], rows: Sequence[Row], number: Callable[[int], str]
) -> Markup:
    """An SVG of the rows: each label above its bars, each bar with its value written at its
    end; a legend of the series on top."""
    top = 24 if len(series) > 1 else 4
    row_height = LABEL_HEIGHT + BAR_HEIGHT * len(series) + ROW_GAP
    height = top + row_height * len(rows)
    most = max((v for row in rows for v in row.values), default=0) or 1
    span = WIDTH - LEFT - VALUE_ROOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    if len(series) > 1:
        parts.extend(_legend(series))
    for i, row in enumerate(rows):
        y = top + i * row_height
        parts.append(
            f'<text x="{LEFT}" y="{y + 12}" font-size="11" {TEXT}>{escape(row.label)}</text>'
        )
        for s, value in enumerate(row.values):
            bar_y = y + LABEL_HEIGHT + s * BAR_HEIGHT
            width = max(1.0, span * value / most) if value else 0.0
            parts.append(
                f'<rect x="{LEFT}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT - 2}"'
                f' fill="{SERIES_FILLS[s % 2]}"/>'
                f'<text x="{LEFT + width + 4:.1f}" y="{bar_y + 9}" font-size="10" {TEXT}>'
                f"{escape(number(value))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(series: Sequence[str]) -> list[str]:
    parts, x = [], LEFT
    for s, name in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="10" fill="{SERIES_FILLS[s % 2]}"/>'
            f'<text x="{x + 16}" y="13" font-size="10" {TEXT}>{escape(name)}</text>'
        )
        x += 16 + 7 * len(name) + 24
    return parts
