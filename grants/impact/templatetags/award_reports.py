"""What the award page's report and variation sections need beyond their context. The award
page is funding's, which sits below impact and never reads reports: it includes
impact/_award_reports.html, which fetches them with `{% award_reports award as reports %}`."""

from decimal import Decimal

from django import template
from django.utils import timezone

from core import money
from grants.impact.forms import VariationDecisionForm, lines_total
from grants.proposals.models import BudgetLine

register = template.Library()


@register.simple_tag
def variation_decision_form(variation):
    """Staff's approve / reject form for a requested variation (unbound)."""

    return VariationDecisionForm(variation=variation)


@register.simple_tag
def award_reports(award):
    return award.reports.all()


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
    """A variation's stored lines ([{category, item, quantity, unit, unit_price}] as strings),
    ready to show: amounts as Decimal, the category named, each line's subtotal."""
    categories = dict(BudgetLine.Category.choices)
    return [{"category": categories.get(line["category"], line["category"]), "item": line["item"],
             "quantity": Decimal(line["quantity"]), "unit": line["unit"],
             "unit_price": Decimal(line["unit_price"]), "subtotal": lines_total([line])} for line in lines or []]


@register.filter
def budget_total(lines):
    return lines_total(lines or [])
