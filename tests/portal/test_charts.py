"""Server-drawn SVG bar charts, their tables and CSV (portal/charts.py, portal/includes/figure.html)."""

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from portal import charts
from portal.charts import COUNT, YUAN, Chart, Figure, Series

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>&"'


def parse(svg):
    return ET.fromstring(svg)


def bars(root):
    return [rect for rect in root.iter(SVG + "rect") if rect.get("class") == "bar"]


def texts(root):
    """What each <text> shows, without the full-text <title> a cut label carries."""

    return [(element.text or "") + "".join(child.tail or "" for child in element)
            for element in root.iter(SVG + "text")]


def width(rect):
    return float(rect.get("width"))


def streets(*values, unit=COUNT, **options):
    names = ["南坪街道", "铜元局街道", "花园路街道", "南坪镇"][:len(values)]
    return Chart(title="各街道资助项目", categories=names, series=[Series("项目数", list(values))],
                 unit=unit, **options)


def committed_and_paid(stacked):
    return Chart(
        title="Money by year", categories=["2024", "2025", "2026"], unit=YUAN, stacked=stacked,
        category_heading="Year",
        series=[Series("Paid", [Decimal("800000"), Decimal("1200000.50"), Decimal("0")]),
                Series("Still to pay", [Decimal("200000"), Decimal("300000"), Decimal("450000")])])


# --- The SVG itself --------------------------------------------------------------------------

def test_svg_parses_and_is_labelled_by_its_title_and_description():
    root = parse(charts.bar_chart(streets(3, 5, description="Projects funded in each street")))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title[@id='{title_id}']")
    desc = root.find(f"{SVG}desc[@id='{desc_id}']")
    assert title.text == "各街道资助项目"
    assert desc.text == "Projects funded in each street"


def test_a_chart_without_a_description_still_has_one():
    root = parse(charts.bar_chart(streets(3, 5)))
    assert root.find(SVG + "desc").text.strip()


def test_svg_scales_from_its_view_box():
    root = parse(charts.bar_chart(streets(3, 5)))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "height:auto" in root.get("style")


def test_two_charts_get_different_ids():
    first = parse(charts.bar_chart(streets(3, 5)))
    second = parse(charts.bar_chart(committed_and_paid(stacked=True)))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_the_callers_id_names_title_and_description():
    root = parse(charts.bar_chart(streets(3, 5, id="projects-by-street")))
    assert root.get("aria-labelledby") == "projects-by-street-title projects-by-street-desc"


def test_an_id_that_is_not_a_plain_name_is_refused():
    with pytest.raises(ValueError):
        streets(3, id='x" onload="alert(1)')


def test_there_is_one_bar_per_value_of_every_series():
    for stacked in (False, True):
        assert len(bars(parse(charts.bar_chart(committed_and_paid(stacked))))) == 6


def test_bars_are_proportional_to_values():
    first, second, third = bars(parse(charts.bar_chart(streets(10, 20, 5))))
    assert width(second) == pytest.approx(2 * width(first), abs=1)
    assert width(first) == pytest.approx(2 * width(third), abs=1)


def test_grouped_bars_share_one_scale():
    # Paid 2024 (800,000) against still to pay 2026 (450,000).
    paid, *_, still_to_pay = bars(parse(charts.bar_chart(committed_and_paid(stacked=False))))
    assert width(paid) / width(still_to_pay) == pytest.approx(800000 / 450000, abs=0.01)


def test_stacked_segments_follow_each_other_and_add_up():
    found = bars(parse(charts.bar_chart(committed_and_paid(stacked=True))))
    # Bars come category by category, series in legend order.
    paid_2024, rest_2024, paid_2025, rest_2025 = found[:4]
    assert float(rest_2024.get("x")) == pytest.approx(float(paid_2024.get("x")) + width(paid_2024))
    assert rest_2024.get("y") == paid_2024.get("y")
    # 2025 totals 1,500,000.50 against 1,000,000 in 2024.
    assert width(paid_2025) + width(rest_2025) == pytest.approx(
        (width(paid_2024) + width(rest_2024)) * 1.5000005, abs=1)


def test_stacked_bars_are_labelled_with_their_total():
    with override("en"):
        shown = texts(parse(charts.bar_chart(committed_and_paid(stacked=True))))
    assert "¥1,000,000" in shown and "¥1,500,000.50" in shown and "¥450,000" in shown
    assert "¥800,000" not in shown  # segments are in the table, not crowded on the bar


def test_the_legend_lists_the_series_in_stack_order():
    root = parse(charts.bar_chart(committed_and_paid(stacked=True)))
    legend = root.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(SVG + "text")] == ["Paid", "Still to pay"]
    swatches = [rect.get("fill") for rect in legend.iter(SVG + "rect")]
    assert swatches == [bar.get("fill") for bar in bars(root)[:2]]


def test_a_single_series_has_no_legend():
    root = parse(charts.bar_chart(streets(3, 5)))
    assert root.find(f"{SVG}g[@class='legend']") is None


