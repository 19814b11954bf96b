from django import template

from grants import money

register = template.Library()


@register.filter
def yuan(amount):
    return money.yuan(amount)


@register.filter
def percent(value):
    return "" if value is None else money.percent(value)
