"""Showing money and shares to people: grouped yuan with two decimals, plain percentages."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


def yuan(amount):
    """¥1,250,000.00 in either language (Django's Chinese number format has no grouping,
    which makes large sums hard to read). Decimal formatting: no float on the way."""

    if amount is None or amount == "":
        return "—"
    return f"¥{Decimal(amount):,.2f}"


def percent(value):
    """10.00 → "10", 12.50 → "12.5" (never the exponent form Decimal.normalize() gives 10)."""
    return f"{value.normalize():f}"


CENT = Decimal("0.01")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))], **kwargs)