def test_height_grows_with_the_number_of_categories():
    heights = [float(parse(charts.bar_chart(streets(*values))).get("height"))
               for values in ([1], [1, 2], [1, 2, 3])]
    assert heights[0] < heights[1] < heights[2]
    assert heights[2] - heights[1] == pytest.approx(heights[1] - heights[0])


def test_a_single_category_draws_one_bar():
    root = parse(charts.bar_chart(streets(7)))
    assert len(bars(root)) == 1 and width(bars(root)[0]) > 0
    assert "7" in texts(root)


def test_all_zero_values_draw_zero_length_bars_labelled_zero():
    root = parse(charts.bar_chart(streets(0, 0)))
    assert [width(bar) for bar in bars(root)] == [0, 0]
    assert texts(root).count("0") == 2


def test_labels_are_escaped():
    chart = Chart(title=NASTY, description=NASTY, categories=[NASTY, "x"],
                  series=[Series(NASTY, [1, 2]), Series("y", [3, 4])])
    svg = charts.bar_chart(chart)
    assert "<script" not in svg
    root = parse(svg)  # it would not parse if anything were left unescaped
    assert root.find(SVG + "title").text == NASTY
    assert root.find(SVG + "desc").text == NASTY
    assert NASTY in texts(root)  # the category and the legend entry, as plain text
    assert not list(root.iter(SVG + "script"))


def test_characters_xml_forbids_are_dropped():
    chart = Chart(title="Bell\x07", categories=["a\x00"], series=[Series("n", [1])])
    root = parse(charts.bar_chart(chart))
    assert root.find(SVG + "title").text == "Bell"


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_a_title():
    long_name = "南岸区铜元局街道办事处辖区内老旧小区居民议事协商与社区治理创新试点项目"
    chart = Chart(title="Themes", categories=[long_name, "短"], series=[Series("n", [1, 2])])
    root = parse(charts.bar_chart(chart))
    label = next(t for t in root.iter(SVG + "text") if t.find(SVG + "title") is not None)
    assert label.find(SVG + "title").text == long_name
    shown = label.find(SVG + "title").tail
    assert shown.endswith("…") and long_name.startswith(shown[:-1])
    assert "短" in texts(root)  # a short label is left alone


def test_cutting_respects_the_width_of_latin_and_chinese_text():
    assert charts.fit("Nanping", 14, 240) == ("Nanping", False)
    cut, was_cut = charts.fit("x" * 100, 14, 240)
    assert was_cut and charts.text_width(cut, 14) <= 240


def test_text_names_the_chinese_face_first():
    for text in parse(charts.bar_chart(committed_and_paid(stacked=True))).iter(SVG + "text"):
        assert text.get("font-family").startswith("'Noto Sans CJK SC', 'Noto Sans CJK'")


def test_svg_has_no_script_and_refers_to_no_other_host():
    svg = charts.bar_chart(committed_and_paid(stacked=False))
    root = parse(svg)
    assert "<script" not in svg and "javascript:" not in svg
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href") or name in ("src", "style"):
                assert "http" not in value and "url(" not in value, (name, value)
    assert not [e for e in root.iter() if e.tag in (SVG + "image", SVG + "use", SVG + "a")]


def test_bar_and_text_colours_have_enough_contrast_against_white():
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(colour):
        return 1.05 / (luminance(colour) + 0.05)

    assert all(contrast(colour) >= 3 for colour in charts.PALETTE)
    assert contrast(charts.INK) >= 4.5 and contrast(charts.MUTED) >= 4.5


# --- Edge cases ------------------------------------------------------------------------------

def test_an_empty_chart_says_no_data_yet():
    for chart in (Chart(title="Donations", categories=[], series=[]),
                  Chart(title="Donations", categories=[], series=[Series("n", [])])):
        assert chart.is_empty
        with override("en"):
            root = parse(charts.bar_chart(chart))
        assert root.get("role") == "img"
        assert root.find(SVG + "title").text == "Donations"
        assert root.find(SVG + "desc").text == "No data yet"
        assert texts(root) == ["No data yet"]
        assert bars(root) == []


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        streets(3, -1)


def test_floats_are_refused_so_money_never_passes_through_one():
    with pytest.raises(TypeError):
        streets(Decimal("1.5"), 2.5, unit=YUAN)


def test_a_series_must_have_a_value_for_every_category():
    with pytest.raises(ValueError):
        Chart(title="t", categories=["a", "b"], series=[Series("n", [1])])


# --- Numbers as text -------------------------------------------------------------------------

