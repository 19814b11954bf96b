"""Money: Decimal yuan with two places, the one rounding rule, and showing amounts and shares
to people (grouped yuan with two decimals, plain percentages)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language

CENT = Decimal("0.01")


def round_money(amount):
    """An amount to the fen, half up (四舍五入): 0.005 → 0.01, 2.675 → 2.68, −0.005 → −0.01.

    The only place money is rounded. Decimal's own default is half even (banker's rounding),
    which rounds 0.125 to 0.12 where a Chinese finance office, the agreement and the bank
    round to 0.13; one rule everywhere also means the same lines give the same total on every
    page and in every check. Floats are refused: they would already have lost fen."""

    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(amount):
    """¥1,250,000.00 in either language (Django's Chinese number format has no grouping,
    which makes large sums hard to read). Decimal formatting: no float on the way."""

    if amount is None or amount == "":
        return "—"
    return f"¥{round_money(amount):,f}"


def wan_yuan(amount):
    """A summary's sum (a figure, a dashboard card, a chart's label) the way its reader counts:
    in Chinese from ten thousand on in 万元 ("4.03万元", "125万元"), smaller sums in 元
    ("8,500元"); in English, which has no 万, yuan without empty fen ("¥40,300", "¥8,500.50").
    Exact amounts (a ledger, an award, a receipt) keep yuan()."""

    if amount is None or amount == "":
        return "—"
    amount = round_money(amount)
    if not (get_language() or "").startswith("zh"):
        return f"¥{amount:,f}".removesuffix(".00")
    if abs(amount) >= 10_000:
        return f"{quantity(round_money(amount / 10_000))}万元"
    return f"{quantity(amount)}元"


def quantity(value):
    """A count or an indicator as people write it: 20.00 → "20", 12.50 → "12.5",
    12000 → "12,000" (a stored Decimal keeps its places, which read as "20.00 场")."""

    if value is None or value == "":
        return "—"
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return f"{value:,f}"


def percent(value):
    """10.00 → "10", 12.50 → "12.5" (never the exponent form Decimal.normalize() gives 10)."""
    return f"{value.normalize():f}"


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))], **kwargs)
