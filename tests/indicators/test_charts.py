"""The SVG charts: valid markup, points where their values say, text escaped, empty series handled."""

from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest

from indicators.charts import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, bar_chart_svg, line_chart_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
START = datetime(2026, 6, 1, tzinfo=UTC)


def parse(markup: str) -> ElementTree.Element:
    root = ElementTree.fromstring(markup)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def circles(root) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iterfind(".//svg:circle", NS)]


def test_line_chart_places_points_by_time_and_value():
    width, height = 640, 220
    points = [(START, 0.0), (START + timedelta(days=10), 100.0), (START + timedelta(days=5), 50.0)]
    root = parse(line_chart_svg(points, width=width, height=height, title="Score"))
    plot_w, plot_h = width - MARGIN_LEFT - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    # Sorted by time: day 0 at the left edge and the bottom, day 5 in the middle, day 10 at the right and top.
    assert circles(root) == [
        (MARGIN_LEFT, MARGIN_TOP + plot_h),
        (MARGIN_LEFT + plot_w / 2, MARGIN_TOP + plot_h / 2),
        (MARGIN_LEFT + plot_w, MARGIN_TOP),
    ]
    line = root.find(".//svg:polyline", NS)
    assert len(line.get("points").split()) == 3
    tooltips = [c.find("svg:title", NS).text for c in root.iterfind(".//svg:circle", NS)]
    assert tooltips == ["2026-06-01: 0", "2026-06-06: 50", "2026-06-11: 100"]


def test_line_chart_draws_the_three_band_zones_at_the_thresholds():
    root = parse(line_chart_svg([(START, 55.0)], bands=(40, 70), height=228))
    zones = root.findall(".//svg:rect[@class='zone']", NS)
    assert [z.get("fill") for z in zones] == ["#f8d7da", "#fff3cd", "#d1e7dd"]
    plot_h = 228 - MARGIN_TOP - MARGIN_BOTTOM
    heights = [float(z.get("height")) for z in zones]
    assert heights == pytest.approx([plot_h * 0.4, plot_h * 0.3, plot_h * 0.3])
    assert len(circles(root)) == 1 and not root.findall(".//svg:polyline", NS)  # one point: a dot, no line


def test_line_chart_without_bands_on_another_range_clamps_outliers():
    root = parse(line_chart_svg([(START, -100.0), (START + timedelta(days=1), 250.0)], bands=None,
                                y_range=(-100, 100), height=220))  # fmt: skip
    assert not root.findall(".//svg:rect[@class='zone']", NS)
    (_, y_low), (_, y_high) = circles(root)
    assert y_low == 220 - MARGIN_BOTTOM and y_high == MARGIN_TOP


def test_a_missing_value_breaks_the_line_instead_of_joining_across_it():
    days = [START + timedelta(days=d) for d in range(5)]
    root = parse(line_chart_svg(list(zip(days, [10.0, 20.0, None, 30.0, 40.0], strict=True))))
    assert len(root.findall(".//svg:polyline", NS)) == 2 and len(circles(root)) == 4


@pytest.mark.parametrize("points", [[], [(START, None)]])
def test_an_empty_series_draws_the_frame_and_says_so(points):
    root = parse(line_chart_svg(points, empty_text="Not scored yet"))
    assert root.find(".//svg:text[@class='empty']", NS).text == "Not scored yet"
    assert not circles(root)


def test_dates_and_naive_datetimes_are_accepted():
    root = parse(line_chart_svg([(date(2026, 1, 1), 10.0), (datetime(2026, 1, 3), 20.0)]))
    labels = [t.text for t in root.iterfind(".//svg:text[@class='x-label']", NS)]
    assert labels == ["2026-01-01", "2026-01-03"]


def test_every_text_is_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = bar_chart_svg([(hostile, 3)], title=hostile) + line_chart_svg([(START, 1.0)], title=hostile)
    assert "<script>" not in markup
    for svg in (bar_chart_svg([(hostile, 3)], title=hostile), line_chart_svg([(START, 1.0)], title=hostile)):
        root = parse(svg)
        assert root.get("aria-label") == hostile and root.find("svg:title", NS).text == hostile


def test_a_bad_range_is_refused():
    with pytest.raises(ValueError, match="y_range"):
        line_chart_svg([], y_range=(10, 10))


def test_bar_chart_scales_bars_to_the_largest_value_with_colours_and_labels():
    height = 220
    root = parse(bar_chart_svg([("Green", 6), ("Yellow", 3, "#ffc107"), ("Red", 0, "#dc3545")], height=height))
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    tallest = height - MARGIN_TOP - MARGIN_BOTTOM - 14
    assert [float(b.get("height")) for b in bars] == pytest.approx([tallest, tallest / 2, 0])
    assert [b.get("fill") for b in bars][1:] == ["#ffc107", "#dc3545"]
    assert [t.text for t in root.iterfind(".//svg:text[@class='bar-label']", NS)] == ["Green", "Yellow", "Red"]
    assert [t.text for t in root.iterfind(".//svg:text[@class='value']", NS)] == ["6", "3", "0"]
    xs = [float(b.get("x")) for b in bars]
    assert xs == sorted(xs) and len(set(xs)) == 3


def test_bar_chart_of_nothing_or_zeros_is_still_a_picture():
    assert parse(bar_chart_svg([])).find(".//svg:text[@class='empty']", NS) is not None
    bars = parse(bar_chart_svg([("a", 0), ("b", 0)])).findall(".//svg:rect[@class='bar']", NS)
    assert [float(b.get("height")) for b in bars] == [0, 0]


def test_value_format_is_applied():
    root = parse(bar_chart_svg([("avg", 61.234)], value_format="{:.1f}"))
    assert root.find(".//svg:text[@class='value']", NS).text == "61.2"
