from decimal import Decimal

from django import template

from core import money

register = template.Library()


@register.filter
def yuan(amount):
    return money.yuan(amount)


@register.filter
def wan_yuan(amount):
    return money.wan_yuan(amount)


@register.filter
def quantity(value):
    return money.quantity(value)


@register.filter
def percent(value):
    return "" if value is None else money.percent(value)


@register.filter
def grouped(number):
    """1234567.5 → 1,234,567.50: large scores and sums readable in either language."""
    return "—" if number is None or number == "" else f"{Decimal(number):,.2f}"
