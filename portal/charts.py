"""Bar charts drawn on the server as SVG, with the table and CSV of the same numbers.

The public figures page shows its numbers as charts that work without JavaScript and can go
into a PDF later, each with a data table beside it (for screen readers, and for anyone who
wants the exact numbers) and a CSV download. A view describes the numbers once, as a `Chart`,
and wraps it in a `Figure` for the template::

    chart = Chart(
        title=_("Money by year"),
        category_heading=_("Year"),
        categories=["2024", "2025"],
        series=[Series(_("Paid"), [Decimal("800000"), Decimal("1200000")]),
                Series(_("Still to pay"), [Decimal("0"), Decimal("300000")])],
        unit=YUAN,
        stacked=True,
    )
    context["money_by_year"] = Figure(chart, csv_url=reverse("figures-csv", args=["money"]))

    {% include "portal/includes/figure.html" with figure=money_by_year %}

and the CSV view answers `csv_response(chart, "money-by-year")`.

How numbers read
----------------
Money is Decimal and is never turned into a float on its way to text (only the bar lengths
use floats). Every number is grouped by thousands with commas in both languages: Django's
zh_Hans format has no thousands separator at all, and "1250000" is hard to read; commas are
what Chinese financial statements use too.

The labels at the bar ends follow the reader's language:

- English: "¥1,250,000" (two decimals only when there are fen: "¥1,250,000.50");
- Chinese: amounts from 10,000 yuan on in 万元, the unit Chinese readers and the district's own
  reports count public money in ("125万元", "12.35万元", rounded half up to 0.01万); smaller
  amounts in 元 ("8,500元"). A Chinese reader takes in "125万元" at a glance, while
  "¥1,250,000" makes them count digits in threes against their habit of counting in fours.

The table and the CSV always carry the exact amount in yuan with two decimals
("1,250,000.00" in the table, "1250000.00" in the CSV), so rounding in a label never hides a
number. Counts are whole numbers with thousands separators everywhere ("1,234").

No data
-------
A chart without categories or without series is "empty": `bar_chart` still returns a small
SVG that says "No data yet" (so a page can always include it), `Figure.is_empty` is true and
the include shows no table. All-zero values are not empty: they draw zero-length bars labelled
"0", which is the honest picture of "nothing funded yet in these streets".
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import exports
from core.money import round_money, wan_yuan

YUAN = "yuan"
COUNT = "count"
UNITS = (YUAN, COUNT)

# WeasyPrint picks a Japanese face for Chinese text unless the Chinese one is named first.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"
INK = "#1d2521"  # the site's text colour: 15.7:1 against white
MUTED = "#4d5a53"  # 7.2:1
# Every bar colour has at least 3:1 against white (WCAG non-text contrast), and neighbours in
# the list differ clearly in lightness, so stacked segments stay apart in greyscale print and
# for colour-blind readers. The first is the site's green.
PALETTE = ["#0b6e4f", "#d97706", "#1e3a8a", "#be185d", "#475569", "#7e22ce"]

# Geometry, in viewBox units. The width is fixed; CSS scales the drawing to its container.
# 600 wide with 15-unit labels stays legible when a phone shrinks it to about 60 %.
WIDTH = 600
PADDING = 8
LABEL_SIZE = 15
VALUE_SIZE = 14
LEGEND_SIZE = 14
LABEL_MAX_WIDTH = 200  # long street and theme names are cut here, with an ellipsis
GAP = 8  # between a label and its bar, and a bar and its value
BAR = 24  # one bar (single series or stacked)
GROUPED_BAR = 18  # each bar of a group
GROUPED_GAP = 3
BAND_GAP = 14  # between categories
LEGEND_ROW = 24
SWATCH = 14

SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Characters XML 1.0 does not allow: a pasted label containing one would break the SVG.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Series:
    """One named row of values, one value per category (int or Decimal, never negative)."""

    name: str
    values: list


@dataclass
class Chart:
    """The numbers behind one chart.

    `stacked` draws the series of a category end to end in one bar, in legend order, and adds
    a total column to the table. Stack only parts of a whole: for "committed vs paid", stack
    "paid" and "still to pay", not "committed" and "paid" (paid money is part of committed
    money, so their sum means nothing). Unstacked series are drawn as a group of bars.

    `id` names the SVG's title and description; by default it is derived from the chart's
    title and labels. Pass one when the same chart appears twice on a page.
    """

    title: str
    categories: list
    series: list
    unit: str = COUNT
    description: str = ""
    stacked: bool = False
    category_heading: str = ""
    id: str = ""

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if self.id and not SAFE_ID.match(self.id):
            raise ValueError(
                f"chart id {self.id!r} must be a letter followed by letters, digits, - or _")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"series {series.name!r} has {len(series.values)} values "
                    f"for {len(self.categories)} categories")
            for value in series.values:
                _check_value(value)

    @property
    def is_empty(self):
        return not self.categories or not self.series

    @property
    def svg_id(self):
        if self.id:
            return self.id
        key = "\x1f".join([str(self.title), *map(str, self.categories),
                           *(str(s.name) for s in self.series)])
        return "chart-" + hashlib.sha1(key.encode()).hexdigest()[:10]

    def totals(self):
        return [sum(values) for values in zip(*(s.values for s in self.series))]


def _check_value(value):
    # bool is an int; a float would round money on its way to text.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"chart values must be int or Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"chart values must be finite, not {value}")
    if value < 0:
        raise ValueError(f"chart values cannot be negative: {value}")


# --- Numbers as text ------------------------------------------------------------------------

def _grouped(amount):
    """Decimal → "1,250,000.50", exactly, to the fen (rounded as all money is)."""

    return format(round_money(amount), ",f")


def value_label(value, unit):
    """The short text at a bar's end, in the reader's language (see the module docstring)."""

    if unit == COUNT:
        return format(value, ",")
    return wan_yuan(Decimal(value))


def exact_text(value, unit):
    """The table's text: the exact number, grouped (money in yuan with two decimals)."""
    return _grouped(value) if unit == YUAN else format(value, ",")


