"""Charts for the pages, drawn on the server with matplotlib: series in, SVG bytes out, with the
same numbers as a table for screen readers (a page shows both: the picture and the table).

Generic on purpose (earnings here, analytics later): a line chart of series over ordered labels
(periods) and a bar chart of categories. Values are Decimal (money in major units: never a
float on the way in); labels are formatted by Babel in the page's locale, with the currency
when there is one. Glyphs are drawn as paths, so a browser needs no font: Chinese labels use
Noto Sans CJK when the system has it (Debian fonts-noto-cjk), else the first fallback that
exists. Pages embed the SVG as a `data:` image (their CSP allows `img-src data:`, and an image
cannot run script).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: before pyplot is imported anywhere

import matplotlib.pyplot as plt  # noqa: E402
from babel.numbers import format_currency, format_decimal  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# First that exists wins; DejaVu Sans ships with matplotlib, so there is always one.
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
                 "WenQuanYi Zen Hei", "Droid Sans Fallback", "DejaVu Sans")
PALETTE = ("#1d4e89", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#566573")
SIZE = (7.2, 3.2)  # inches; the SVG scales with the page


@dataclass(frozen=True)
class Series:
    """One line: a name and a value per label (labels missing from it are left out)."""

    name: str
    values: dict[str, Decimal]


@dataclass(frozen=True)
class Chart:
    title: str
    svg: bytes
    columns: list[str]  # the table's header: the label column, then one per series
    rows: list[list[str]]  # formatted as the picture's labels are

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@lru_cache(maxsize=1)
def font_families() -> list[str]:
    """The fallback list narrowed to the fonts this machine has (never a network font)."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in FONT_FAMILIES if name in have]
    return found or ["DejaVu Sans"]


def format_value(value: Decimal, locale: str, currency: str | None) -> str:
    if currency:
        return str(format_currency(value, currency, locale=locale))
    return str(format_decimal(value, locale=locale))


@contextmanager
def _style() -> Iterator[None]:
    # Glyphs as paths (no font needed to view); a fixed hash salt so equal charts are equal bytes.
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": font_families(),
                         "svg.fonttype": "path", "svg.hashsalt": "clearinghouse",
                         "axes.unicode_minus": False}):
        yield


def _figure(title: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    ax.set_title(title, loc="left", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _svg(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _money_axis(axis: Any, locale: str, currency: str | None) -> None:
    # Tick positions are matplotlib's floats; shown rounded to a millionth, as Decimal.
    axis.set_major_formatter(FuncFormatter(
        lambda v, _pos: format_value(Decimal(str(round(v, 6))).normalize(), locale, currency)))


# Drawing costs tens of milliseconds a chart (more for CJK glyphs); the same inputs always give
# the same bytes, and earnings change only when a period is run: keep the latest few hundred.
CACHED = 256
_Points = tuple[tuple[str, tuple[tuple[str, Decimal], ...]], ...]


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, locale: str,
               label_header: str, currency: str | None = None) -> Chart:
    """One line per series over `labels` (in this order, e.g. periods oldest first)."""
    points = tuple((s.name, tuple(sorted(s.values.items()))) for s in series)
    svg = _line_svg(title, tuple(labels), points, locale, currency)
    rows = [[label, *(format_value(s.values[label], locale, currency) if label in s.values
                      else "—" for s in series)] for label in labels]
    return Chart(title, svg, [label_header, *(s.name for s in series)], rows)


@lru_cache(maxsize=CACHED)
def _line_svg(title: str, labels: tuple[str, ...], series: _Points, locale: str,
              currency: str | None) -> bytes:
    with _style():
        fig, ax = _figure(title)
        for i, (name, values) in enumerate(series):
            at = dict(values)
            xs = [x for x, label in enumerate(labels) if label in at]
            # matplotlib draws floats; the table keeps the exact Decimal values.
            ax.plot(xs, [float(at[labels[x]]) for x in xs], marker="o",
                    color=PALETTE[i % len(PALETTE)], label=name)
        ax.set_xticks(range(len(labels)), list(labels))
        if all(v >= 0 for _, values in series for _, v in values):
            ax.set_ylim(bottom=0)  # amounts from nothing: a rise is not drawn bigger than it is
        _money_axis(ax.yaxis, locale, currency)
        if len(series) > 1:
            ax.legend(frameon=False)
        return _svg(fig)


def bar_chart(title: str, bars: Sequence[tuple[str, Decimal]], *, locale: str,
              label_header: str, value_header: str, currency: str | None = None) -> Chart:
    """One horizontal bar per category, in the order given (largest first reads best)."""
    svg = _bar_svg(title, tuple(bars), locale, currency)
    rows = [[name, format_value(value, locale, currency)] for name, value in bars]
    return Chart(title, svg, [label_header, value_header], rows)


@lru_cache(maxsize=CACHED)
def _bar_svg(title: str, bars: tuple[tuple[str, Decimal], ...], locale: str,
             currency: str | None) -> bytes:
    with _style():
        fig, ax = _figure(title)
        ax.barh(range(len(bars)), [float(v) for _, v in bars], color=PALETTE[0])
        ax.set_yticks(range(len(bars)), [name for name, _ in bars])
        ax.invert_yaxis()  # the first bar on top
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        _money_axis(ax.xaxis, locale, currency)
        fig.set_size_inches(SIZE[0], max(1.6, 0.9 + 0.35 * len(bars)))
        return _svg(fig)
