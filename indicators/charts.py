"""Small SVG charts for admin pages: a time-series line over optional band zones, and a bar chart.

Dependency-free and script-free: each function returns one ``<svg>`` element as a safe string, ready to
drop into a template. Every piece of text (titles, labels, tooltips) is escaped here, so callers may pass
customer-provided names. Values outside the y range are clamped to the frame; ``None`` values break the line.
``number_text``, ``escaped`` and ``svg_element`` are shared with the charts of other apps (outcomes/charts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from html import escape
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

HEALTH_BANDS = (40.0, 70.0)  # red below the first, yellow up to the second, green above
ZONE_COLORS = ("#f8d7da", "#fff3cd", "#d1e7dd")  # red, yellow, green, pale enough to read a line over
LINE_COLOR = "#205493"
AXIS_COLOR = "#6c757d"
BAR_COLOR = "#417690"
FONT = 'font-family="system-ui, sans-serif" font-size="11"'
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 40, 16, 28, 28


def number_text(value: float) -> str:
    """Coordinates with two decimals at most: small markup, stable output for tests."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def escaped(text: object) -> str:
    """Text for SVG markup, attribute or element: every chart escapes what it draws with this."""
    return escape(str(text), quote=True)


def svg_element(width: int, height: int, title: str, body: list[str]) -> SafeString:
    """The ``<svg>`` element around ``body`` (markup already escaped), titled for tooltips and screen readers."""
    label = escaped(title or "chart")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="csp-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
    )
    if title:
        body = [f'<text x="{MARGIN_LEFT}" y="16" {FONT} font-weight="bold" fill="currentColor">{label}</text>', *body]
    return mark_safe(head + "".join(body) + "</svg>")


def _moment(x: datetime | date) -> float:
    if not isinstance(x, datetime):
        x = datetime.combine(x, time.min, tzinfo=UTC)
    elif x.tzinfo is None:
        x = x.replace(tzinfo=UTC)
    return x.timestamp()


def _label(x: datetime | date) -> str:
    return f"{x:%Y-%m-%d}"


def line_chart_svg(
    points: Sequence[tuple[datetime | date, float | None]],
    *,
    bands: tuple[float, float] | None = HEALTH_BANDS,
    y_range: tuple[float, float] = (0.0, 100.0),
    width: int = 640,
    height: int = 220,
    title: str = "",
    empty_text: str = "No data yet",
) -> SafeString:
    """A line through ``(moment, value)`` points in time order, over red/yellow/green zones split at ``bands``.

    Each point is a circle with a tooltip (its date and value). ``bands=None`` draws no zones (e.g. NPS on
    ``y_range=(-100, 100)``). An empty series (or one of only ``None`` values) draws the frame and ``empty_text``.
    """
    low, high = y_range
    if not high > low:
        raise ValueError("y_range must be (low, high) with high > low.")
    plot_w = max(width - MARGIN_LEFT - MARGIN_RIGHT, 1)
    plot_h = max(height - MARGIN_TOP - MARGIN_BOTTOM, 1)
    bottom = MARGIN_TOP + plot_h

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return bottom - (clamped - low) / (high - low) * plot_h

    body: list[str] = []
    ticks = [low, high]
    if bands is not None:
        edges = [low, *sorted(min(max(b, low), high) for b in bands), high]
        for (start, end), color in zip(pairwise(edges), ZONE_COLORS, strict=False):
            if end > start:
                body.append(
                    f'<rect class="zone" x="{MARGIN_LEFT}" y="{number_text(y_of(end))}" width="{plot_w}" '
                    f'height="{number_text(y_of(start) - y_of(end))}" fill="{color}"/>'
                )
        ticks = edges
    for tick in sorted(set(ticks)):
        y = number_text(y_of(tick))
        body.append(f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{y}" y2="{y}" stroke="#dee2e6"/>')
        body.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y}" {FONT} text-anchor="end" dominant-baseline="middle" '
            f'fill="{AXIS_COLOR}">{escaped(number_text(tick))}</text>'
        )
    body.append(
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{AXIS_COLOR}"/>'
    )

    series = sorted(((_moment(x), x, v) for x, v in points), key=lambda p: p[0])
    if not any(v is not None for _, _, v in series):
        body.append(
            f'<text class="empty" x="{number_text(MARGIN_LEFT + plot_w / 2)}" '
            f'y="{number_text(MARGIN_TOP + plot_h / 2)}" {FONT} text-anchor="middle" fill="{AXIS_COLOR}">'
            f"{escaped(empty_text)}</text>"
        )
        return svg_element(width, height, title, body)

    first, last = series[0][0], series[-1][0]
    span = last - first

    def x_of(moment: float) -> float:
        return MARGIN_LEFT + (plot_w / 2 if span == 0 else (moment - first) / span * plot_w)

    # One polyline per run of values: a None (no score then) leaves a gap instead of a misleading line.
    runs: list[list[str]] = [[]]
    for moment, _, value in series:
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{number_text(x_of(moment))},{number_text(y_of(value))}")
    for run in runs:
        if len(run) > 1:
            body.append(
                f'<polyline class="series" points="{" ".join(run)}" fill="none" stroke="{LINE_COLOR}" '
                f'stroke-width="2" stroke-linejoin="round"/>'
            )
    for moment, x, value in series:
        if value is not None:
            body.append(
                f'<circle class="point" cx="{number_text(x_of(moment))}" cy="{number_text(y_of(value))}" r="2.5" '
                f'fill="{LINE_COLOR}"><title>{escaped(_label(x))}: {escaped(number_text(value))}</title></circle>'
            )
    labels = [series[0][1]] if span == 0 else [series[0][1], series[-1][1]]
    for x, anchor in zip(labels, ("start", "end") if span else ("middle",), strict=False):
        body.append(
            f'<text class="x-label" x="{number_text(x_of(_moment(x)))}" y="{bottom + 16}" {FONT} '
            f'text-anchor="{anchor}" fill="{AXIS_COLOR}">{escaped(_label(x))}</text>'
        )
    return svg_element(width, height, title, body)