@pytest.mark.parametrize("amount, english, chinese", [
    (Decimal("1250000"), "¥1,250,000", "125万元"),
    (Decimal("1250000.50"), "¥1,250,000.50", "125万元"),
    (Decimal("123456.78"), "¥123,456.78", "12.35万元"),
    (Decimal("12350"), "¥12,350", "1.24万元"),  # half up, as people round
    (Decimal("10000"), "¥10,000", "1万元"),
    (Decimal("8500"), "¥8,500", "8,500元"),
    (Decimal("0.125"), "¥0.13", "0.13元"),
    (Decimal("1.005"), "¥1.01", "1.01元"),  # as a float it is 1.00499…, which rounds down
    (Decimal("0"), "¥0", "0元"),
    (1500000, "¥1,500,000", "150万元"),
    # A float would lose the last digits of this one.
    (Decimal("123456789012345678.91"), "¥123,456,789,012,345,678.91", "12,345,678,901,234.57万元"),
])
def test_money_labels_are_formatted_from_the_decimal_in_each_language(amount, english, chinese):
    with override("en"):
        assert charts.value_label(amount, YUAN) == english
    with override("zh-hans"):
        assert charts.value_label(amount, YUAN) == chinese


def test_money_in_the_chart_reads_in_the_readers_language():
    chart = streets(Decimal("1250000"), Decimal("8500"), unit=YUAN)
    with override("zh-hans"):
        assert {"125万元", "8,500元"} <= set(texts(parse(charts.bar_chart(chart))))
    with override("en"):
        assert {"¥1,250,000", "¥8,500"} <= set(texts(parse(charts.bar_chart(chart))))


def test_counts_are_whole_numbers_with_thousands_separators_in_both_languages():
    for language in ("en", "zh-hans"):
        with override(language):
            assert charts.value_label(1234567, COUNT) == "1,234,567"
            assert charts.value_label(12, COUNT) == "12"


def test_the_table_has_exact_amounts_and_the_csv_plain_ones():
    assert charts.exact_text(Decimal("1250000.5"), YUAN) == "1,250,000.50"
    assert charts.plain_text(Decimal("1250000.5"), YUAN) == "1250000.50"
    assert charts.exact_text(1234, COUNT) == "1,234"
    assert charts.plain_text(1234, COUNT) == "1234"


# --- Table and CSV ---------------------------------------------------------------------------

def test_table_headers_name_the_unit_and_a_total_for_stacked_charts():
    with override("en"):
        assert charts.headers(committed_and_paid(stacked=True)) == [
            "Year", "Paid (yuan)", "Still to pay (yuan)", "Total (yuan)"]
        assert charts.headers(committed_and_paid(stacked=False)) == [
            "Year", "Paid (yuan)", "Still to pay (yuan)"]
        assert charts.headers(streets(1)) == ["Category", "项目数"]


def test_table_rows_hold_every_number():
    rows = charts.rows(committed_and_paid(stacked=True))
    assert [row.label for row in rows] == ["2024", "2025", "2026"]
    assert [cell.text for cell in rows[1].cells] == ["1,200,000.50", "300,000.00", "1,500,000.50"]


def test_csv_rows_equal_the_table_rows():
    chart = committed_and_paid(stacked=True)
    header, *body = charts.csv_rows(chart)
    assert header == charts.headers(chart)
    table = charts.rows(chart)
    assert [line[0] for line in body] == [row.label for row in table]
    assert [[Decimal(text) for text in line[1:]] for line in body] == [
        [cell.value for cell in row.cells] for row in table]


def test_csv_download_is_utf8_excel_can_open_and_defuses_formulas():
    chart = Chart(title="t", categories=["=1+1", "南坪街道"], series=[Series("n", [1, 2])])
    with override("en"):
        response = charts.csv_response(chart, "projects-by-street")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="projects-by-street.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Category", "n"], ["'=1+1", "1"], ["南坪街道", "2"]]


# --- The include -----------------------------------------------------------------------------

def test_the_include_shows_the_chart_its_table_and_the_csv_link():
    figure = Figure(committed_and_paid(stacked=True), csv_url="/en/figures/money.csv")
    with override("en"):
        html = render_to_string("portal/includes/figure.html", {"figure": figure})
    assert html.count("<svg") == 1 and "&lt;svg" not in html  # the drawing, not its source
    assert "<figcaption" in html and "Money by year" in html
    assert f'<caption id="{figure.id}-data">Data: Money by year</caption>' in html
    assert f'role="region" tabindex="0" aria-labelledby="{figure.id}-data"' in html  # scrolls by keyboard
    assert '<th scope="col" class="num">Total (yuan)</th>' in html
    assert '<th scope="row">2025</th>' in html
    assert '<td class="num">1,500,000.50</td>' in html
    assert 'href="/en/figures/money.csv"' in html


def test_the_include_escapes_what_people_typed():
    chart = Chart(title=NASTY, categories=[NASTY], series=[Series(NASTY, [1])])
    html = render_to_string("portal/includes/figure.html", {"figure": Figure(chart)})
    assert "<script" not in html


def test_the_include_of_an_empty_chart_has_no_table_or_link():
    figure = Figure(Chart(title="Donations", categories=[], series=[]), csv_url="/x.csv")
    with override("en"):
        html = render_to_string("portal/includes/figure.html", {"figure": figure})
    assert "No data yet" in html
    assert "<table" not in html and "/x.csv" not in html
