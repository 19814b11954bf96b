"""Template helpers for donations: whether they are on, why not (for staff), an award's gifts.

    {% load donations %}
    {% donations_notice %}                       staff and supervisors: why donations are off
    {% donations_enabled as on %}
    {% donation_match award as match %}          the fund matching gifts to this award, if any
    {% donation_pool as pool %}                  the public-donation pool, if there is one
    {% award_donations award user as gifts %}    what this reader may see of an award's gifts
    {% sees_donors user as identities %}         staff and supervisors see who gave, even anonymously
    {% can_refund user as refunds %}             staff may ask Stripe for a refund
"""

from django import template

from grants.donations import stripe_gateway
from grants.donations.models import Donation
from grants.funding import permissions
from grants.funding.services import ledger

register = template.Library()


@register.inclusion_tag("donations/_notice.html", takes_context=True)
def donations_notice(context):
    user = context.get("user")
    show = user is not None and permissions.can_read_funding(user)
    return {"problems": stripe_gateway.problems() if show else []}


@register.simple_tag
def donations_enabled():
    return stripe_gateway.is_enabled()


@register.simple_tag
def donation_match(award):
    """{"fund", "ratio", "left"} for the fund matching gifts to `award` (left: what it may still
    add, None for no cap but its budget), or None when no fund matches or nothing is left."""

    fund = ledger.match_fund_for(award)
    if fund is None:
        return None
    left = fund.remaining if fund.match_left is None else min(fund.match_left, fund.remaining)
    if left <= 0:
        return None
    return {"fund": fund, "ratio": fund.match_ratio, "left": left, "capped": fund.match_cap is not None}


@register.simple_tag
def donation_pool():
    return ledger.donation_pool()


@register.simple_tag
def sees_donors(user):
    return permissions.can_read_funding(user)


@register.simple_tag
def can_refund(user):
    return permissions.can_manage_funding(user)


@register.simple_tag
def award_donations(award, user):
    """Staff and supervisors: every donation, whatever its state. Everyone else who may read the
    award: the gifts that counted (paid, or refunded in part or whole)."""

    donations = Donation.objects.filter(award=award).select_related("match_fund").order_by("-created_at", "-pk")
    if not permissions.can_read_funding(user):
        donations = donations.filter(status__in=[Donation.Status.PAID, Donation.Status.REFUNDED],
                                     redirected_from=None)
    return list(donations)