def bar_chart_svg(
    bars: Sequence[tuple[str, float] | tuple[str, float, str]],
    *,
    width: int = 480,
    height: int = 220,
    title: str = "",
    value_format: str = "{:g}",
    empty_text: str = "No data yet",
) -> SafeString:
    """Vertical bars, one per ``(label, value)`` or ``(label, value, color)``, scaled to the largest value.

    Each bar carries its value above it and a tooltip; negative values are drawn as zero-height bars.
    """
    plot_w = max(width - MARGIN_LEFT - MARGIN_RIGHT, 1)
    plot_h = max(height - MARGIN_TOP - MARGIN_BOTTOM, 1)
    bottom = MARGIN_TOP + plot_h
    body = [f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{bottom}" y2="{bottom}" stroke="{AXIS_COLOR}"/>']
    if not bars:
        body.append(
            f'<text class="empty" x="{number_text(MARGIN_LEFT + plot_w / 2)}" '
            f'y="{number_text(MARGIN_TOP + plot_h / 2)}" {FONT} text-anchor="middle" fill="{AXIS_COLOR}">'
            f"{escaped(empty_text)}</text>"
        )
        return svg_element(width, height, title, body)
    top = max(max(float(bar[1]) for bar in bars), 0.0) or 1.0
    slot = plot_w / len(bars)
    bar_w = slot * 0.6
    for i, bar in enumerate(bars):
        label, value = bar[0], float(bar[1])
        color = bar[2] if len(bar) > 2 else BAR_COLOR
        bar_h = max(value, 0.0) / top * (plot_h - 14)  # room above the tallest bar for its value
        x = MARGIN_LEFT + i * slot + (slot - bar_w) / 2
        centre = number_text(x + bar_w / 2)
        shown = escaped(value_format.format(value))
        body.append(
            f'<rect class="bar" x="{number_text(x)}" y="{number_text(bottom - bar_h)}" width="{number_text(bar_w)}" '
            f'height="{number_text(bar_h)}" fill="{escaped(color)}"><title>{escaped(label)}: {shown}</title></rect>'
        )
        body.append(
            f'<text class="value" x="{centre}" y="{number_text(bottom - bar_h - 4)}" {FONT} text-anchor="middle" '
            f'fill="currentColor">{shown}</text>'
        )
        body.append(
            f'<text class="bar-label" x="{centre}" y="{bottom + 16}" {FONT} text-anchor="middle" '
            f'fill="{AXIS_COLOR}">{escaped(label)}</text>'
        )
    return svg_element(width, height, title, body)
