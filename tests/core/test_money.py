"""Money is rounded by one rule, half up to the fen (四舍五入), in one function: every amount
the site computes, shows or splits goes through core.money.round_money."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from core.money import round_money, yuan
from grants.funding.matching import Candidate, Offer, float_to_money, share_cap
from grants.funding.services.ledger import split_pro_rata

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
# What runs in the site (the demo, benchmarks and tests make up their own numbers).
RUNTIME = ["core", "incubator", "grants", "portal", "cms", "config"]
# Rounding that is not money, each with its reason.
NOT_MONEY = {
    "grants/review/services.py": "review scores (0–100, two places, also half up)",
}


@pytest.mark.parametrize("amount, rounded", [
    ("0.005", "0.01"),
    ("2.675", "2.68"),
    ("0.125", "0.13"),  # half even (Decimal's default) would give 0.12
    ("0.135", "0.14"),
    ("1.004", "1.00"),
    ("1.0049999", "1.00"),
    ("-0.005", "-0.01"),  # away from zero, as a refund is rounded like the payment
    ("90000", "90000.00"),
])
def test_money_is_rounded_half_up_to_the_fen(amount, rounded):
    result = round_money(D(amount))
    assert result == D(rounded) and str(result) == rounded


def test_a_float_is_refused_it_has_already_lost_fen():
    with pytest.raises(TypeError):
        round_money(2.675)


def test_amounts_are_shown_rounded_by_the_same_rule():
    assert yuan(D("0.125")) == "¥0.13"
    assert yuan(D("1250000.005")) == "¥1,250,000.01"


def test_a_split_rounds_half_up_and_still_adds_up_to_the_whole():
    # 0.05 in three equal parts is 0.0166…: each part rounds to 0.02 (0.06, a fen too many),
    # and the fen over comes back from one part.
    parts = split_pro_rata(D("0.05"), {"a": 1, "b": 1, "c": 1})
    assert sum(parts.values()) == D("0.05")
    assert sorted(parts.values()) == [D("0.01"), D("0.02"), D("0.02")]
    # 1.00 at 12.5 % / 87.5 %: 0.125 and 0.875, half up 0.13 and 0.88, one fen over.
    parts = split_pro_rata(D("1.00"), {"a": D("12.5"), "b": D("87.5")})
    assert sum(parts.values()) == D("1.00")
    # A part never exceeds its weight when the weights (what each source owes) cover the whole.
    owed = {"grant": D("0.03"), "match": D("0.01"), "donations": D("0.01")}
    parts = split_pro_rata(D("0.05"), owed)
    assert parts == owed


def test_the_solver_rounds_shares_and_caps_by_the_same_rule():
    # 33.335 % of 100.00 is 33.335: half up, 33.34 (rounding down would give 33.33).
    assert share_cap(D("100.00"), D("33.335")) == D("33.34")
    assert Offer(1, D("100000"), max_share=D("33.335")).cap(Candidate(1, D("1"), D("100.00"), call=1)) == D("33.34")
    # A solver's float stands for its shortest decimal form: 2.675 is 2.68, not 2.67.
    assert float_to_money(2.675) == D("2.68")
    assert float_to_money(0.125) == D("0.13")


# -- the rule is the only one ----------------------------------------------------------------
def _roundings(tree):
    """(line, what) of every rounding in a module: a .quantize() call, the round() builtin,
    and any ROUND_* rounding mode."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "quantize":
                yield node.lineno, ".quantize()"
            elif isinstance(node.func, ast.Name) and node.func.id == "round":
                yield node.lineno, "round()"
        elif isinstance(node, ast.Name) and node.id.startswith("ROUND_"):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute) and node.attr.startswith("ROUND_"):
            yield node.lineno, node.attr
        elif isinstance(node, ast.ImportFrom) and node.module == "decimal":
            for alias in node.names:
                if alias.name.startswith("ROUND_"):
                    yield node.lineno, alias.name


def test_every_money_rounding_goes_through_round_money():
    found = []
    for package in RUNTIME:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name == "core/money.py" or name in NOT_MONEY:
                continue
            found += [f"{name}:{line}: {what}" for line, what in _roundings(ast.parse(path.read_text()))]
    assert found == [], "round money with core.money.round_money, nowhere else:\n" + "\n".join(found)


def test_the_scan_sees_each_way_of_rounding():
    source = ("from decimal import ROUND_DOWN\n"
              "a = x.quantize(CENT)\n"
              "b = round(y, 2)\n"
              "c = decimal.ROUND_HALF_EVEN\n")
    assert [what for _line, what in sorted(_roundings(ast.parse(source)))] == [
        "ROUND_DOWN", ".quantize()", "round()", "ROUND_HALF_EVEN"]


@pytest.mark.parametrize("amount, chinese, english", [
    ("2000000", "200万元", "¥2,000,000"),
    ("40300.00", "4.03万元", "¥40,300"),
    ("12345678.90", "1,234.57万元", "¥12,345,678.90"),
    ("5000", "5,000元", "¥5,000"),
    ("8500.50", "8,500.5元", "¥8,500.50"),
    (None, "—", "—"),
])
def test_summaries_count_in_wan_in_chinese_and_in_yuan_in_english(amount, chinese, english):
    from django.utils import translation

    from core.money import wan_yuan

    amount = None if amount is None else D(amount)
    with translation.override("zh-hans"):
        assert wan_yuan(amount) == chinese
    with translation.override("en"):
        assert wan_yuan(amount) == english


@pytest.mark.parametrize("value, shown", [
    (D("20.00"), "20"), (D("12.50"), "12.5"), (D("12000"), "12,000"), (D("0.00"), "0"), (7, "7"),
])
def test_counts_and_indicators_drop_trailing_zeros_and_group_thousands(value, shown):
    from core.money import quantity

    assert quantity(value) == shown


def test_the_template_filters_are_the_same_functions():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load money %}{{ a|yuan }} {{ a|wan_yuan }} {{ n|quantity }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"a": D("2000000"), "n": D("20.00")})) == \
            "¥2,000,000.00 200万元 20"