def plain_text(value, unit):
    """The CSV's text: the exact number as a spreadsheet reads it, without grouping."""
    return f"{round_money(value):f}" if unit == YUAN else str(value)


# --- The table ------------------------------------------------------------------------------

@dataclass
class Cell:
    value: object
    text: str


@dataclass
class Row:
    label: str
    cells: list


def _has_total(chart):
    return chart.stacked and len(chart.series) > 1


def export(chart):
    """The columns of the table and the CSV: the category, each series, and a total when
    stacked. Money is written to the fen, counts as they are."""
    kind = exports.MONEY if chart.unit == YUAN else exports.NUMBER

    def heading(name):
        return _("%(series)s (yuan)") % {"series": name} if chart.unit == YUAN else str(name)

    # A context of its own: the plain "Category" is translated as a budget's cost category.
    columns = [exports.Column("category", str(chart.category_heading) or pgettext("chart table", "Category"))]
    columns += [exports.Column(f"series-{number}", heading(s.name), kind) for number, s in enumerate(chart.series)]
    if _has_total(chart):
        columns.append(exports.Column("total", heading(_("Total")), kind))
    return exports.Export(columns)


def headers(chart):
    """Column headings of the table and the CSV."""
    return export(chart).header()


def _records(chart):
    """One dict per category, read by the export's keys."""
    totals = chart.totals()
    for index, label in enumerate(chart.categories):
        record = {f"series-{number}": s.values[index] for number, s in enumerate(chart.series)}
        yield {"category": str(label), "total": totals[index], **record}


def rows(chart):
    """One row per category, in order, with the exact numbers of every series."""
    columns = [s.values for s in chart.series]
    if _has_total(chart):
        columns.append(chart.totals())
    return [
        Row(str(label), [Cell(v, exact_text(v, chart.unit)) for v in values])
        for label, *values in zip(chart.categories, *columns)
    ]


def csv_rows(chart):
    """The table as CSV rows: the header, then one row per category with plain numbers."""
    return list(export(chart).csv_rows(_records(chart)))


def csv_response(chart, filename):
    """An attachment response with the chart's CSV; `filename` is ASCII, without ".csv"."""
    return export(chart).csv_response(_records(chart), filename, streaming=False)


