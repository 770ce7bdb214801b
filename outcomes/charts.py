"""SVG charts of the outcome pages, in the style of ``indicators/charts.py`` (no script, every text escaped):

* ``interval_chart_svg``: one row per item, a point with its 95% interval bar on a 0-1 axis, around a
  reference line (AUC 0.5: what noise gives), each point coloured by its verdict;
* ``lines_chart_svg``: a few series over the same categorical periods (month, quarter...), as percentages,
  a gap where a period has no value ("not enough data"), with a legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil, floor

from django.utils.safestring import SafeString

from indicators.charts import (
    AXIS_COLOR,
    FONT,
    MARGIN_BOTTOM,
    MARGIN_RIGHT,
    MARGIN_TOP,
    escaped,
    number_text,
    svg_element,
)

GRID_COLOR = "#dee2e6"
ROW_HEIGHT = 16
LABEL_WIDTH = 320  # room on the left for the longest indicator name of the catalogue
SERIES_COLORS = ("#205493", "#2e8540", "#e0a800", "#6f42c1")


@dataclass(frozen=True)
class IntervalRow:
    label: str
    value: float
    low: float | None
    high: float | None
    color: str
    note: str = ""  # added to the tooltip (the verdict, say)


def interval_chart_svg(
    rows: Sequence[IntervalRow],
    *,
    reference: float = 0.5,
    x_range: tuple[float, float] = (0.0, 1.0),
    width: int = 820,
    title: str = "",
    empty_text: str = "Nothing to show yet",
) -> SafeString:
    """Each row's value as a dot on a horizontal bar from ``low`` to ``high``, a dashed line at ``reference``."""
    low_x, high_x = x_range
    plot_left, plot_right = LABEL_WIDTH, width - MARGIN_RIGHT
    top = MARGIN_TOP + 4
    bottom = top + max(len(rows), 1) * ROW_HEIGHT
    height = bottom + MARGIN_BOTTOM

    def x_of(value: float) -> float:
        clamped = min(max(value, low_x), high_x)
        return plot_left + (clamped - low_x) / (high_x - low_x) * (plot_right - plot_left)

    body = []
    for tick in (low_x, (low_x + reference) / 2, reference, (reference + high_x) / 2, high_x):
        x = number_text(x_of(tick))
        body.append(f'<line x1="{x}" x2="{x}" y1="{top}" y2="{bottom}" stroke="{GRID_COLOR}"/>')
        body.append(
            f'<text x="{x}" y="{bottom + 14}" {FONT} text-anchor="middle" fill="{AXIS_COLOR}">'
            f"{escaped(f'{tick:g}')}</text>"
        )
    ref = number_text(x_of(reference))
    body.append(
        f'<line class="reference" x1="{ref}" x2="{ref}" y1="{top}" y2="{bottom}" stroke="{AXIS_COLOR}" '
        f'stroke-dasharray="4 3"/>'
    )
    if not rows:
        body.append(
            f'<text class="empty" x="{number_text((plot_left + plot_right) / 2)}" y="{top + ROW_HEIGHT / 2 + 4}" '
            f'{FONT} text-anchor="middle" fill="{AXIS_COLOR}">{escaped(empty_text)}</text>'
        )
    for i, row in enumerate(rows):
        y = number_text(top + i * ROW_HEIGHT + ROW_HEIGHT / 2)
        body.append(
            f'<text class="row-label" x="{plot_left - 8}" y="{y}" {FONT} text-anchor="end" dominant-baseline="middle" '
            f'fill="currentColor">{escaped(row.label)}</text>'
        )
        span = ""
        if row.low is not None and row.high is not None:
            span = f" (95% interval {row.low:.2f} to {row.high:.2f})"
            body.append(
                f'<line class="interval" x1="{number_text(x_of(row.low))}" x2="{number_text(x_of(row.high))}" '
                f'y1="{y}" y2="{y}" stroke="{escaped(row.color)}" stroke-width="3" stroke-linecap="round" '
                f'opacity="0.55"/>'
            )
        tooltip = f"{row.label}: {row.value:.2f}{span}" + (f", {row.note}" if row.note else "")
        body.append(
            f'<circle class="point" cx="{number_text(x_of(row.value))}" cy="{y}" r="4" fill="{escaped(row.color)}">'
            f"<title>{escaped(tooltip)}</title></circle>"
        )
    return svg_element(width, height, title, body)


