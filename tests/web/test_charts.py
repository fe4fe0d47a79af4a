"""The chart module (web/charts.py): SVG that parses, Chinese labels drawn (as glyph paths from
a CJK font, their text kept in comments), bars as long as their values, and a table with the
same numbers formatted for the locale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from clearinghouse.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def _bar_widths(svg: bytes) -> list[float]:
    """Widths of the bars: the patches with an area after the figure's and the axes' backgrounds
    (the spines are patches too, of no height or no width)."""
    widths = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if re.fullmatch(r"patch_\d+", group.get("id", "")) and group.get("id") not in ("patch_1", "patch_2"):
            path = group.find(f"{SVG}path")
            if path is None:
                continue
            points = re.findall(r"[ML] ([\d.]+) ([\d.]+)", path.get("d", ""))
            xs, ys = [float(x) for x, _ in points], [float(y) for _, y in points]
            if xs and max(xs) > min(xs) and max(ys) > min(ys):
                widths.append(max(xs) - min(xs))
    return widths


def test_a_bar_chart_draws_chinese_labels_and_bars_in_proportion_with_the_same_table():
    bars = [("抖音", Decimal("3.50")), ("快手", Decimal("1.00"))]
    chart = charts.bar_chart("按平台的收益", bars, locale="zh_CN", label_header="平台",
                             value_header="收益", currency="CNY")
    root = ET.fromstring(chart.svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    text = chart.svg.decode("utf-8")
    for label in ("按平台的收益", "抖音", "快手"):
        assert f"<!-- {label} -->" in text  # the text beside the glyphs drawn for it
    if "Noto Sans CJK SC" in charts.font_families():  # Debian fonts-noto-cjk, as CI installs
        assert re.search(r'id="NotoSansCJK[^"]*"', text)  # the glyphs from the CJK font
    widths = _bar_widths(chart.svg)
    assert len(widths) == 2 and abs(widths[0] / widths[1] - 3.5) < 0.01
    assert chart.columns == ["平台", "收益"]
    assert chart.rows == [["抖音", "¥3.50"], ["快手", "¥1.00"]]
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_a_line_chart_has_a_row_per_label_and_a_column_per_series_and_is_repeatable():
    series = [charts.Series("CNY", {"2026-05": Decimal("12.5"), "2026-06": Decimal("1800.00")}),
              charts.Series("USD", {"2026-06": Decimal("3.01")})]
    chart = charts.line_chart("Earnings", ["2026-05", "2026-06"], series, locale="en",
                              label_header="Period")
    ET.fromstring(chart.svg)
    assert chart.columns == ["Period", "CNY", "USD"]
    assert chart.rows == [["2026-05", "12.5", "—"], ["2026-06", "1,800", "3.01"]]
    again = charts.line_chart("Earnings", ["2026-05", "2026-06"], series, locale="en",
                              label_header="Period")
    assert again.svg == chart.svg  # no date, fixed ids: the same numbers give the same bytes
    money = charts.line_chart("收益", ["2026-06"], series[:1], locale="en", label_header="Period",
                              currency="CNY")
    assert money.rows == [["2026-06", "CN¥1,800.00"]]