# --- The drawing ----------------------------------------------------------------------------

def _xml(text):
    return escape(XML_ILLEGAL.sub("", str(text)))


def _n(number):
    """A coordinate, short: 12.0 → "12", 12.3456 → "12.35"."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def text_width(text, size):
    """An estimate of the text's width: no font metrics on the server, so CJK and other wide
    characters count a full em and everything else 0.6 em (a little wider than Noto's
    average, so estimates err on the side of room)."""
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in str(text))


def fit(text, size, width):
    """The text, cut with an ellipsis to fit the width; the second value says if it was cut."""
    text = str(text)
    if text_width(text, size) <= width:
        return text, False
    room = width - text_width("…", size)
    kept = ""
    for char in text:
        if text_width(kept + char, size) > room:
            break
        kept += char
    return kept.rstrip() + "…", True


def _text(x, y, content, size, *, anchor="start", colour=INK, full=None):
    """A <text> in the named face; `full` adds the whole text as a <title> child (a tooltip,
    and the label in full for anything that reads the SVG) when what is shown was cut."""
    tooltip = f"<title>{_xml(full)}</title>" if full is not None else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-family="{FONT_FAMILY}" font-size="{size}" '
            f'fill="{colour}" text-anchor="{anchor}">{tooltip}{_xml(content)}</text>')


def _svg(chart, height, body, description):
    # width/height give the drawing its size where no CSS applies; the inline width:100% is
    # what WeasyPrint needs to keep the proportions (with max-width it draws a tall empty box).
    ident = chart.svg_id
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}" height="{_n(height)}" style="width:100%;height:auto">'
        f'<title id="{ident}-title">{_xml(chart.title)}</title>'
        f'<desc id="{ident}-desc">{_xml(description)}</desc>'
        f'{"".join(body)}</svg>'
    )


def _empty_chart(chart):
    height = 80
    body = [f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" fill="#fff" '
            f'stroke="{MUTED}" stroke-dasharray="4 4"/>',
            _text(WIDTH / 2, height / 2 + LABEL_SIZE * 0.35, _("No data yet"), LABEL_SIZE,
                  anchor="middle", colour=MUTED)]
    return _svg(chart, height, body, _("No data yet"))


def _legend(chart, top):
    """Swatches with the series names, wrapped into lines; the order is the stack order."""
    items, x, y = [], PADDING, top
    for index, series in enumerate(chart.series):
        name, cut = fit(series.name, LEGEND_SIZE, WIDTH - 2 * PADDING - SWATCH - 6)
        item_width = SWATCH + 6 + text_width(name, LEGEND_SIZE) + 20
        if x > PADDING and x + item_width > WIDTH - PADDING:
            x, y = PADDING, y + LEGEND_ROW
        items.append(
            f'<rect class="swatch" x="{_n(x)}" y="{_n(y + (LEGEND_ROW - SWATCH) / 2)}" '
            f'width="{SWATCH}" height="{SWATCH}" fill="{PALETTE[index % len(PALETTE)]}"/>'
            + _text(x + SWATCH + 6, y + LEGEND_ROW / 2 + LEGEND_SIZE * 0.35, name, LEGEND_SIZE,
                    full=series.name if cut else None))
        x += item_width
    return f'<g class="legend">{"".join(items)}</g>', y + LEGEND_ROW - top


def bar_chart(chart):
    """The chart as an SVG string: horizontal bars, labels on the left, values at the ends.

    Everything typed by a person is escaped; the SVG has no script and refers to nothing
    outside itself. Height grows with the number of categories (and series, when grouped).
    """
    if chart.is_empty:
        return _empty_chart(chart)
    unit, series = chart.unit, chart.series
    stacked = chart.stacked or len(series) == 1
    description = str(chart.description) or _(
        "Bar chart. The table beside it gives every number.")

    # Bar ends: the total when stacked, every value when grouped.
    ends = chart.totals() if stacked else [v for s in series for v in s.values]
    largest = max(ends)
    end_labels_width = max(text_width(value_label(v, unit), VALUE_SIZE) for v in ends)
    label_width = min(LABEL_MAX_WIDTH, max(text_width(c, LABEL_SIZE) for c in chart.categories))
    x0 = PADDING + label_width + GAP
    # However long the value labels, the bars keep some room (the labels then run over).
    plot_width = max(WIDTH - x0 - GAP - end_labels_width - PADDING, WIDTH / 4)
    scale = plot_width / float(largest) if largest else 0.0

    body, top = [], PADDING
    if len(series) > 1:
        legend, legend_height = _legend(chart, top)
        body.append(legend)
        top += legend_height + GAP
    band = BAR if stacked else len(series) * GROUPED_BAR + (len(series) - 1) * GROUPED_GAP
    totals = chart.totals()
    bars, labels = [], []
    for index, category in enumerate(chart.categories):
        y = top + index * (band + BAND_GAP)
        shown, cut = fit(category, LABEL_SIZE, label_width)
        labels.append(_text(x0 - GAP, y + band / 2 + LABEL_SIZE * 0.35, shown, LABEL_SIZE,
                            anchor="end", full=category if cut else None))
        if stacked:
            x = x0
            for number, s in enumerate(series):
                length = float(s.values[index]) * scale
                bars.append(_bar(x, y, length, BAR, number,
                                 _bar_title(category, s.name, s.values[index], unit)))
                x += length
            labels.append(_value(x0 + float(totals[index]) * scale, y, BAR, totals[index], unit))
        else:
            for number, s in enumerate(series):
                bar_y = y + number * (GROUPED_BAR + GROUPED_GAP)
                length = float(s.values[index]) * scale
                bars.append(_bar(x0, bar_y, length, GROUPED_BAR, number,
                                 _bar_title(category, s.name, s.values[index], unit)))
                labels.append(_value(x0 + length, bar_y, GROUPED_BAR, s.values[index], unit))
    bottom = top + len(chart.categories) * (band + BAND_GAP) - BAND_GAP
    body.append(f'<g class="bars">{"".join(bars)}</g>')
    body.append(f'<line x1="{_n(x0)}" y1="{_n(top - 4)}" x2="{_n(x0)}" y2="{_n(bottom + 4)}" '
                f'stroke="{MUTED}" stroke-width="1"/>')
    body.append(f'<g class="labels">{"".join(labels)}</g>')
    return _svg(chart, bottom + 4 + PADDING, body, description)


def _bar_title(category, series_name, value, unit):
    """What a bar shows on hover: which category, which series, how much."""
    return _("%(category)s, %(series)s: %(value)s") % {
        "category": category, "series": series_name, "value": value_label(value, unit)}


def _bar(x, y, length, height, number, title):
    """The bar of the `number`th series. The white outline keeps the seams between stacked
    segments visible without relying on colour. More series than colours repeat them; the
    legend order and the table still tell them apart."""
    return (f'<rect class="bar" x="{_n(x)}" y="{_n(y)}" width="{_n(length)}" '
            f'height="{height}" fill="{PALETTE[number % len(PALETTE)]}" stroke="#fff" '
            f'stroke-width="1"><title>{_xml(title)}</title></rect>')


def _value(x, y, height, value, unit):
    return _text(x + GAP, y + height / 2 + VALUE_SIZE * 0.35, value_label(value, unit),
                 VALUE_SIZE)


# --- For templates --------------------------------------------------------------------------

class Figure:
    """A chart as templates/cms/includes/figure.html shows it: the SVG, the table of the same
    numbers and an optional CSV link. Text is made on first use, in the language active then
    (the request's, when a template renders it)."""

    def __init__(self, chart, csv_url=""):
        self.chart = chart
        self.csv_url = csv_url

    @property
    def title(self):
        return str(self.chart.title)

    @property
    def description(self):
        return str(self.chart.description)

    @property
    def id(self):
        return self.chart.svg_id

    @property
    def is_empty(self):
        return self.chart.is_empty

    @cached_property
    def svg(self):
        # Safe to mark: bar_chart escapes everything it did not write itself.
        return mark_safe(bar_chart(self.chart))

    @cached_property
    def headers(self):
        return headers(self.chart)

    @cached_property
    def rows(self):
        return rows(self.chart)