def lines_chart_svg(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: int = 720,
    height: int = 240,
    title: str = "",
    empty_text: str = "Not enough data in any period",
) -> SafeString:
    """Each ``(name, values)`` series (ratios, one per period; None: no figure) as a line of percentages.

    The y axis spans the values seen, widened to a whole ten and to hold 100%, so a retention above or
    below 100% reads at a glance; x positions are the periods, evenly spaced, first and last labelled.
    """
    plot_left, plot_right = 48, width - MARGIN_RIGHT
    legend_y = MARGIN_TOP + 8  # under the title
    top = legend_y + 14
    bottom = height - MARGIN_BOTTOM
    seen = [v * 100 for _, values in series for v in values if v is not None]
    low = min(floor(min(seen, default=100) / 10) * 10, 80)
    high = max(ceil(max(seen, default=100) / 10) * 10, 100)

    def y_of(percent: float) -> float:
        return bottom - (percent - low) / (high - low) * (bottom - top)

    def x_of(index: int) -> float:
        if len(periods) < 2:
            return (plot_left + plot_right) / 2
        return plot_left + index / (len(periods) - 1) * (plot_right - plot_left)

    body = []
    for tick in range(low, high + 1, 10 if high - low <= 60 else 20):
        y = number_text(y_of(tick))
        color = AXIS_COLOR if tick == 100 else GRID_COLOR
        body.append(f'<line x1="{plot_left}" x2="{plot_right}" y1="{y}" y2="{y}" stroke="{color}"/>')
        body.append(
            f'<text x="{plot_left - 6}" y="{y}" {FONT} text-anchor="end" dominant-baseline="middle" '
            f'fill="{AXIS_COLOR}">{tick}%</text>'
        )
    x = plot_left
    for (name, _), color in zip(series, SERIES_COLORS, strict=False):
        body.append(f'<rect x="{x}" y="{legend_y - 8}" width="10" height="10" fill="{color}"/>')
        body.append(
            f'<text class="legend" x="{x + 14}" y="{legend_y}" {FONT} fill="currentColor">{escaped(name)}</text>'
        )
        x += 14 + 7 * len(name) + 18
    if not seen:
        body.append(
            f'<text class="empty" x="{number_text((plot_left + plot_right) / 2)}" '
            f'y="{number_text((top + bottom) / 2)}" {FONT} text-anchor="middle" fill="{AXIS_COLOR}">'
            f"{escaped(empty_text)}</text>"
        )
    for (name, values), color in zip(series, SERIES_COLORS, strict=False):
        runs: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            point = f"{number_text(x_of(i))},{number_text(y_of(value * 100))}"
            runs[-1].append(point)
            body.append(
                f'<circle class="point" cx="{number_text(x_of(i))}" cy="{number_text(y_of(value * 100))}" r="2.5" '
                f'fill="{color}"><title>{escaped(f"{name}, {periods[i]}: {value * 100:.1f}%")}</title></circle>'
            )
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline class="series" points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2" '
                    f'stroke-linejoin="round"/>'
                )
    if periods:
        shown = [(0, "start")] if len(periods) == 1 else [(0, "start"), (len(periods) - 1, "end")]
        for index, anchor in shown:
            body.append(
                f'<text class="x-label" x="{number_text(x_of(index))}" y="{bottom + 16}" {FONT} '
                f'text-anchor="{"middle" if len(periods) == 1 else anchor}" fill="{AXIS_COLOR}">'
                f"{escaped(periods[index])}</text>"
            )
    return svg_element(width, height, title, body)
