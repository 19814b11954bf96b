"""Showing money and shares to people: grouped yuan with two decimals, plain percentages."""

from django.utils.formats import number_format


def yuan(amount):
    return "¥" + number_format(amount, decimal_pos=2, force_grouping=True)


def percent(value):
    """10.00 → "10", 12.50 → "12.5" (never the exponent form Decimal.normalize() gives 10)."""
    return f"{value.normalize():f}"
