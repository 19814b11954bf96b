"""What the award page's budget and variation sections need beyond their context.

    {% load award_variations %}
    {% variation_blocked award as blocked %}             why the holder cannot ask now, or None
    {% variation_decision_form variation as form %}      staff's approve / reject form (unbound)
    {{ variation.amount_change|signed_yuan }}            +¥5,000.00, −¥2,000.00
    {% for line in lines|budget_rows %} … {{ lines|budget_total }}   a stored budget, shown
"""

from decimal import Decimal

from django import template

from core import money
from grants.funding.models import AwardBudgetLine
from grants.funding.services import awards
from grants.funding.variation_forms import VariationDecisionForm
from grants.proposals.models import budget_total as total_of

register = template.Library()


@register.simple_tag
def variation_decision_form(variation):
    """Staff's approve / reject form for a requested variation (unbound)."""

    return VariationDecisionForm(variation=variation)


@register.simple_tag
def variation_blocked(award):
    """Why the holder cannot ask for a variation now, or None."""

    return awards.why_no_variation(award)


@register.filter
def signed_yuan(amount):
    """+¥5,000.00, −¥2,000.00, ¥0.00: a change reads as one."""
    amount = Decimal(amount)
    if amount > 0:
        return f"+{money.yuan(amount)}"
    if amount < 0:
        return f"−{money.yuan(-amount)}"
    return money.yuan(amount)


@register.filter
def budget_rows(lines):
    """A variation's stored lines (BudgetLineBase.to_json) as budget lines to show."""
    return AwardBudgetLine.from_json(lines or [])


@register.filter
def budget_total(lines):
    """What a variation's stored lines add up to."""
    return total_of(budget_rows(lines))
