"""What the award page's report and variation sections need beyond their context."""

from decimal import Decimal

from django import template
from django.utils import timezone

from core import money
from grants.funding.models import AwardBudgetLine
from grants.impact.forms import VariationDecisionForm
from grants.proposals.models import budget_total as total_of

register = template.Library()


@register.simple_tag
def variation_decision_form(variation):
    """Staff's approve / reject form for a requested variation (unbound)."""

    return VariationDecisionForm(variation=variation)


@register.filter
def overdue(report):
    return report.is_overdue(timezone.localdate())


@register.simple_tag
def variation_blocked(award):
    """Why the holder cannot ask for a variation now, or None."""

    from grants.impact.views import why_no_variation

    return why_no_variation(award)


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
